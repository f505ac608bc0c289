/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Remote inputs both programs read: s3:// prefixes (listed, selected by --since/--until, fetched ahead) and cloudwatch:// log groups (page by page), each handed over as a readable file. */
#pragma once

#include <glib.h>

#include "aws-http.h"
#include "s3.h"
#include "state.h"
#include "common/stats.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

typedef enum {
  VPC_REMOTE_INPUTS_NONE,
  VPC_REMOTE_INPUTS_S3,
  VPC_REMOTE_INPUTS_CLOUDWATCH,
} VpcRemoteInputsKind;

/* Which remote inputs inputs are: all s3:// URLs, all cloudwatch:// URLs,
 * or none (local files).  Mixing them, or with local files, is
 * VPC_ERROR_USAGE. */
gboolean vpc_remote_inputs_kind (const char *const *inputs, VpcRemoteInputsKind *kind,
                                 GError **error);

typedef struct {
  VpcAwsOptions aws;    /* credentials, region, endpoint, diag, interrupted */
  gint64 since, until;  /* S3: objects whose key dates end after since and start before until;
                         * CloudWatch: events in [since, until).  G_MININT64 / G_MAXINT64: none */
  gboolean follow;      /* list / query again every poll_seconds until interrupted */
  guint poll_seconds;   /* 0: 60 */
  const VpcDiag *diag;  /* skipped, gone and failed objects */
  VpcStats *stats;      /* a source per URL, skipped_files, failed_inputs */
  VpcState *state;      /* CloudWatch: the cursor to start from, or NULL */
} VpcRemoteInputsOptions;

/* What reads the inputs handed over.  Every call FALSE (with error) ends
 * the reading. */
typedef struct {
  gpointer data;
  /* Between inputs, and every 50 ms while waiting for the network (idle:
   * nothing else to do meanwhile).  FALSE to stop. */
  gboolean (*poll) (gpointer data, gboolean idle, GError **error);
  /* Read the readable file at path (an object or a page, spooled), named
   * name; *failed if it could not be read to its end. */
  gboolean (*convert) (gpointer data, const char *path, const char *name, gboolean *failed,
                       GError **error);
  /* Whether name, with that identity, was read in an earlier run (skipped), or NULL. */
  gboolean (*known) (gpointer data, const char *name, const VpcFileIdentity *identity);
  /* name (with that identity) was read to its end (for CloudWatch, the
   * identity's time is the newest event's), or NULL. */
  gboolean (*done) (gpointer data, const char *name, const VpcFileIdentity *identity,
                    GError **error);
  /* name could not be downloaded (after its retries; message says why,
   * already shown through diag; following, it is tried again at the next
   * listing), or NULL. */
  void (*failed) (gpointer data, const char *name, const char *message);
} VpcRemoteInputsConsumer;

/* Read every input of urls (one kind, see vpc_remote_inputs_kind) through
 * client and consumer: S3 objects in key order, several downloaded ahead;
 * CloudWatch pages in order.  Following, until poll or interrupted stop
 * it. */
gboolean vpc_remote_inputs_read (VpcAwsClient *client, const VpcRemoteInputsOptions *options,
                                 const char *const *urls, const VpcRemoteInputsConsumer *consumer,
                                 GError **error);

/* The identity of an S3 object for --state: its size, and its ETag hashed
 * (FNV-1a, 62 bits) into the time field. */
void vpc_remote_inputs_s3_identity (const VpcS3Object *object, VpcFileIdentity *identity);

/* Add what a client did since *before to source; *before = *now. */
void vpc_remote_inputs_count (VpcSourceStats *source, const VpcAwsCounters *now,
                              VpcAwsCounters *before);

G_END_DECLS
