/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Outputs as objects: the flows of a run fanned out to exporters, each behind its own filter. */
#include "config.h"

#include "routes.h"

#include <string.h>

/* One exporter of a route, and the observation domain it speaks for. */
typedef struct {
  VpcExporter *exporter;
  guint32 domain;
  char *key; /* what the domain stands for (--observation-domain-from), or NULL */
} Leg;

typedef struct {
  char *name;        /* NULL: the outputs of the plain options */
  const VpcFilter *filter; /* NULL: every flow (borrowed) */
  guint64 filtered;  /* written by the encoder, read atomically by the getters */
  GArray *legs;      /* Leg: one, or one per domain met (from != NONE) */
  VpcDomainFrom from;
  VpcDomainMap *map; /* borrowed */
  guint32 fallback;
  VpcRouteOpenFunc open;
  gpointer open_data;
  GHashTable *leg_by_domain; /* domain -> index + 1 in legs */
  VpcExporter *source_exporter; /* from == FLOW_LOG: the current input's, once met */
} Route;

/* The encoder's thread adds legs while others read the statistics: lock
 * guards every route's legs array (the encoder reads it without). */
struct VpcRoutes {
  GPtrArray *routes; /* Route* */
  const VpcDiag *diag;
  GMutex lock;
  guint64 mark;      /* the last delivery mark given (written by the encoder, read atomically) */
  const char *source; /* the current input's key (vpc_routes_set_source), or NULL */
};

static void
leg_clear (gpointer data)
{
  Leg *leg = data;
  vpc_exporter_free (leg->exporter);
  g_free (leg->key);
}

static void
route_free (gpointer data)
{
  Route *route = data;
  g_array_unref (route->legs); /* an unfinished file is removed */
  g_clear_pointer (&route->leg_by_domain, g_hash_table_unref);
  g_free (route->name);
  g_free (route);
}

VpcRoutes *
vpc_routes_new (const VpcDiag *diag)
{
  VpcRoutes *self = g_new0 (VpcRoutes, 1);
  self->routes = g_ptr_array_new_with_free_func (route_free);
  self->diag = diag;
  g_mutex_init (&self->lock);
  return self;
}

void
vpc_routes_free (VpcRoutes *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->routes);
  g_mutex_clear (&self->lock);
  g_free (self);
}

static Route *
route_new (const char *name, const VpcFilter *filter)
{
  Route *route = g_new0 (Route, 1);
  route->name = g_strdup (name);
  route->filter = filter;
  route->legs = g_array_new (FALSE, TRUE, sizeof (Leg));
  g_array_set_clear_func (route->legs, leg_clear);
  return route;
}

void
vpc_routes_add_route (VpcRoutes *self, const char *name, guint32 domain, VpcExporter *exporter,
                      const VpcFilter *filter)
{
  Route *route = route_new (name, filter);
  Leg leg = { exporter, domain, NULL };
  g_array_append_val (route->legs, leg);
  g_ptr_array_add (self->routes, route);
}

void
vpc_routes_add_domain_route (VpcRoutes *self, const char *name, VpcDomainMap *map,
                             VpcDomainFrom from, guint32 fallback, VpcRouteOpenFunc open,
                             gpointer data, const VpcFilter *filter)
{
  Route *route = route_new (name, filter);
  route->from = from;
  route->map = map;
  route->fallback = fallback;
  route->open = open;
  route->open_data = data;
  route->leg_by_domain = g_hash_table_new (NULL, NULL);
  g_ptr_array_add (self->routes, route);
}

/* The exporter of flow's domain in a route with a domain per source,
 * made when the domain is new. */
static VpcExporter *
route_leg_for (VpcRoutes *self, Route *route, const VpcFlow *flow, guint64 mask,
               GError **error)
{
  gsize len = 0;
  const char *key;
  if (route->from == VPC_DOMAIN_FROM_FLOW_LOG)
    {
      if (route->source_exporter != NULL)
        return route->source_exporter; /* the flow's input's, as the last flow's */
      key = self->source;
      len = key != NULL ? strlen (key) : 0;
    }
  else
    key = vpc_domain_key (route->from, flow, mask, &len);
  guint32 domain;
  if (!vpc_domain_map_lookup_full (route->map, key, len, route->fallback, &domain, error))
    return NULL;
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (route->leg_by_domain,
                                                       GUINT_TO_POINTER (domain)));
  if (index > 0)
    {
      VpcExporter *exporter = g_array_index (route->legs, Leg, index - 1).exporter;
      if (route->from == VPC_DOMAIN_FROM_FLOW_LOG)
        route->source_exporter = exporter;
      return exporter;
    }
  if (route->legs->len >= VPC_ROUTES_MAX_DOMAINS)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO,
                   "%s%s%s: more than %d observation domains (--observation-domain-from %s)",
                   route->name != NULL ? "output '" : "", route->name != NULL ? route->name : "",
                   route->name != NULL ? "'" : "outputs", VPC_ROUTES_MAX_DOMAINS,
                   vpc_domain_from_name (route->from));
      return NULL;
    }
  VpcExporter *exporter = route->open (route->open_data, domain, error);
  if (exporter == NULL)
    return NULL;
  g_autofree char *name = key != NULL && domain != route->fallback ? g_strndup (key, len) : NULL;
  if (name != NULL && !vpc_exporter_publish_domain_name (exporter, name, error))
    {
      vpc_exporter_free (exporter);
      return NULL;
    }
  /* It holds none of the records before: everything up to the last mark
   * is delivered as far as it is concerned. */
  vpc_exporter_mark (exporter, self->mark);
  Leg leg = { exporter, domain, key != NULL ? g_strndup (key, len) : NULL };
  g_mutex_lock (&self->lock);
  g_array_append_val (route->legs, leg);
  g_mutex_unlock (&self->lock);
  g_hash_table_insert (route->leg_by_domain, GUINT_TO_POINTER (domain),
                       GUINT_TO_POINTER (route->legs->len));
  if (route->from == VPC_DOMAIN_FROM_FLOW_LOG)
    route->source_exporter = exporter;
  return exporter;
}

void
vpc_routes_set_source (VpcRoutes *self, const char *key)
{
  if (key == self->source)
    return;
  self->source = key;
  for (guint i = 0; i < self->routes->len; i++)
    ((Route *) self->routes->pdata[i])->source_exporter = NULL;
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
      VpcExporter *exporter = route->open == NULL ? g_array_index (route->legs, Leg, 0).exporter
                                                  : route_leg_for (self, route, flow, mask, error);
      if (exporter == NULL || !vpc_exporter_add (exporter, flow, mask, error))
        return FALSE;
    }
  return TRUE;
}

/* Every exporter of every route, in order. */
#define FOR_EACH_LEG(self, leg)                                                                \
  for (guint r_ = 0; r_ < (self)->routes->len; r_++)                                           \
    for (guint l_ = 0; l_ < ((Route *) (self)->routes->pdata[r_])->legs->len; l_++)            \
      for (Leg *leg = &g_array_index (((Route *) (self)->routes->pdata[r_])->legs, Leg, l_);   \
           leg != NULL; leg = NULL)

void
vpc_routes_mark (VpcRoutes *self, guint64 mark)
{
  FOR_EACH_LEG (self, leg)
  vpc_exporter_mark (leg->exporter, mark);
  /* After the legs: a reader that sees it sees every leg made for the
   * flows before it. */
  if (mark > self->mark)
    __atomic_store_n (&self->mark, mark, __ATOMIC_RELEASE);
}

gboolean
vpc_routes_flush (VpcRoutes *self, GError **error)
{
  FOR_EACH_LEG (self, leg)
  if (!vpc_exporter_flush (leg->exporter, error))
    return FALSE;
  return TRUE;
}

gboolean
vpc_routes_idle (VpcRoutes *self, GError **error)
{
  FOR_EACH_LEG (self, leg)
  if (!vpc_exporter_idle (leg->exporter, error))
    return FALSE;
  return TRUE;
}

void
vpc_routes_reopen (VpcRoutes *self)
{
  FOR_EACH_LEG (self, leg)
  vpc_exporter_reopen (leg->exporter);
}

gboolean
vpc_routes_finish (VpcRoutes *self, gboolean complete, GError **error)
{
  gboolean ok = TRUE;
  FOR_EACH_LEG (self, leg)
  {
    g_autoptr (GError) local = NULL;
    if (vpc_exporter_finish (leg->exporter, complete, &local))
      continue;
    if (ok)
      g_propagate_error (error, g_steal_pointer (&local));
    else
      vpc_diag_emit (self->diag, "%s", local->message);
    ok = FALSE;
  }
  return ok;
}

/* No more than the encoder has passed on: an exporter for a new domain
 * may still come for the flows before a later mark. */
guint64
vpc_routes_get_delivered (VpcRoutes *self)
{
  guint64 delivered = __atomic_load_n (&self->mark, __ATOMIC_ACQUIRE);
  g_mutex_lock (&self->lock);
  FOR_EACH_LEG (self, leg)
  delivered = MIN (delivered, vpc_exporter_get_delivered (leg->exporter));
  g_mutex_unlock (&self->lock);
  return delivered;
}

guint
vpc_routes_get_output_count (VpcRoutes *self)
{
  guint n = 0;
  g_mutex_lock (&self->lock);
  FOR_EACH_LEG (self, leg)
  n += vpc_exporter_get_output_count (leg->exporter);
  g_mutex_unlock (&self->lock);
  return n;
}

void
vpc_routes_get_output_stats (VpcRoutes *self, guint index, VpcOutputStats *stats)
{
  memset (stats, 0, sizeof *stats);
  g_mutex_lock (&self->lock);
  for (guint r = 0; r < self->routes->len; r++)
    {
      Route *route = self->routes->pdata[r];
      for (guint l = 0; l < route->legs->len; l++)
        {
          Leg *leg = &g_array_index (route->legs, Leg, l);
          guint n = vpc_exporter_get_output_count (leg->exporter);
          if (index >= n)
            {
              index -= n;
              continue;
            }
          vpc_output_get_stats (vpc_exporter_get_output (leg->exporter, index), stats);
          stats->name = g_strdup (route->name);
          stats->observation_domain = leg->domain;
          stats->domain_key = g_strdup (leg->key);
          stats->filtered = __atomic_load_n (&route->filtered, __ATOMIC_RELAXED);
          g_mutex_unlock (&self->lock);
          return;
        }
    }
  g_mutex_unlock (&self->lock);
  g_assert_not_reached ();
}

guint
vpc_routes_get_template_count (VpcRoutes *self)
{
  guint n = 0;
  g_mutex_lock (&self->lock);
  FOR_EACH_LEG (self, leg)
  n += vpc_exporter_get_template_count (leg->exporter);
  g_mutex_unlock (&self->lock);
  return n;
}

/* The interfaces are those of the input, whichever exporter met them: the
 * largest count of any. */
guint
vpc_routes_get_interface_count (VpcRoutes *self)
{
  guint n = 0;
  g_mutex_lock (&self->lock);
  FOR_EACH_LEG (self, leg)
  n = MAX (n, vpc_exporter_get_interface_count (leg->exporter));
  g_mutex_unlock (&self->lock);
  return n;
}

guint
vpc_routes_get_interface_collisions (VpcRoutes *self)
{
  guint n = 0;
  g_mutex_lock (&self->lock);
  FOR_EACH_LEG (self, leg)
  n = MAX (n, vpc_exporter_get_interface_collisions (leg->exporter));
  g_mutex_unlock (&self->lock);
  return n;
}
