/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Outputs as objects: the flows of a run fanned out to exporters, each behind its own filter. */
#include "config.h"

#include "routes.h"

typedef struct {
  char *name;        /* NULL: the outputs of the plain options */
  guint32 domain;
  VpcExporter *exporter;
  const VpcFilter *filter; /* NULL: every flow (borrowed) */
  guint64 filtered;  /* written by the encoder, read atomically by the getters */
} Route;

struct VpcRoutes {
  GPtrArray *routes; /* Route* */
  const VpcDiag *diag;
};

static void
route_free (gpointer data)
{
  Route *route = data;
  vpc_exporter_free (route->exporter);
  g_free (route->name);
  g_free (route);
}

VpcRoutes *
vpc_routes_new (const VpcDiag *diag)
{
  VpcRoutes *self = g_new0 (VpcRoutes, 1);
  self->routes = g_ptr_array_new_with_free_func (route_free);
  self->diag = diag;
  return self;
}

void
vpc_routes_free (VpcRoutes *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->routes); /* an unfinished file is removed */
  g_free (self);
}

void
vpc_routes_add_route (VpcRoutes *self, const char *name, guint32 domain, VpcExporter *exporter,
                      const VpcFilter *filter)
{
  Route *route = g_new0 (Route, 1);
  route->name = g_strdup (name);
  route->domain = domain;
  route->exporter = exporter;
  route->filter = filter;
  g_ptr_array_add (self->routes, route);
}

gboolean
vpc_routes_add (VpcRoutes *self, const VpcFlow *flow, guint64 mask, GError **error)
{
  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *route = self->routes->pdata[i];
      if (route->filter != NULL && !vpc_filter_match (route->filter, flow, mask))
        {
          __atomic_add_fetch (&route->filtered, 1, __ATOMIC_RELAXED);
          continue;
        }
      if (!vpc_exporter_add (route->exporter, flow, mask, error))
        return FALSE;
    }
  return TRUE;
}

void
vpc_routes_mark (VpcRoutes *self, guint64 mark)
{
  for (guint i = 0; i < self->routes->len; i++)
    vpc_exporter_mark (((Route *) self->routes->pdata[i])->exporter, mark);
}

gboolean
vpc_routes_flush (VpcRoutes *self, GError **error)
{
  for (guint i = 0; i < self->routes->len; i++)
    if (!vpc_exporter_flush (((Route *) self->routes->pdata[i])->exporter, error))
      return FALSE;
  return TRUE;
}

gboolean
vpc_routes_idle (VpcRoutes *self, GError **error)
{
  for (guint i = 0; i < self->routes->len; i++)
    if (!vpc_exporter_idle (((Route *) self->routes->pdata[i])->exporter, error))
      return FALSE;
  return TRUE;
}

gboolean
vpc_routes_finish (VpcRoutes *self, gboolean complete, GError **error)
{
  gboolean ok = TRUE;
  for (guint i = 0; i < self->routes->len; i++)
    {
      g_autoptr (GError) local = NULL;
      if (vpc_exporter_finish (((Route *) self->routes->pdata[i])->exporter, complete, &local))
        continue;
      if (ok)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        vpc_diag_emit (self->diag, "%s", local->message);
      ok = FALSE;
    }
  return ok;
}

guint64
vpc_routes_get_delivered (const VpcRoutes *self)
{
  guint64 delivered = G_MAXUINT64;
  for (guint i = 0; i < self->routes->len; i++)
    delivered = MIN (delivered,
                     vpc_exporter_get_delivered (((Route *) self->routes->pdata[i])->exporter));
  return delivered;
}

guint
vpc_routes_get_output_count (const VpcRoutes *self)
{
  guint n = 0;
  for (guint i = 0; i < self->routes->len; i++)
    n += vpc_exporter_get_output_count (((Route *) self->routes->pdata[i])->exporter);
  return n;
}

void
vpc_routes_get_output_stats (const VpcRoutes *self, guint index, VpcOutputStats *stats)
{
  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *route = self->routes->pdata[i];
      guint n = vpc_exporter_get_output_count (route->exporter);
      if (index >= n)
        {
          index -= n;
          continue;
        }
      vpc_output_get_stats (vpc_exporter_get_output (route->exporter, index), stats);
      stats->name = g_strdup (route->name);
      stats->observation_domain = route->domain;
      stats->filtered = __atomic_load_n (&route->filtered, __ATOMIC_RELAXED);
      return;
    }
  g_assert_not_reached ();
}

guint
vpc_routes_get_template_count (const VpcRoutes *self)
{
  guint n = 0;
  for (guint i = 0; i < self->routes->len; i++)
    n += vpc_exporter_get_template_count (((Route *) self->routes->pdata[i])->exporter);
  return n;
}

/* The interfaces are those of the input, whichever route met them: the
 * largest count of any route. */
guint
vpc_routes_get_interface_count (const VpcRoutes *self)
{
  guint n = 0;
  for (guint i = 0; i < self->routes->len; i++)
    n = MAX (n, vpc_exporter_get_interface_count (((Route *) self->routes->pdata[i])->exporter));
  return n;
}

guint
vpc_routes_get_interface_collisions (const VpcRoutes *self)
{
  guint n = 0;
  for (guint i = 0; i < self->routes->len; i++)
    n = MAX (n, vpc_exporter_get_interface_collisions (
                    ((Route *) self->routes->pdata[i])->exporter));
  return n;
}
