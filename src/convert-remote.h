/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The conversion job's remote inputs: s3:// prefixes, cloudwatch:// log groups, an SQS queue of S3 notifications. */
#pragma once

#include <glib.h>

#include "convert.h"
#include "input/state.h"
#include "common/stats.h"

G_BEGIN_DECLS

/* The conversion job (convert.c) as the remote inputs use it. */
typedef struct {
  gpointer job;
  const VpcConvertOptions *options;
  VpcStats *stats;
  VpcState *state; /* --state, or NULL */
  /* Signals, output failures, statistics, acknowledgements (see
   * vpc_remote_tick); idle: send what was read first.  FALSE to stop. */
  gboolean (*poll) (gpointer job, gboolean idle, GError **error);
  /* Convert the file at path (a spooled copy), named name; *failed if it
   * could not be read to its end.  FALSE only for fatal errors. */
  gboolean (*convert) (gpointer job, const char *path, const char *name, gboolean *failed,
                       GError **error);
  /* Whether --state says name, with that identity, was done earlier (counted). */
  gboolean (*known) (gpointer job, const char *name, const VpcFileIdentity *identity);
  /* name was read to its end: the delivery mark its records carry in
   * *mark; recorded in --state (record) once every output reached it. */
  gboolean (*done) (gpointer job, const char *name, const VpcFileIdentity *identity,
                    gboolean record, guint64 *mark, GError **error);
} VpcRemoteJob;

typedef enum {
  VPC_REMOTE_NONE,
  VPC_REMOTE_S3,
  VPC_REMOTE_CLOUDWATCH,
  VPC_REMOTE_SQS,
} VpcRemoteKind;

/* Which remote inputs a run has: s3:// URLs, cloudwatch:// URLs, --sqs (no
 * inputs then), or none.  One kind per run, never mixed with local files:
 * VPC_ERROR_USAGE. */
gboolean vpc_remote_kind (const char *const *inputs, const char *sqs_url, VpcRemoteKind *kind,
                          GError **error);

typedef struct VpcRemote VpcRemote;

/* Check the URLs and find the credentials, before any output is opened
 * (VPC_ERROR_USAGE). */
VpcRemote *vpc_remote_new (VpcRemoteKind kind, const VpcConvertOptions *options,
                           const char *const *inputs, GError **error);
void vpc_remote_free (VpcRemote *remote);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcRemote, vpc_remote_free)

/* Read every input (following: until interrupted). */
gboolean vpc_remote_run (VpcRemote *remote, const VpcRemoteJob *job, GError **error);

/* Called from the job's poll, and once after the outputs finished:
 * delivered is the delivery mark every output reached.  SQS messages whose
 * objects are all delivered are deleted; the others in progress have their
 * visibility extended in time. */
gboolean vpc_remote_tick (VpcRemote *remote, guint64 delivered, GError **error);

G_END_DECLS
