/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal to vpc-report's aggregation: the tables report.c fills and report-summary.c sorts. */
#pragma once

#include "report.h"

/* Open addressing set of non-zero 64-bit keys (linear probing, at most half
 * full): the distinct (source, port) and (source, destination) pairs cost
 * 16 bytes each at worst. */
typedef struct {
  guint64 *slots;
  gsize mask;  /* capacity - 1 */
  gsize count;
} U64Set;

/* --------------------------------------------------------------- the tables */

typedef struct {
  guint64 feeds;
  VpcSeverity severity;
  guint direction;
  VpcTally total, accepted, rejected;
  guint64 first_ms, last_ms;
  gboolean have_time;
  GHashTable *interfaces; /* char* set */
} ThreatStat;

/* Per distinct address (first member: the hash key). */
typedef struct {
  VpcAddr addr;
  guint32 id;
  VpcTally rejected_src;  /* rejected flows it sent */
  VpcTally rejected_dst;  /* rejected flows sent to it */
  guint64 accepted_src;   /* accepted flows it sent */
  guint64 ports, hosts;   /* distinct of its rejected flows */
  guint64 first_ms, last_ms;
  gboolean have_time;
  ThreatStat *threat;
} AddrStat;

/* A histogram bucket (first member: the gint64 key). */
typedef struct {
  gint64 index;
  VpcTally tally;
} Bucket;

typedef struct {
  char *name;
  VpcTally tally;
} NamedTally;

struct VpcReport {
  VpcReportOptions options;
  const VpcThreatDb *db;
  GHashTable *addrs;      /* AddrStat* -> itself */
  guint32 next_id;
  U64Set port_pairs, host_pairs;
  GHashTable *ports;      /* GUINT (protocol << 16 | port) -> VpcTally* */
  GHashTable *interfaces; /* name -> NamedTally* */
  GHashTable *buckets;    /* Bucket* -> itself */
  guint bucket_unit;      /* seconds of a stored bucket */
  VpcReportSummary *s;    /* the counters filled as we go; the tables at finish */
};

/* Sums saturate at 2^64 - 1 (counters of flow logs can be that large). */
static inline guint64
sat_add (guint64 a, guint64 b)
{
  return a > G_MAXUINT64 - b ? G_MAXUINT64 : a + b;
}
