/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Threat lists as an interval table: address -> the feeds listing it and their highest severity. */
#pragma once

#include <glib.h>

#include "flow/parser.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

/* Severities, lowest first.  INFO marks informational lists (Tor exits):
 * reported, never flagged. */
typedef enum {
  VPC_SEVERITY_INFO = 0,
  VPC_SEVERITY_LOW = 1,
  VPC_SEVERITY_MEDIUM = 2,
  VPC_SEVERITY_HIGH = 3,
} VpcSeverity;

/* "info", "low", "medium", "high"; and back (FALSE for another word). */
const char *vpc_severity_name (VpcSeverity severity);
gboolean vpc_severity_parse (const char *text, VpcSeverity *severity);

/* At most this many feeds: a match names its feeds as a bit mask. */
#define VPC_THREAT_MAX_FEEDS 64

typedef struct {
  guint64 feeds;        /* bit i: feed i lists the address */
  VpcSeverity severity; /* the highest severity of those feeds */
} VpcThreatMatch;

typedef struct VpcThreatDb VpcThreatDb;

VpcThreatDb *vpc_threat_db_new (void);
void vpc_threat_db_free (VpcThreatDb *db);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcThreatDb, vpc_threat_db_free)

/* Add the range first..last (same family, first <= last; a single
 * address or a CIDR block expanded by the caller) listed by feed
 * (< VPC_THREAT_MAX_FEEDS) with severity.  Parts of the range in private
 * or reserved space (RFC 1918, loopback, link-local, CGNAT, multicast,
 * documentation, ULA, ... see vpc_addr_is_special()) are never added;
 * returns the number of addresses' ranges kept (0 if it was all special). */
guint vpc_threat_db_add_range (VpcThreatDb *db, guint feed, VpcSeverity severity,
                               const VpcAddr *first, const VpcAddr *last);

/* At most max ranges added in all (0: no limit); vpc_threat_db_is_full()
 * says when an add would go over. */
void vpc_threat_db_set_max_ranges (VpcThreatDb *db, guint64 max);
gboolean vpc_threat_db_is_full (const VpcThreatDb *db);

/* After the last add and before the first lookup: sort and merge into
 * disjoint intervals. */
void vpc_threat_db_build (VpcThreatDb *db);

/* Whether addr is listed; fills match.  Safe from several threads after
 * vpc_threat_db_build().  Millions of lookups per second. */
gboolean vpc_threat_db_lookup (const VpcThreatDb *db, const VpcAddr *addr, VpcThreatMatch *match);

/* Disjoint intervals after build (for statistics and tests). */
gsize vpc_threat_db_get_interval_count (const VpcThreatDb *db);

/* Private, reserved, loopback, link-local, multicast, documentation and
 * other special-purpose space (IANA special-purpose registries), which is
 * never a threat. */
gboolean vpc_addr_is_special (const VpcAddr *addr);

G_END_DECLS
