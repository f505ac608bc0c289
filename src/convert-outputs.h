/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The outputs of the vpc2ipfix job: the plain options' and the named ones, as routes. */
#pragma once

#include "convert.h"
#include "export/domain-map.h"
#include "export/routes.h"

G_BEGIN_DECLS

/* The routes the options name: the plain options' outputs behind one
 * exporter, then one per named output (output-spec.h), behind its
 * filter; with --observation-domain-from, an exporter per domain met,
 * its ID from map.  openers (a GPtrArray with g_free) takes what those
 * routes make their exporters with: it must outlive the routes. */
VpcRoutes *vpc_convert_open_routes (const VpcConvertOptions *options, VpcDomainMap *map,
                                    GPtrArray *openers, GError **error);

/* --observation-domain-map: the IDs of earlier runs loaded into map, and
 * (when a route has --observation-domain-from) the file written now and
 * whenever a new ID is assigned (vpc_domain_map_set_file). */
gboolean vpc_convert_open_domain_map (const VpcConvertOptions *options, VpcDomainMap *map,
                                      GError **error);

/* --observation-domain-from: the map into stats (domain_from,
 * domains_json). */
void vpc_convert_domain_map (const VpcConvertOptions *options, VpcDomainMap *map,
                             VpcStats *stats);

G_END_DECLS
