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

/* The head of every entry of a bounded table (report-bounded.c): its key
 * and its Space-Saving count.  Each table's entry starts with it. */
typedef struct {
  guint8 *key;            /* key_len bytes (owned) */
  guint32 key_len;
  guint32 slot;           /* the entry's number, kept when another key takes it */
  guint32 heap;           /* position in the heap (approximate tables) */
  guint64 flows;          /* flows counted into the entry */
  guint64 inherited;      /* of flows, counted for the keys it replaced (0: exact) */
} BoundedEntry;

/* An entry is taken over by a new key (the table full): its counts are now
 * inherited (payload: set its own inherited fields from its counts). */
typedef void (*BoundedTakeFunc) (BoundedEntry *e);

/* At most max_keys entries: exact until full, then Space-Saving by flows. */
typedef struct {
  GHashTable *index;      /* BoundedEntry* -> itself (hashed by key) */
  BoundedEntry **heap;    /* by flows, the fewest first; NULL while exact */
  gsize entry_size;       /* of the payload struct starting with BoundedEntry */
  BoundedTakeFunc take;   /* or NULL */
  GDestroyNotify clear;   /* frees what a payload owns (not the entry), or NULL */
  guint max_keys;
  guint32 next_slot;
  guint64 inserted;       /* keys counted in (re-counted after an eviction) */
  guint64 flows;          /* flows counted, the N of the N / k bound */
} BoundedTable;

/* Accepted traffic of an address, a conversation or a port (top talkers;
 * the keys: an address, two addresses, protocol and port). */
typedef struct {
  BoundedEntry head;
  VpcTally tally, inherited;
  guint64 inbound_bytes, outbound_bytes;
} TalkStat;

/* The last lookups of the geography (report-geo.c). */
typedef struct {
  VpcAddr addr;  /* family 0: empty */
  char country[2];
  guint32 asn;
} GeoCacheEntry;
#define GEO_CACHE_SIZE 65536

/* Per distinct listed address (first member: the hash key); rejected and
 * accepted traffic is in the bounded tables. */
typedef struct {
  VpcAddr addr;
  guint32 id;
  ThreatStat *threat;
} AddrStat;

/* A rejected source or destination (report-bounded.c). */
typedef struct {
  BoundedEntry head;
  VpcAddr addr;           /* the key */
  VpcTally tally;         /* rejected flows from (sources) or to (destinations) it */
  VpcTally inherited;     /* of tally, counted for the keys it replaced (0: exact) */
  guint64 ports, hosts;   /* sources: distinct of its rejected flows */
  guint64 inherited_ports, inherited_hosts;
  guint64 first_ms, last_ms;
  gboolean have_time;
} RejStat;

typedef BoundedTable RejTable;

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
  RejTable rej_src, rej_dst;  /* report-bounded.c */
  U64Set port_pairs, host_pairs;
  guint64 max_pairs;          /* entries of each pair set at most */
  guint64 pairs_refused;      /* new pairs not stored (a full set) */
  GHashTable *ports;      /* GUINT (protocol << 16 | port) -> VpcTally* */
  GHashTable *interfaces; /* name -> NamedTally* */
  GHashTable *buckets;    /* Bucket* -> itself */
  guint bucket_unit;      /* seconds of a stored bucket */
  VpcReportSummary *s;    /* the counters filled as we go; the tables at finish */

  /* report-talkers.c: bounded tables (no pointers between them: each key
   * is the text of what it counts) */
  BoundedTable talk_src, talk_dst;  /* TalkStat by address */
  BoundedTable conversations;       /* TalkStat by the two addresses, in addr_cmp order */
  BoundedTable talk_ports;          /* TalkStat by protocol, port */
  BoundedTable places;              /* Place by place key (egress interfaces) */
  BoundedTable exposures;           /* ExposureStat by place key, protocol, port */
  U64Set exposure_sources;          /* hash of exposure slot and address */
  BoundedTable egress;              /* EgressStat by place key, address */
  BoundedTable groups[VPC_REPORT_GROUPS]; /* GroupStat by name */
  guint64 group_without[VPC_REPORT_GROUPS];
  struct GroupStat *group_last[VPC_REPORT_GROUPS]; /* the last flow's entries, or NULL */
  guint8 exposure_bits[65536 / 8];
  GString *scratch;          /* lookup keys, reused */

  /* report-geo.c */
  VpcGeoip *geoip;           /* not owned, or NULL */
  GHashTable *geo_countries; /* GUINT (letter << 8 | letter), 0 unknown -> GeoStat* */
  GHashTable *geo_networks;  /* GUINT asn, 0 unknown -> GeoStat* */
  GeoCacheEntry *geo_cache;  /* GEO_CACHE_SIZE, direct-mapped by address */
};

typedef struct {
  VpcTally accepted, rejected;
} GeoStat;

/* An interface with its instance and VPC (key: place_key ()). */
typedef struct {
  BoundedEntry head;
  VpcTally egress, inherited; /* accepted outbound to public, non-AWS addresses */
  guint64 egress_destinations;
  guint64 inherited_destinations;
} Place;

/* Key: place key, then protocol and port (3 bytes). */
typedef struct {
  BoundedEntry head;
  guint64 sources, listed_sources;
  guint64 inherited_sources;
  VpcTally tally, inherited;
  guint64 first_ms, last_ms;
  gboolean have_time;
} ExposureStat;

/* Key: place key, then the address key. */
typedef struct {
  BoundedEntry head;
  VpcTally tally, inherited;
} EgressStat;

/* Key: the name (up to a NUL byte). */
typedef struct GroupStat {
  BoundedEntry head;
  VpcTally all, accepted, rejected;
  VpcTally inherited;     /* of all */
} GroupStat;

/* report.c */
void u64set_init (U64Set *set);
void u64set_clear (U64Set *set);
gboolean u64set_add (U64Set *set, guint64 key);
gboolean u64set_contains (const U64Set *set, guint64 key);

/* report-bounded.c */
void bounded_init (BoundedTable *t, guint max_keys, gsize entry_size, BoundedTakeFunc take,
                   GDestroyNotify clear);
void bounded_clear (BoundedTable *t);
/* The key's entry: found, new (zeroed; *fresh TRUE), or (full) the one with
 * the fewest flows, taken over by the key (counts inherited; *fresh TRUE).
 * fresh may be NULL. */
BoundedEntry *bounded_get (BoundedTable *t, const void *key, gsize len, gboolean *fresh);
/* After one more flow in e. */
void bounded_counted (BoundedTable *t, BoundedEntry *e);
BoundedEntry *bounded_lookup (const BoundedTable *t, const void *key, gsize len);
gboolean bounded_is_approximate (const BoundedTable *t);
/* The largest inherited flows of an entry (0 for an exact table). */
guint64 bounded_error_bound (const BoundedTable *t);
/* The table's line of the limits section. */
void bounded_limit (const BoundedTable *t, const char *name, VpcReportLimit *limit);
/* An address as a key (family, then 4 or 16 bytes): returns the length. */
gsize addr_key (const VpcAddr *a, guint8 *key);
/* The address of a key made by addr_key, the length used (0: not one). */
gsize addr_of_key (const guint8 *key, gsize len, VpcAddr *a);

void rej_table_init (RejTable *t, guint max_keys);
void rej_table_clear (RejTable *t);
/* The key's entry: found, new, or (full) the one with the fewest flows, now the key's. */
RejStat *rej_table_get (RejTable *t, const VpcAddr *addr);
/* After one more flow in e's tally. */
void rej_table_counted (RejTable *t, RejStat *e);
RejStat *rej_table_lookup (const RejTable *t, const VpcAddr *addr);
#define rej_table_is_approximate bounded_is_approximate
#define rej_table_error_bound bounded_error_bound
/* u64set_add, up to report->max_pairs entries (then counted as refused). */
gboolean pair_set_add (VpcReport *report, U64Set *set, guint64 key);
AddrStat *addr_get (VpcReport *report, const VpcAddr *addr);
void tally_add (VpcTally *t, guint64 packets, guint64 bytes);
void span_add (guint64 *first, guint64 *last, gboolean *have, guint64 ms);

/* report-talkers.c: the new sections' tables. */
void talkers_init (VpcReport *report);
void talkers_clear (VpcReport *report);
/* action: 1 accepted, 2 rejected, 0 none; src/dst NULL when absent. */
void talkers_add_flow (VpcReport *report, const VpcFlow *flow, guint64 mask, int action,
                       const VpcAddr *src, const VpcAddr *dst);

/* report-summary.c, shared with report-talkers-summary.c */
char *addr_text (const VpcAddr *a);
int addr_cmp (const VpcAddr *a, const VpcAddr *b);
int tally_cmp (const VpcTally *a, const VpcTally *b);
const char *protocol_name (guint8 number);
char *service_name (guint8 protocol, guint16 port);
void row_clear (gpointer p);

/* report-talkers-summary.c */
void talkers_finish (VpcReport *report);
void talkers_summary_free (VpcReportSummary *s);

/* report-geo.c */
void geo_init (VpcReport *report);
void geo_clear (VpcReport *report);
void geo_add_flow (VpcReport *report, const VpcAddr *src, const VpcAddr *dst, int action,
                   guint64 packets, guint64 bytes);
void geo_finish (VpcReport *report);
void geo_summary_free (VpcReportSummary *s);
void geo_render_text (GString *out, const VpcReportSummary *s);
void geo_render_csv (GString *out, const VpcReportSummary *s);
void geo_render_json (GString *out, const VpcReportSummary *s);
void geo_render_html (GString *out, const VpcReportSummary *s);
/* An address of a table with its country and AS: "198.51.100.7 (US AS64500 Example)". */
char *geo_address_text (const VpcReportSummary *s, const char *address);
/* JSON: ', "KEY": {country, country_name, asn, as_name}' (null when unknown), nothing without --geoip. */
void geo_json_member (GString *out, const VpcReportSummary *s, const char *key, const char *address);
/* HTML: ' <span class="geo">US AS64500 Example</span>' after an address. */
void geo_html_note (GString *out, const VpcReportSummary *s, const char *address);

/* Renderer pieces shared with report-geo.c. */
typedef struct TextTable TextTable;
/* report-text.c: an aligned table (bit i of right: column i right-aligned);
 * text_table_add takes one string per column (freed; shown terminal-safe);
 * render frees the table. */
TextTable *text_table_new (const char *const *header, guint64 right);
void text_table_add (TextTable *t, ...);
void text_table_render (TextTable *t, GString *out);
/* report-text.c: one CSV row, the section name then the fields (NULL-terminated; taken). */
void csv_row (GString *out, const char *section, ...);
/* report-json.c: a JSON string (or null). */
void json_string (GString *out, const char *s);

/* Sums saturate at 2^64 - 1 (counters of flow logs can be that large). */
static inline guint64
sat_add (guint64 a, guint64 b)
{
  return a > G_MAXUINT64 - b ? G_MAXUINT64 : a + b;
}
