/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Conversion statistics: per input and in total, as text and as JSON. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every record line read (a text line, or a log event's message) lands in
 * exactly one of headers, blank, flows, nodata, skipdata, malformed;
 * flows = flows_ipv4 + flows_ipv6 + flows_noaddr.  Container values that
 * hold no record line are counted apart: CloudWatch control messages, and
 * payloads that could not be decoded. */
typedef struct {
  guint64 lines;
  guint64 headers;
  guint64 blank;
  guint64 flows;
  guint64 flows_ipv4;
  guint64 flows_ipv6;
  guint64 flows_noaddr;
  guint64 nodata;
  guint64 skipdata;
  guint64 malformed;
  guint64 filtered;           /* flows not selected by --filter (counted in flows too) */
  guint64 control_messages;
  guint64 bad_payloads;
} VpcCounts;

typedef struct {
  char *name;
  gboolean compressed;
  const char *container; /* "text", "json", ... (static) */
  char *error; /* why reading stopped early, or NULL */
  VpcCounts counts;
} VpcInputStats;

/* What an output has done. */
typedef struct {
  char *destination;          /* "udp:127.0.0.1:4739", "file:out.ipfix" */
  const char *transport;      /* "file", "udp", "tcp" (static) */
  const char *protocol;       /* "ipfix", "v9", "v5" (static) */
  guint64 messages;           /* stream messages sent (not counting resends) */
  guint64 records;            /* data records in them (flows and options records) */
  guint64 bytes;
  guint64 template_messages;  /* template-only messages: refreshes, after reconnects */
  guint64 send_errors;        /* UDP: sends that failed, mostly "port unreachable" for an
                                 * earlier datagram (nobody listening: it was lost) */
  guint64 connects;           /* TCP connections made */
  guint64 reconnects;         /* of them after a lost connection */
  guint64 resent_messages;    /* sent again after a reconnect */
  guint64 resent_records;     /* records in them: possible duplicates */
  /* NetFlow: flows the protocol cannot carry as they are. */
  guint64 skipped_ipv6;       /* v5: IPv6 flows, not sent */
  guint64 skipped_times;      /* flows with times NetFlow cannot express (after 2106), not sent */
  guint64 split_flows;        /* v5: flows whose packets or bytes exceed 32 bits, sent as */
  guint64 split_records;      /*     this many records (their counts add up) */
  guint64 clamped_counters;   /* v5: flows too large even for 1024 records: counts clamped */
  guint64 backdated_packets;  /* export time set back: flows older than the 32-bit uptime
                                 * window before now */
  guint64 clamped_times;      /* flows longer than the uptime window: start moved up */
  /* The output's route (--output-spec, [output NAME]): its name (NULL for
   * the outputs of -o/--udp/--tcp), observation domain and the flows its
   * filter did not select (not sent to it). */
  char *name;
  guint32 observation_domain;
  char *domain_key;           /* --observation-domain-from: the ID the domain stands for */
  guint64 filtered;
} VpcOutputStats;

void vpc_output_stats_clear (VpcOutputStats *stats);

/* A remote source (s3://BUCKET/PREFIX, cloudwatch://GROUP): its objects or events and what
 * was asked of AWS for it. */
typedef struct {
  char *name;
  guint64 objects_listed;      /* every listing counted (-F lists again) */
  guint64 objects_read;        /* converted to their end */
  guint64 objects_done_before; /* the --state file says done */
  guint64 objects_outside;     /* their key dates are outside --since/--until */
  guint64 objects_gone;        /* deleted or replaced between listing and reading */
  guint64 objects_failed;      /* could not be downloaded or read to their end */
  guint64 pages;               /* S3: ListObjectsV2 pages; CloudWatch: FilterLogEvents pages */
  guint64 events;              /* CloudWatch: log events converted */
  guint64 duplicate_events;    /* CloudWatch: events seen again in an overlap, dropped */
  guint64 messages_received;   /* SQS */
  guint64 messages_deleted;    /* SQS: once their objects were delivered (or naming none) */
  guint64 messages_other;      /* SQS: not S3 object notifications (test events, deletions) */
  guint64 messages_failed;     /* SQS: an object failed: left in the queue */
  guint64 messages_redelivered; /* SQS: received before (a worker died, or a timeout) */
  guint64 visibility_extensions; /* SQS */
  guint64 requests, retries, throttles;
  guint64 bytes;               /* response bodies downloaded */
} VpcSourceStats;

typedef struct {
  GPtrArray *inputs; /* VpcInputStats*, in reading order */
  GPtrArray *sources; /* VpcSourceStats*: the remote sources */
  GArray *outputs;   /* VpcOutputStats */
  guint64 state_skipped; /* input files the --state file lists as done */
  gboolean interrupted;  /* a signal stopped the reading */
  GPtrArray *skipped_files; /* char*: "path (reason)" */
  VpcCounts total;
  guint64 templates;
  guint interfaces;           /* published in the interface table */
  guint interface_collisions; /* names that share another name's index */
  guint failed_inputs;
  char *domain_from;          /* --observation-domain-from, or NULL */
  gint64 newest_end_ms;       /* the latest flow end time read (ms since the epoch), 0: none */
  char *domains_json;         /* its map, a JSON object {"KEY": ID, ...} */
} VpcStats;

VpcStats *vpc_stats_new (void);
void vpc_stats_free (VpcStats *stats);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcStats, vpc_stats_free)

/* Start counting a new input; the returned entry belongs to stats. */
VpcInputStats *vpc_stats_begin_input (VpcStats *stats, const char *name);
/* Start counting a remote source; the entry belongs to stats. */
VpcSourceStats *vpc_stats_add_source (VpcStats *stats, const char *name);
/* Add an input's counts to the total (once, when it is done). */
void vpc_stats_end_input (VpcStats *stats, VpcInputStats *input);

void vpc_counts_add (VpcCounts *sum, const VpcCounts *counts);

/* Replace the output statistics (takes the destinations). */
void vpc_stats_set_outputs (VpcStats *stats, GArray *outputs);
/* The statistics in the Prometheus text format (version 0.0.4, for
 * node_exporter's textfile collector): counters per input container
 * (current: the counts of the input being read, not yet in stats, or
 * NULL) and per output, and with follow the lag of the newest flow's end
 * behind now_ms (stats-prometheus.c). */
char *vpc_stats_to_prometheus (const VpcStats *stats, const VpcCounts *current, gboolean follow,
                               gint64 now_ms);

/* TRUE if the counts add up (see VpcCounts). */
gboolean vpc_counts_consistent (const VpcCounts *counts);

/* A summary table for people. */
char *vpc_stats_to_text (const VpcStats *stats);
/* The JSON document of --stats-json (schema in README "Statistics"). */
char *vpc_stats_to_json (const VpcStats *stats);

G_END_DECLS
