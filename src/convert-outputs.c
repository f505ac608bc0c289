/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The outputs of the vpc2ipfix job: opened from the options, as routes (export/routes.h). */
#include "config.h"

#include "convert-outputs.h"

#include <string.h>

#include "export/output-path.h"
#include "output-spec.h"

/* The outputs of the plain options (-o, --udp, --tcp): collectors first,
 * then the file; an empty array if there are none. */
static GPtrArray *
open_plain_outputs (const VpcConvertOptions *options, GError **error)
{
  g_autoptr (GPtrArray) outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) vpc_output_free);
  for (const char *const *d = options->udp; d != NULL && *d != NULL; d++)
    {
      VpcOutput *output = vpc_output_new_udp (*d, &options->net, error);
      if (output == NULL)
        return NULL;
      g_ptr_array_add (outputs, output);
    }
  for (const char *const *d = options->tcp; d != NULL && *d != NULL; d++)
    {
      VpcOutput *output = vpc_output_new_tcp (*d, &options->net, error);
      if (output == NULL)
        return NULL;
      g_ptr_array_add (outputs, output);
    }
  if (options->output != NULL)
    {
      VpcOutput *output = options->rotate_seconds > 0
                              ? vpc_output_new_rotating (options->output, options->rotate_seconds,
                                                         error)
                              : vpc_output_new_file (options->output, error);
      if (output == NULL)
        return NULL;
      g_ptr_array_add (outputs, output);
    }
  return g_steal_pointer (&outputs);
}

/* The one output of a named output (--output-spec, [output NAME]). */
static VpcOutput *
open_spec_output (const VpcOutputSpec *spec, GError **error)
{
  VpcOutput *output = spec->udp != NULL   ? vpc_output_new_udp (spec->udp, &spec->net, error)
                      : spec->tcp != NULL ? vpc_output_new_tcp (spec->tcp, &spec->net, error)
                      : spec->rotate_seconds > 0
                          ? vpc_output_new_rotating (spec->file, spec->rotate_seconds, error)
                          : vpc_output_new_file (spec->file, error);
  if (output == NULL)
    g_prefix_error (error, "output '%s': ", spec->name);
  return output;
}

/* What makes the exporters of a route with a domain per source: the
 * destinations of the plain options (spec NULL) or of a named output. */
typedef struct {
  const VpcConvertOptions *options;
  const VpcOutputSpec *spec;
} DomainOpener;

/* VpcRouteOpenFunc: the route's collectors, as an exporter for domain. */
static VpcExporter *
open_domain_exporter (gpointer data, guint32 domain, GError **error)
{
  DomainOpener *opener = data;
  const VpcOutputSpec *spec = opener->spec;
  GPtrArray *outputs;
  if (spec != NULL)
    {
      VpcOutput *output = open_spec_output (spec, error);
      if (output == NULL)
        return NULL;
      outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) vpc_output_free);
      g_ptr_array_add (outputs, output);
    }
  else if ((outputs = open_plain_outputs (opener->options, error)) == NULL)
    return NULL;
  VpcExporter *exporter = vpc_exporter_new (outputs, domain, opener->options->diag, error);
  if (exporter == NULL)
    {
      if (spec != NULL)
        g_prefix_error (error, "output '%s': ", spec->name);
      return NULL;
    }
  vpc_exporter_set_interface_table (exporter, spec != NULL ? spec->interface_table
                                                           : opener->options->interface_table);
  return exporter;
}

/* A route with a domain per source: its destinations are checked now
 * (resolved, and UDP sockets connected, then closed); its exporters come
 * with their domains. */
static gboolean
add_domain_route (VpcRoutes *routes, VpcDomainMap *map, GPtrArray *openers,
                  const VpcConvertOptions *options, const VpcOutputSpec *spec, GError **error)
{
  if (spec != NULL)
    {
      g_autoptr (VpcOutput) check = open_spec_output (spec, error);
      if (check == NULL)
        return FALSE;
    }
  else
    {
      g_autoptr (GPtrArray) check = open_plain_outputs (options, error);
      if (check == NULL)
        return FALSE;
      if (check->len == 0)
        return TRUE;
    }
  DomainOpener *opener = g_new0 (DomainOpener, 1);
  opener->options = options;
  opener->spec = spec;
  g_ptr_array_add (openers, opener);
  vpc_routes_add_domain_route (routes, spec != NULL ? spec->name : NULL, map,
                               spec != NULL ? spec->domain_from : options->domain_from,
                               spec != NULL ? spec->observation_domain
                                            : options->observation_domain,
                               open_domain_exporter, opener, spec != NULL ? spec->filter : NULL);
  return TRUE;
}

/* The routes: the plain options' outputs behind one exporter (no filter
 * of their own), then one exporter per named output, behind its filter;
 * with --observation-domain-from, one exporter per domain met. */
VpcRoutes *
vpc_convert_open_routes (const VpcConvertOptions *options, VpcDomainMap *map, GPtrArray *openers,
             GError **error)
{
  g_autoptr (VpcRoutes) routes = vpc_routes_new (options->diag);
  if (options->domain_from != VPC_DOMAIN_FROM_NONE)
    {
      if (!add_domain_route (routes, map, openers, options, NULL, error))
        return NULL;
    }
  else
    {
      GPtrArray *plain = open_plain_outputs (options, error);
      if (plain == NULL)
        return NULL;
      if (plain->len == 0)
        g_ptr_array_unref (plain);
      else
        {
          VpcExporter *exporter
              = vpc_exporter_new (plain, options->observation_domain, options->diag, error);
          if (exporter == NULL)
            return NULL;
          vpc_exporter_set_interface_table (exporter, options->interface_table);
          vpc_routes_add_route (routes, NULL, options->observation_domain, exporter, NULL);
        }
    }
  for (guint i = 0; options->output_specs != NULL && i < options->output_specs->len; i++)
    {
      const VpcOutputSpec *spec = options->output_specs->pdata[i];
      if (spec->domain_from != VPC_DOMAIN_FROM_NONE)
        {
          if (!add_domain_route (routes, map, openers, options, spec, error))
            return NULL;
          continue;
        }
      VpcOutput *output = open_spec_output (spec, error);
      if (output == NULL)
        return NULL;
      GPtrArray *outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) vpc_output_free);
      g_ptr_array_add (outputs, output);
      VpcExporter *exporter
          = vpc_exporter_new (outputs, spec->observation_domain, options->diag, error);
      if (exporter == NULL)
        {
          g_prefix_error (error, "output '%s': ", spec->name);
          return NULL;
        }
      vpc_exporter_set_interface_table (exporter, spec->interface_table);
      vpc_routes_add_route (routes, spec->name, spec->observation_domain, exporter,
                            spec->filter);
    }
  return g_steal_pointer (&routes);
}

/* Whether any route has a domain per source (--observation-domain-from). */
static gboolean
any_domain_from (const VpcConvertOptions *options)
{
  gboolean any = options->domain_from != VPC_DOMAIN_FROM_NONE;
  for (guint i = 0; options->output_specs != NULL && i < options->output_specs->len; i++)
    any = any || ((const VpcOutputSpec *) options->output_specs->pdata[i])->domain_from
                     != VPC_DOMAIN_FROM_NONE;
  return any;
}

gboolean
vpc_convert_open_domain_map (const VpcConvertOptions *options, VpcDomainMap *map,
                             GError **error)
{
  if (options->domain_map_file == NULL)
    return TRUE;
  if (!vpc_domain_map_load (map, options->domain_map_file, error))
    return FALSE;
  return !any_domain_from (options)
         || vpc_domain_map_set_file (map, options->domain_map_file, error);
}

/* --observation-domain-from: the map into the statistics (the map file is
 * written as it changes). */
void
vpc_convert_domain_map (const VpcConvertOptions *options, VpcDomainMap *map, VpcStats *stats)
{
  if (!any_domain_from (options))
    return;
  g_free (stats->domain_from);
  stats->domain_from = g_strdup (vpc_domain_from_name (options->domain_from));
  g_free (stats->domains_json);
  stats->domains_json = vpc_domain_map_to_json (map);
}
