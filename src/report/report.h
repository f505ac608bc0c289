/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc-report: one-pass aggregation of flows into reject, scanner and threat summaries. */
#pragma once

#include <glib.h>

#include "feeds.h"
#include "flow/mapper.h"
#include "geoip.h"
#include "common/stats.h"
#include "threat.h"

G_BEGIN_DECLS

/* The version of the JSON document (README "vpc-report", vpc-report(1)). */
#define VPC_REPORT_SCHEMA "vpc-report/2"

/* At most this many --exposure-ports. */
#define VPC_REPORT_MAX_EXPOSURE_PORTS 64

typedef struct {
  guint top;            /* rows of each top table */
  guint top_threats;    /* rows of the threat table, 0 = every matched address */
  guint scan_ports;     /* a source whose rejected flows reach this many distinct
                         * (protocol, port) destinations is a scanner */
  guint scan_hosts;     /* ... or this many distinct destination addresses */
  guint bucket_seconds; /* reject histogram; 0 = chosen from the time span */
  /* Exposure: accepted inbound tcp/udp flows from public addresses to these
   * destination ports (sorted, distinct). */
  guint16 exposure_ports[VPC_REPORT_MAX_EXPOSURE_PORTS];
  guint exposure_port_count;
  guint64 egress_threshold; /* egress: an interface sending this many bytes
                               or more outside is flagged */
  /* Bounded memory: distinct keys of each bounded table counted exactly;
   * beyond, Space-Saving (report-bounded.c). */
  guint max_keys;
} VpcReportOptions;

/* --max-keys default: about 256 MiB at most with both tables and both pair
 * sets full, at the measured 576 bytes per key
 * (README "Memory"). */
#define VPC_REPORT_DEFAULT_MAX_KEYS 420000
/* Each (source, port) and (source, destination) set holds up to this many
 * entries per key of the tables. */
#define VPC_REPORT_PAIRS_PER_KEY 4

#define VPC_REPORT_DEFAULT_EXPOSURE_PORTS \
  22, 23, 1433, 1521, 2375, 3306, 3389, 5432, 5900, 6379, 9200, 11211, 27017
#define VPC_REPORT_DEFAULT_EGRESS_THRESHOLD G_GUINT64_CONSTANT (1000000000)

#define VPC_REPORT_OPTIONS_INIT \
  { .top = 10, .top_threats = 100, .scan_ports = 20, .scan_hosts = 20, .bucket_seconds = 0, \
    .exposure_ports = { VPC_REPORT_DEFAULT_EXPOSURE_PORTS }, .exposure_port_count = 13, \
    .egress_threshold = VPC_REPORT_DEFAULT_EGRESS_THRESHOLD, \
    .max_keys = VPC_REPORT_DEFAULT_MAX_KEYS }

/* Parse a comma-separated list of ports ("" = none) into options, sorted
 * and without duplicates; VPC_ERROR_USAGE for a bad or too long list. */
gboolean vpc_report_parse_ports (const char *text, VpcReportOptions *options, GError **error);

typedef struct {
  guint64 flows, packets, bytes;
} VpcTally;

/* One row of a top table.  name: an address, "tcp/22"-like text for ports
 * (protocol and port also set), or an interface name; peer: the second
 * address of a conversation (name sorts first), else NULL. */
typedef struct {
  char *name;
  char *peer;
  guint8 protocol;     /* ports only */
  guint16 port;        /* ports only */
  const char *protocol_name; /* ports only: "tcp", or NULL for a number */
  char *service;       /* ports only: from the services database, or NULL */
  VpcTally tally;
  guint64 inbound_bytes, outbound_bytes; /* talkers only: by VpcReportWay */
  VpcTally error;      /* approximate tables: of tally, counted for keys this row's
                          entry replaced; the key's true flows are within
                          [flows - error.flows, flows] (0 when exact) */
} VpcReportRow;

typedef struct {
  guint64 distinct;    /* keys seen (the table shows the first rows) */
  GArray *rows;        /* VpcReportRow, sorted */
} VpcReportTable;

/* The direction of a flow as the new sections see it: the flow-direction
 * field where the format has it (ingress = inbound, egress = outbound);
 * otherwise from the addresses: private (vpc_addr_is_special()) source and
 * public destination = outbound, public source and private destination =
 * inbound, anything else unknown. */
typedef enum {
  VPC_REPORT_WAY_UNKNOWN = 0,
  VPC_REPORT_WAY_INBOUND = 1,
  VPC_REPORT_WAY_OUTBOUND = 2,
} VpcReportWay;

/* Top talkers: accepted flows only, each table twice (by bytes, by flows). */
typedef struct {
  guint64 distinct;
  GArray *by_bytes, *by_flows; /* VpcReportRow */
} VpcTalkerTable;

/* A place in the VPC: an interface with its instance and VPC, each NULL
 * when the flow did not carry it. */
typedef struct {
  char *interface, *instance, *vpc;
} VpcReportPlace;

/* Accepted inbound connections from public addresses to a sensitive port. */
typedef struct {
  VpcReportPlace place;
  guint8 protocol;
  guint16 port;
  const char *protocol_name;
  guint64 sources;        /* distinct public source addresses */
  guint64 listed_sources; /* of them, listed by a threat feed */
  VpcTally tally;
  guint64 first_ms, last_ms; /* 0 when unknown */
} VpcReportExposure;

/* Accepted outbound traffic to public, non-AWS addresses. */
typedef struct {
  VpcReportPlace place;
  char *address;          /* destinations: the external address; interfaces: NULL */
  guint64 destinations;   /* interfaces: distinct external addresses */
  VpcTally tally;
  gboolean over_threshold; /* interfaces: bytes >= options.egress_threshold */
} VpcReportEgress;

typedef struct {
  char *name;
  VpcTally all, accepted, rejected;
} VpcReportGroupRow;

/* Totals per account, VPC, subnet or interface. */
typedef struct {
  const char *name;       /* "accounts", "vpcs", "subnets", "interfaces" */
  const char *key;        /* "account", "vpc", "subnet", "interface" */
  guint64 distinct;
  guint64 without;        /* flows without the field */
  GArray *rows;           /* VpcReportGroupRow, by flows, at most options.top */
} VpcReportGroup;

#define VPC_REPORT_GROUPS 4

typedef struct {
  char *address;
  guint64 ports;       /* distinct (protocol, port) of its rejected flows */
  guint64 hosts;       /* distinct destination addresses of its rejected flows */
  VpcTally rejected;
  guint64 accepted_flows; /* flows from it that were accepted */
  guint64 first_ms, last_ms; /* of its rejected flows (0 when unknown) */
  VpcTally error;         /* as VpcReportRow.error */
  guint64 ports_error, hosts_error; /* of ports and hosts, from replaced keys */
} VpcReportScanner;

/* A table of bounded size (every table that grows with the input). */
typedef struct {
  const char *name;       /* "rejected_sources", "talker_conversations", "group_vpcs"... */
  gboolean approximate;   /* more distinct keys than max_keys were seen */
  guint64 keys;           /* keys counted in: distinct while exact, else an upper bound */
  guint64 flows;          /* N: flows counted */
  guint64 max_keys;       /* k */
  guint64 bound;          /* N / k: no row's flows are over by more */
  guint64 error;          /* the largest error of an entry (<= bound) */
} VpcReportLimit;

/* rejected sources and destinations, then the talkers' sources,
 * destinations, conversations and ports, exposure, egress interfaces and
 * destinations, and the groups (accounts, VPCs, subnets, interfaces). */
#define VPC_REPORT_LIMITS 13

typedef struct {
  guint64 start_ms;
  VpcTally tally;
} VpcReportBucket;

typedef enum {
  VPC_THREAT_INBOUND = 1 << 0,  /* the listed address was a source */
  VPC_THREAT_OUTBOUND = 1 << 1, /* the listed address was a destination */
} VpcThreatDirection;

typedef struct {
  char *address;
  guint64 feeds;          /* bit i: feed i */
  char **feed_names;
  VpcSeverity severity;
  guint direction;        /* VpcThreatDirection bits */
  gboolean flagged;       /* accepted traffic and high severity */
  VpcTally total, accepted, rejected;
  guint64 first_ms, last_ms; /* flow start and end times (0 when unknown) */
  char **interfaces;      /* the first VPC_REPORT_THREAT_INTERFACES interface names
                             of its flows, in byte order */
  guint64 interface_count; /* all its interfaces */
} VpcReportThreat;

/* Interfaces named per listed address; the rest are counted ("and N more"). */
#define VPC_REPORT_THREAT_INTERFACES 5

typedef struct {
  char *name;
  const char *kind;       /* "text" or "ipfix" */
  const char *container;  /* text: "text", "json", ...; ipfix: "ipfix" */
  gboolean compressed;
  VpcCounts counts;       /* text: as vpc2ipfix counts; ipfix: flows only */
  guint64 ipfix_records;  /* ipfix: data records read */
  guint64 ipfix_options_records; /* ipfix: options records (skipped) */
  char *error;            /* why reading stopped early, or NULL */
} VpcReportInput;

typedef struct {
  char *name;
  const char *state;
  const char *severity;
  gboolean enabled;
  gint64 age;
  guint64 entries, garbage, special, too_wide, over_limit;
  char *error;
} VpcReportFeed;

/* Geography (--geoip): traffic by the country or AS of its external
 * address (the source when public, else the destination when public). */
typedef struct {
  char *code;          /* countries: "US", or "??" unknown; networks: "AS64500", or "AS?" */
  char *name;          /* the country's English name or the AS organisation, or NULL */
  guint32 asn;         /* networks: the AS number, 0 unknown */
  VpcTally accepted, rejected;
} VpcReportGeoRow;

/* What the databases say of one address shown in a table. */
typedef struct {
  char country[3];     /* "" unknown */
  const char *country_name; /* or NULL */
  guint32 asn;         /* 0 unknown */
  const char *as_name; /* or NULL */
} VpcReportAddrGeo;

/* Everything the renderers show. */
typedef struct {
  VpcReportOptions options;
  GPtrArray *inputs;      /* VpcReportInput* */
  GPtrArray *skipped_files; /* char* */
  VpcCounts input_total;
  guint64 ipfix_records, ipfix_options_records;
  guint failed_inputs;

  VpcTally all, accepted, rejected, no_action;
  guint64 flows_ipv4, flows_ipv6, flows_noaddr;
  guint64 first_ms, last_ms; /* earliest start, latest end; 0 when no flow had a time */
  gboolean have_time;

  VpcReportTable sources, ports, destinations, interfaces;
  guint64 rejected_without_port; /* rejected flows without protocol or port */

  guint64 scanner_count;
  GArray *scanners;       /* VpcReportScanner, at most options.top */

  guint bucket_seconds;
  guint64 rejected_without_time;
  GArray *buckets;        /* VpcReportBucket, non-empty ones, in time order */

  gboolean threats_enabled;
  GArray *feeds;          /* VpcReportFeed */
  guint64 threat_intervals;
  guint64 threat_addresses, threat_flagged;
  VpcTally threat_flows, threat_accepted; /* flows with a listed source or destination */
  GArray *threats;        /* VpcReportThreat, sorted, at most options.top_threats */

  /* Top talkers (accepted flows). */
  VpcTally talker_way[3];  /* by VpcReportWay */
  VpcTalkerTable talker_sources, talker_destinations, talker_conversations, talker_ports;

  /* Exposure, sorted by distinct sources, at most options.top. */
  guint64 exposure_count;
  GArray *exposures;      /* VpcReportExposure */

  /* Egress, by bytes, at most options.top each. */
  VpcTally egress_total;
  guint64 egress_interface_count, egress_destination_count, egress_over_threshold;
  GArray *egress_interfaces, *egress_destinations; /* VpcReportEgress */

  VpcReportGroup groups[VPC_REPORT_GROUPS];

  /* Bounded memory. */
  VpcReportLimit limits[VPC_REPORT_LIMITS];
  guint64 max_pairs;      /* entries of each (source, port) / (source, destination) set */
  guint64 pairs_refused;  /* pairs not stored: scanners' ports and hosts are low by at most this */

  /* Geography: geo_enabled FALSE without --geoip (the renderers say how to add one). */
  gboolean geo_enabled;
  char **geo_databases;    /* "PATH: TYPE, built YYYY-MM-DD" */
  guint64 geo_errors;      /* failed lookups (a corrupt database) */
  VpcTally geo_internal;   /* accepted or rejected flows without a public address */
  guint64 geo_country_count, geo_network_count;
  GArray *geo_countries;   /* VpcReportGeoRow, by flows, every country */
  GArray *geo_networks;    /* VpcReportGeoRow, by flows, at most options.top */
  GHashTable *geo_addresses; /* address text -> VpcReportAddrGeo*, every address of a table */
} VpcReportSummary;

void vpc_report_summary_free (VpcReportSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcReportSummary, vpc_report_summary_free)

typedef struct VpcReport VpcReport;

/* db: the threat table (not owned; NULL = no threat summary). */
VpcReport *vpc_report_new (const VpcReportOptions *options, const VpcThreatDb *db);
void vpc_report_free (VpcReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcReport, vpc_report_free)

/* Look up the country and AS of external addresses in geoip (not owned;
 * before the first flow). */
void vpc_report_set_geoip (VpcReport *report, VpcGeoip *geoip);

/* Count one flow (its elements in mask, as vpc_mapper_map() returns).
 * The flow's strings need to live only during the call. */
void vpc_report_add_flow (VpcReport *report, const VpcFlow *flow, guint64 mask);

/* Flows counted so far. */
guint64 vpc_report_get_flows (const VpcReport *report);

/* An input begins: the entry belongs to the report; fill its counts. */
VpcReportInput *vpc_report_begin_input (VpcReport *report, const char *name, const char *kind);
/* Files a directory walk left out ("path (reason)"). */
void vpc_report_add_skipped (VpcReport *report, const char *what);

/* Sort and cut the tables.  feeds (may be NULL) names the feed bits and
 * gives their status.  The report can take no more flows. */
VpcReportSummary *vpc_report_finish (VpcReport *report, VpcFeeds *feeds);

/* Renderings (UTF-8 text; invalid bytes of names replaced). */
char *vpc_report_to_json (const VpcReportSummary *summary);
char *vpc_report_to_table (const VpcReportSummary *summary);
char *vpc_report_to_csv (const VpcReportSummary *summary);
char *vpc_report_to_html (const VpcReportSummary *summary);

/* Helpers shared by the renderers (report-util.c). */
char *vpc_report_time_text (guint64 ms);          /* "2026-11-22 23:48:00Z" */
char *vpc_report_share_text (guint64 part, guint64 whole); /* "12.5%" */
char *vpc_report_valid_utf8 (const char *text);   /* invalid bytes -> U+FFFD */
/* Text safe to show on a terminal: valid UTF-8, and every control
 * character (C0, DEL, C1) and bidirectional override written as a visible
 * escape (\x1b, \u009b, \u202e), so that nothing from logs or feeds can
 * move the cursor, set the title or reorder the line. */
char *vpc_report_terminal_text (const char *text);
/* A CSV cell's text with formula injection neutralised (OWASP): a cell
 * starting with =, +, -, @, tab or CR gets a leading apostrophe. */
char *vpc_report_csv_text (const char *text);
/* What the databases say of an address of a table, or NULL (no --geoip, or
 * nothing known). */
const VpcReportAddrGeo *vpc_report_addr_geo (const VpcReportSummary *s, const char *address);
/* "US AS64500 Example Org" (what is known of it), or NULL. */
char *vpc_report_geo_label (const VpcReportSummary *s, const char *address);
/* How to add a database, for a report made without one. */
#define VPC_REPORT_GEO_HINT \
  "no geography: add --geoip FILE.mmdb with a country and/or ASN database in MaxMind DB " \
  "format (GeoLite2-Country and GeoLite2-ASN from maxmind.com with a free account, or " \
  "DB-IP's free dbip-country-lite and dbip-asn-lite from db-ip.com)"
double vpc_report_share (guint64 part, guint64 whole); /* 0..1, 0 for whole 0 */
const char *vpc_threat_direction_name (guint direction); /* "inbound", "outbound", "both" */
const char *vpc_report_way_name (VpcReportWay way); /* "unknown", "inbound", "outbound" */
/* How much of the threat check was done, so that "0 listed addresses"
 * never stands for "not checked": "complete" (every enabled feed loaded),
 * "partial" (some enabled feeds missing), "none" (--no-threats, no feed
 * enabled or none loaded).  *missing (may be NULL) gets the enabled feeds
 * not loaded, space-separated ("" for none): free it. */
const char *vpc_report_threat_coverage (const VpcReportSummary *s, char **missing);

G_END_DECLS
