/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CloudWatch Logs inputs: cloudwatch://LOG-GROUP[/STREAM-PREFIX], FilterLogEvents paging, de-duplication by event id. */
#pragma once

#include <glib.h>

#include "aws-http.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

/* Whether arg names a CloudWatch Logs input ("cloudwatch://..."). */
gboolean vpc_cloudwatch_is_url (const char *arg);

/* Split cloudwatch://GROUP[/STREAM-PREFIX]: the group is the first segment,
 * percent-decoded (a group with '/' is written with %2F:
 * cloudwatch://%2Faws%2Fvpc/eni-); VPC_ERROR_USAGE if it is not one. */
gboolean vpc_cloudwatch_parse_url (const char *url, char **group, char **stream_prefix,
                                   GError **error);

typedef struct VpcCloudWatch VpcCloudWatch;

/* Overlap of a new pass with the last (late events): this many ms before the newest event seen. */
#define VPC_CLOUDWATCH_OVERLAP_MS (5 * 60 * 1000)

/* A reader of group's events (of streams starting with stream_prefix, if
 * not NULL) from start_ms (inclusive) to end_ms (exclusive; G_MAXINT64:
 * none), in passes of FilterLogEvents pages. */
VpcCloudWatch *vpc_cloudwatch_new (VpcAwsClient *client, const char *url, const char *group,
                                   const char *stream_prefix, gint64 start_ms, gint64 end_ms);
void vpc_cloudwatch_free (VpcCloudWatch *cloudwatch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcCloudWatch, vpc_cloudwatch_free)

/* The next page of the current pass: its events not returned before (by
 * event id) written into fd (emptied first, then rewound) as one
 * filter-log-events document ({"events": [...]}, each with its
 * logStreamName: the stream is the interface for formats without
 * interface-id), *events their number, *duplicates the ones dropped.
 * *pass_done when the pass has no more pages.  A denied call says
 * logs:FilterLogEvents. */
gboolean vpc_cloudwatch_next_page (VpcCloudWatch *cloudwatch, int fd, guint *events,
                                   guint *duplicates, gboolean *pass_done, GError **error);

/* Start another pass (following): from the newest event time seen minus
 * the overlap, remembering the ids of the events in the overlap. */
void vpc_cloudwatch_new_pass (VpcCloudWatch *cloudwatch);

/* The newest event time (ms) returned so far, or -1. */
gint64 vpc_cloudwatch_get_newest (const VpcCloudWatch *cloudwatch);

G_END_DECLS
