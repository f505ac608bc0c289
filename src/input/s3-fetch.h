/* SPDX-License-Identifier: GPL-2.0-or-later */
/* S3 downloads ahead of the reader: several GETs in flight, objects handed over in the order they were queued. */
#pragma once

#include <glib.h>

#include "aws-http.h"
#include "s3.h"

G_BEGIN_DECLS

typedef struct VpcS3Fetcher VpcS3Fetcher;

/* parallel threads, each with a client of its own made from options (its
 * credentials looked for by each).  The transfers stop when the fetcher
 * is freed, or at the next vpc_s3_fetcher_next() after options->interrupted. */
VpcS3Fetcher *vpc_s3_fetcher_new (const VpcAwsOptions *options, guint parallel);
/* Stops the downloads in progress, waits for the threads. */
void vpc_s3_fetcher_free (VpcS3Fetcher *fetcher);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcS3Fetcher, vpc_s3_fetcher_free)

/* Queue object of bucket (both copied) for download. */
void vpc_s3_fetcher_add (VpcS3Fetcher *fetcher, const char *bucket, const VpcS3Object *object);

typedef struct {
  int fd;           /* the downloaded object, rewound (the caller closes it); -1 on failure */
  gboolean gone;    /* deleted or replaced since listed */
  gboolean gave_up; /* failed after its retries */
  GError *error;    /* why it failed (the caller frees it) */
} VpcS3Fetched;

/* The oldest queued object, once downloaded.  Waits at most timeout_us:
 * FALSE if it is not ready by then (call again). */
gboolean vpc_s3_fetcher_next (VpcS3Fetcher *fetcher, gint64 timeout_us, VpcS3Fetched *fetched);

/* Everything the threads' clients did, summed. */
void vpc_s3_fetcher_get_counters (VpcS3Fetcher *fetcher, VpcAwsCounters *counters);

G_END_DECLS
