/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The conversion job: inputs -> reader -> parser -> mapper -> exporter, with statistics. */
#pragma once

#include <glib.h>

#include "input/aws-http.h"
#include "input/container.h"
#include "flow/filter.h"
#include "flow/mapper.h"
#include "export/domain-map.h"
#include "export/output.h"
#include "common/stats.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

typedef void (*VpcProgressFunc) (const VpcStats *stats, const VpcCounts *current,
                                 gpointer user_data);

typedef struct {
  const char *output;          /* IPFIX file, "-" = stdout, or NULL */
  guint rotate_seconds;        /* > 0: output is a strftime pattern, one file per bin */
  gint64 settle_us;            /* watched directories: a file unchanged this long is complete */
  const char *const *udp;      /* collectors "HOST:PORT" (NULL-terminated, or NULL) */
  const char *const *tcp;
  VpcNetOptions net;
  const GPtrArray *output_specs; /* VpcOutputSpec* (output-spec.h): more outputs, or NULL */
  gboolean follow;             /* follow a file or stdin, or watch directories */
  const char *state_file;      /* completed input files, or NULL */
  const char *format;          /* columns of header-less input, or NULL for the default */
  VpcContainer container;      /* VPC_CONTAINER_AUTO: detect per input */
  gboolean strict;             /* a malformed line is fatal */
  const VpcFilter *filter;     /* flows to send (--filter), or NULL for all */
  guint32 observation_domain;
  VpcDomainFrom domain_from;   /* --observation-domain-from (collectors only) */
  const char *domain_map_file; /* --observation-domain-map, or NULL */
  gboolean interface_table;    /* publish the interface table (--interface-table) */
  VpcMapperOptions mapper;
  const VpcDiag *diag;         /* warnings and per-line messages */
  guint max_line_messages;     /* per input; further malformed lines are only counted */
  const gint *interrupted;     /* when it becomes non-zero, stop reading */
  gint *stats_requested;       /* when it becomes non-zero, call report and clear it */
  gint *reopen_requested;      /* SIGHUP: when non-zero, clear it, call reload (may be NULL)
                                * and re-open the outputs after what was read */
  void (*reload) (gpointer progress_data);
  VpcProgressFunc report;      /* the statistics so far (stats->outputs up to date) */
  VpcProgressFunc progress;    /* called every VPC_RECORDS_PROGRESS_LINES lines of an input (records.h), may be NULL */
  gpointer progress_data;      /* for progress and report */
  guint tick_seconds;          /* > 0: call tick that often (--metrics-interval) */
  VpcProgressFunc tick;        /* the statistics so far (stats->outputs up to date), on the
                                * timer, and once at the end (current NULL) */
  /* S3 inputs (s3://BUCKET/PREFIX). */
  VpcAwsOptions aws;           /* credentials, region, endpoint (aws.interrupted: set by the job) */
  gint64 since, until;         /* objects whose key dates end after since and start before
                                * until; G_MININT64 / G_MAXINT64: no bound */
  guint poll_seconds;          /* with follow: list again this often (0: 60 s) */
  const char *sqs_url;         /* --sqs: the queue of S3 notifications (no inputs then), or NULL */
  gboolean sqs_keep_other;     /* leave messages that are not object notifications in the queue */
} VpcConvertOptions;

/* Convert inputs (paths, directories, "-") to one IPFIX stream sent to
 * every output (the file, the UDP and TCP collectors; at least one).
 *
 * Returns FALSE (and leaves no output file) for a fatal error: a bad
 * --format or destination (VPC_ERROR_USAGE, checked before anything is
 * read), an input argument that does not exist or a bad header line
 * (VPC_ERROR_IO / VPC_ERROR_HEADER, checked on every input before output
 * is opened), an output failure, a malformed line with strict.
 *
 * An input that cannot be read to its end (truncated gzip, read error) is
 * not fatal: its lines up to that point are converted, the reason is kept
 * in its VpcInputStats.error and stats->failed_inputs is counted.
 *
 * An interruption stops the reading; what was read is sent to the
 * collectors and stats->interrupted is set.  Following (options->follow),
 * that is how the run ends: files are completed and TRUE returned.
 * Otherwise the run was cut short: FALSE (VPC_ERROR_INTERRUPTED), and no
 * file is created.  Either way stats holds the final statistics. */
gboolean vpc_convert_run (const VpcConvertOptions *options, const char *const *inputs,
                          VpcStats *stats, GError **error);

G_END_DECLS
