/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SQS: receive, delete and extend S3 event notification messages (direct, through SNS, from EventBridge). */
#pragma once

#include <glib.h>

#include "aws-http.h"
#include "s3.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

typedef struct {
  char *id;
  char *receipt;  /* to delete it or change its visibility (not printed: it is a capability) */
  char *body;
  guint receive_count;
} VpcSqsMessage;

void vpc_sqs_message_free (gpointer message);

/* An S3 object a notification names. */
typedef struct {
  char *bucket;
  VpcS3Object object; /* key (decoded), etag (quoted like ListObjectsV2's, or NULL), size */
} VpcSqsObject;

void vpc_sqs_object_free (gpointer object);

typedef struct VpcSqs VpcSqs;

/* A queue by its URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME): the
 * requests (AWS JSON 1.0 protocol) go to AWS_ENDPOINT_URL_SQS if set, else
 * to the queue URL's host, signed for the region its host names (else the
 * client's).  VPC_ERROR_USAGE if url is not an http(s) URL. */
VpcSqs *vpc_sqs_new (VpcAwsClient *client, const char *url, GError **error);
void vpc_sqs_free (VpcSqs *sqs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcSqs, vpc_sqs_free)

/* Up to 10 messages (VpcSqsMessage*), waiting up to wait_seconds for the
 * first (long polling), hidden from other receivers for visibility
 * seconds.  Denied: sqs:ReceiveMessage. */
gboolean vpc_sqs_receive (VpcSqs *sqs, guint wait_seconds, guint visibility, GPtrArray *messages,
                          GError **error);
/* Denied: sqs:DeleteMessage. */
gboolean vpc_sqs_delete (VpcSqs *sqs, const char *receipt, GError **error);
/* Denied: sqs:ChangeMessageVisibility. */
gboolean vpc_sqs_change_visibility (VpcSqs *sqs, const char *receipt, guint seconds,
                                    GError **error);

/* The created S3 objects a message body names (VpcSqsObject*): an S3 event
 * notification ({"Records": [{"eventSource": "aws:s3", "eventName":
 * "ObjectCreated:...", "s3": {...}}]}, keys URL-encoded), the same wrapped by
 * SNS ({"Type": "Notification", "Message": "..."}), or an EventBridge
 * "Object Created" event ({"source": "aws.s3", "detail": {...}}).  FALSE if
 * the body is none of them or names no created object (s3:TestEvent, a
 * deletion). */
gboolean vpc_sqs_parse_notification (const char *body, GPtrArray *objects);

G_END_DECLS
