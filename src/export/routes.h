/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Outputs as objects: each route is an exporter with its own outputs, filter and domain, fed the same flows. */
#pragma once

#include <glib.h>

#include "domain-map.h"
#include "exporter.h"
#include "flow/filter.h"

G_BEGIN_DECLS

/* The flows of a run go to every route whose filter selects them (the
 * pmacct plugin model): a route is one exporter (its own observation
 * domain, IPFIX session, templates and sequence numbers; its own
 * protocol) with its outputs.  The calls mirror exporter.h and go to
 * every route; all but the getters come from the encoder's thread. */
typedef struct VpcRoutes VpcRoutes;

VpcRoutes *vpc_routes_new (const VpcDiag *diag);
void vpc_routes_free (VpcRoutes *routes);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcRoutes, vpc_routes_free)

/* Add a route: exporter is taken, filter (NULL: every flow) must outlive
 * routes; name
 * (NULL for the outputs of the plain options) is copied; domain is the
 * exporter's observation domain (for the statistics). */
void vpc_routes_add_route (VpcRoutes *routes, const char *name, guint32 domain,
                           VpcExporter *exporter, const VpcFilter *filter);

/* An exporter for the observation domain domain, its outputs started
 * (called from the encoder's thread when a route meets a new domain). */
typedef VpcExporter *(*VpcRouteOpenFunc) (gpointer data, guint32 domain, GError **error);

/* Add a route whose flows go to an exporter per observation domain: the
 * domain of each flow from map (borrowed) by what from says, fallback for
 * flows without that field.  Each exporter is made by open (data must
 * outlive routes) when its first flow comes, at most
 * VPC_ROUTES_MAX_DOMAINS per route (a flow of one more fails the run). */
void vpc_routes_add_domain_route (VpcRoutes *routes, const char *name, VpcDomainMap *map,
                                  VpcDomainFrom from, guint32 fallback, VpcRouteOpenFunc open,
                                  gpointer data, const VpcFilter *filter);
#define VPC_ROUTES_MAX_DOMAINS 1024

/* The flows added from now on come from the input whose key (for
 * --observation-domain-from flow-log: its flow log ID) is key, NULL for
 * none (the fallback domain).  key must stay valid while routes are used
 * and stand for one input key per address: a route looks the domain up
 * again only when the address changes, so a call per batch costs nothing. */
void vpc_routes_set_source (VpcRoutes *routes, const char *key);

/* Hand flow to every route that selects it; the others count it as
 * filtered. */
gboolean vpc_routes_add (VpcRoutes *routes, const VpcFlow *flow, guint64 mask, GError **error);
void vpc_routes_mark (VpcRoutes *routes, guint64 mark);
gboolean vpc_routes_flush (VpcRoutes *routes, GError **error);
gboolean vpc_routes_idle (VpcRoutes *routes, GError **error);
/* Every route is finished, whatever another says: the first failure is
 * the error, the others go to diag. */
gboolean vpc_routes_finish (VpcRoutes *routes, gboolean complete, GError **error);

/* SIGHUP: every exporter re-opens its outputs (vpc_exporter_reopen). */
void vpc_routes_reopen (VpcRoutes *routes);

/* The highest mark every output of every route has delivered. */
guint64 vpc_routes_get_delivered (VpcRoutes *routes);

/* Every output of every route, in order; its statistics carry the route's
 * name, observation domain and filtered count. */
guint vpc_routes_get_output_count (VpcRoutes *routes);
void vpc_routes_get_output_stats (VpcRoutes *routes, guint index, VpcOutputStats *stats);

/* Sums over the routes (see exporter.h). */
guint vpc_routes_get_template_count (VpcRoutes *routes);
guint vpc_routes_get_interface_count (VpcRoutes *routes);
guint vpc_routes_get_interface_collisions (VpcRoutes *routes);

G_END_DECLS
