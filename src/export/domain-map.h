/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --observation-domain-from: a stable, collision-checked observation domain ID per account, VPC, region, interface or flow log. */
#pragma once

#include <glib.h>

#include "flow/mapper.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

/* What a flow's observation domain comes from. */
typedef enum {
  VPC_DOMAIN_FROM_NONE,      /* the one domain of -d */
  VPC_DOMAIN_FROM_ACCOUNT,   /* account-id */
  VPC_DOMAIN_FROM_VPC,       /* vpc-id */
  VPC_DOMAIN_FROM_REGION,    /* region */
  VPC_DOMAIN_FROM_INTERFACE, /* interface-id */
  VPC_DOMAIN_FROM_FLOW_LOG,  /* the flow log ID in the input's name (vpc_domain_flow_log_id) */
} VpcDomainFrom;

/* "account", "vpc", "region", "interface", "flow-log" (and "none"); and back. */
const char *vpc_domain_from_name (VpcDomainFrom from);
gboolean vpc_domain_from_parse (const char *text, VpcDomainFrom *from);

/* The map of one run, shared by every output (so the same VPC has the
 * same ID everywhere).  An ID is the FNV-1a 32-bit hash of the ID as the
 * record writes it ("vpc-0a1b2c3d4e5f67890"), 0 replaced by 1: the same
 * in every run and on every host.  A second ID with the same hash takes
 * the next free number (a collision, counted and reported through diag);
 * a map file keeps such assignments across runs.  A flow without the
 * field gets fallback (the -d domain), under the key "".  Thread-safe. */
typedef struct VpcDomainMap VpcDomainMap;

VpcDomainMap *vpc_domain_map_new (const VpcDiag *diag);
void vpc_domain_map_free (VpcDomainMap *map);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcDomainMap, vpc_domain_map_free)

/* Read the assignments of a map file (lines "ID KEY", '#' comments; as
 * vpc_domain_map_to_text() writes them) as fixed.  A missing file is an
 * empty map; VPC_ERROR_USAGE naming FILE:LINE for a bad line or an ID
 * given twice. */
gboolean vpc_domain_map_load (VpcDomainMap *map, const char *path, GError **error);

/* The key of flow for from (points into flow, *len bytes; NULL if the
 * flow lacks the field, and for VPC_DOMAIN_FROM_FLOW_LOG, whose key is
 * the input's). */
const char *vpc_domain_key (VpcDomainFrom from, const VpcFlow *flow, guint64 mask, gsize *len);

/* The flow log ID ("fl-0a1b2c3d4e5f60718") in the name of an input as S3
 * names its objects, ACCOUNT_vpcflowlogs_REGION_FLOWLOGID_TIME_HASH.log.gz
 * (the last '/'-separated part of path; .parquet and uncompressed too):
 * points into path, *len bytes; NULL for any other name (CloudWatch
 * exports and streams carry no flow log ID). */
const char *vpc_domain_flow_log_id (const char *path, gsize *len);

/* The ID of key (len bytes; NULL: none, fallback), assigned on first use. */
guint32 vpc_domain_map_lookup (VpcDomainMap *map, const char *key, gsize len, guint32 fallback);

/* The FNV-1a 32-bit ID before any collision (0 replaced by 1). */
guint32 vpc_domain_id_for_key (const char *key, gsize len);

/* Write the map (vpc_domain_map_to_text) to path now and whenever a key
 * gets an ID, atomically (a temporary file renamed over it), before that
 * ID is returned: what a collector received is on disk even if the
 * process is killed.  FALSE (VPC_ERROR_IO) if the first write fails. */
gboolean vpc_domain_map_set_file (VpcDomainMap *map, const char *path, GError **error);

/* As vpc_domain_map_lookup(); FALSE (VPC_ERROR_IO) if a new ID could not
 * be written to the map file (the ID stays assigned in memory). */
gboolean vpc_domain_map_lookup_full (VpcDomainMap *map, const char *key, gsize len,
                                     guint32 fallback, guint32 *id, GError **error);

/* Keys assigned an ID in this run or loaded, as "ID KEY" lines sorted by
 * ID; the JSON object {"KEY": ID, ...}. */
char *vpc_domain_map_to_text (VpcDomainMap *map);
char *vpc_domain_map_to_json (VpcDomainMap *map);
guint vpc_domain_map_get_size (VpcDomainMap *map);
guint vpc_domain_map_get_collisions (VpcDomainMap *map);

G_END_DECLS
