/* SPDX-License-Identifier: GPL-2.0-or-later */
/* S3 inputs: s3://BUCKET/PREFIX URLs, ListObjectsV2 paging, the dates in object keys, objects spooled to temporary files. */
#pragma once

#include <glib.h>

#include "aws-http.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

typedef struct {
  char *key;
  char *etag;      /* with its quotes, as S3 lists it */
  gint64 size;
  gint64 modified; /* seconds since the epoch */
} VpcS3Object;

void vpc_s3_object_free (gpointer object);

/* Whether arg names an S3 input ("s3://..."). */
gboolean vpc_s3_is_url (const char *arg);

/* Split s3://BUCKET/PREFIX; VPC_ERROR_USAGE if it is not one. */
gboolean vpc_s3_parse_url (const char *url, char **bucket, char **prefix, GError **error);

/* A --since/--until value in seconds since the epoch: ISO 8601 (a date,
 * or a date and time with zone; without a zone, UTC), or a duration back
 * from now ("90s", "15m", "1h", "2d", "1w").  VPC_ERROR_USAGE otherwise. */
gboolean vpc_time_parse_bound (const char *text, gint64 now, gint64 *when, GError **error);

/* The time span [*start, *end) a flow-log object key names: the file name's
 * "_YYYYMMDDTHHMMZ_" (AWS's default names; five minutes from it), else Hive
 * partitions "year=YYYY/month=MM/day=DD[/hour=HH]", else directories
 * "/YYYY/MM/DD[/HH]/" (a day, or an hour).  FALSE if the key names no date. */
gboolean vpc_s3_key_time (const char *key, gint64 *start, gint64 *end);

/* Every object under prefix of bucket (ListObjectsV2, page by page with
 * the continuation token), in key order, into objects (VpcS3Object*);
 * *pages counts the requests.  A denied list says s3:ListBucket. */
gboolean vpc_s3_list (VpcAwsClient *client, const char *bucket, const char *prefix,
                      GPtrArray *objects, guint64 *pages, GError **error);

/* vpc_s3_list narrowed to a window [since, until) (G_MININT64/G_MAXINT64:
 * unbounded): below prefix, levels of the key layout (AWSLogs, account,
 * vpcflowlogs, region, years, months: plain or Hive) are listed with
 * delimiter "/", and a day or hour prefix whose time (vpc_s3_key_time)
 * lies outside the window is not listed at all.  Any other prefix is
 * listed whole.  The same objects the window selects, in key order. */
gboolean vpc_s3_list_window (VpcAwsClient *client, const char *bucket, const char *prefix,
                             gint64 since, gint64 until, GPtrArray *objects, guint64 *pages,
                             GError **error);

/* Download object (as listed: If-Match its ETag) into fd, a temporary
 * file (emptied again before a retry).  FALSE with *gone set (and error
 * saying why) when the object was deleted or replaced since listed. */
gboolean vpc_s3_fetch (VpcAwsClient *client, const char *bucket, const VpcS3Object *object,
                       int fd, gboolean *gone, GError **error);

/* An anonymous temporary file (unlinked: nothing stays behind a crash) in
 * TMPDIR, open read-write; -1 with VPC_ERROR_IO. */
int vpc_s3_spool_open (GError **error);

G_END_DECLS
