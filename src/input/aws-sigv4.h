/* SPDX-License-Identifier: GPL-2.0-or-later */
/* AWS Signature Version 4: the canonical request, the string to sign and the Authorization header. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The keys a request is signed with (secret: never printed). */
typedef struct {
  const char *access_key;
  const char *secret_key;
  const char *session_token; /* or NULL */
} VpcAwsKeys;

/* One request, every string raw (not yet URI-encoded): the signer encodes
 * the path and the query once, so that what is sent and what is signed are
 * the same bytes.  (curl's CURLOPT_AWS_SIGV4 in Debian's 7.88 neither sorts
 * nor encodes the query string: see README, "Signing".) */
typedef struct {
  const char *service;        /* "s3", "logs", "sqs", "sts" */
  const char *region;
  const char *method;         /* "GET", "POST" */
  const char *host;           /* the Host header: name, and ":port" unless the default */
  const char *path;           /* "/bucket/key" */
  const char *const *query;   /* name, value, name, value, ..., NULL; or NULL */
  const char *const *headers; /* name, value, ..., NULL (besides host and x-amz-*); or NULL */
  const void *body;
  gsize body_len;
  gint64 time;                /* seconds since the epoch */
} VpcAwsRequest;

/* Append s to out URI-encoded as SigV4 wants it: every byte but
 * A-Za-z0-9-._~ as %XX (upper case), '/' kept if keep_slash. */
void vpc_aws_uri_encode (GString *out, const char *s, gboolean keep_slash);

/* Sign request: appends to headers_out the "Name: value" lines to send
 * besides the request's own headers (Host is left to the HTTP client,
 * which sends the same; X-Amz-Date, X-Amz-Content-SHA256 for S3,
 * X-Amz-Security-Token, Authorization) and returns the request target to
 * send: the encoded path, "?" and the canonical query string. */
char *vpc_aws_sign (const VpcAwsRequest *request, const VpcAwsKeys *keys, GPtrArray *headers_out);

/* The canonical request alone (for tests and debugging; holds no secret). */
char *vpc_aws_canonical_request (const VpcAwsRequest *request, const VpcAwsKeys *keys);

G_END_DECLS
