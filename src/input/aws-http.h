/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Signed AWS requests over libcurl: endpoints, retries with backoff, errors that name the missing permission. */
#pragma once

#include <glib.h>

#include "aws-credentials.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

typedef struct {
  const char *profile;      /* --profile, or NULL (AWS_PROFILE, "default") */
  const char *region;       /* --region, or NULL (environment, profile, us-east-1) */
  const char *endpoint_url; /* --endpoint-url, or NULL (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL) */
  const gint *interrupted;  /* a request in progress stops when it becomes non-zero */
  const VpcDiag *diag;      /* retries are reported here */
} VpcAwsOptions;

/* What the client did, for the statistics. */
typedef struct {
  guint64 requests;   /* sent, retries included */
  guint64 retries;
  guint64 throttles;  /* answers asking to slow down (SlowDown, Throttling*, 429) */
  guint64 bytes;      /* response bodies received */
} VpcAwsCounters;

typedef struct VpcAwsClient VpcAwsClient;

/* Credentials are looked for at the first request. */
VpcAwsClient *vpc_aws_client_new (const VpcAwsOptions *options);
void vpc_aws_client_free (VpcAwsClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcAwsClient, vpc_aws_client_free)

/* Look for the credentials now (before anything is written): VPC_ERROR_USAGE if there are none. */
gboolean vpc_aws_client_check_credentials (VpcAwsClient *client, GError **error);

const VpcAwsCounters *vpc_aws_client_get_counters (const VpcAwsClient *client);
const char *vpc_aws_client_get_region (const VpcAwsClient *client);

/* Receives a response body as it arrives: FALSE (with error) stops the request for good. */
typedef gboolean (*VpcAwsWriteFunc) (const void *data, gsize len, gpointer user_data,
                                     GError **error);
/* Before a retry: the body received so far is dropped (the writer starts over). */
typedef void (*VpcAwsRestartFunc) (gpointer user_data);

typedef struct {
  const char *service;        /* "s3", "logs", "sqs" */
  const char *region;         /* to sign for, if not the client's (a queue URL's region) */
  const char *action;         /* the IAM action, named when access is denied: "s3:GetObject" */
  const char *what;           /* for messages: "s3://bucket/key" */
  const char *method;
  const char *bucket;         /* S3: the bucket (virtual-hosted on AWS, path-style with an endpoint) */
  const char *url;            /* instead of service endpoint + path: a full URL (SQS queue URL) */
  const char *path;           /* raw, after the bucket for S3 */
  const char *const *query;   /* raw name, value, ..., NULL */
  const char *const *headers; /* name, value, ..., NULL: signed */
  const char *const *unsigned_headers; /* name, value, ...: sent, not signed (Range, If-Match) */
  const void *body;
  gsize body_len;
  VpcAwsWriteFunc write;      /* NULL: the body is returned in *response */
  VpcAwsRestartFunc restart;
  gpointer user_data;
} VpcAwsCall;

/* Send the call, retrying (exponential backoff with full jitter, up to 8
 * attempts) on connection errors (reset, DNS, timeout), 5xx, throttling
 * and RequestTimeout; once after fetching the credentials again when they
 * expired.  Returns the HTTP status of a final 2xx/3xx/4xx answer (4xx
 * other than 403 are the caller's to judge: 404 NoSuchKey, 304, 412) with
 * *error_code set to the AWS error code ("NoSuchKey") if any; FALSE with:
 *  - VPC_ERROR_IO for 403 (the message names call->action and the code,
 *    never a secret), for a failure that outlived its retries;
 *  - VPC_ERROR_USAGE when no credentials were found;
 *  - VPC_ERROR_INTERRUPTED when options->interrupted was set. */
gboolean vpc_aws_call (VpcAwsClient *client, const VpcAwsCall *call, guint *status,
                       GByteArray *response, char **error_code, GError **error);

/* Whether the last vpc_aws_call() that failed gave up after its retries
 * (the service or the network may be back later), rather than being refused
 * (403), interrupted or unable to store the body. */
gboolean vpc_aws_client_gave_up (const VpcAwsClient *client);

/* The value of the first <element> in XML text, unescaped, or NULL. */
char *vpc_aws_xml_value (const char *xml, gsize len, const char *element);

G_END_DECLS
