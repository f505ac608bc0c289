/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Signs every kind of request vpc2ipfix sends and prints them as JSON lines for tests/aws/sigv4check.py (botocore). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "input/aws-sigv4.h"

static void
json_string (GString *out, const char *s, gsize len)
{
  g_string_append_c (out, '"');
  for (gsize i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char) s[i];
      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
emit (const char *base, const VpcAwsRequest *r, const VpcAwsKeys *keys)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *target = vpc_aws_sign (r, keys, lines);
  g_autofree char *url = g_strconcat (base, target, NULL);
  GString *out = g_string_new ("{\"method\": ");
  json_string (out, r->method, strlen (r->method));
  g_string_append (out, ", \"url\": ");
  json_string (out, url, strlen (url));
  g_string_append (out, ", \"headers\": {\"host\": ");
  json_string (out, r->host, strlen (r->host));
  for (const char *const *h = r->headers; h != NULL && h[0] != NULL; h += 2)
    {
      g_string_append (out, ", ");
      json_string (out, h[0], strlen (h[0]));
      g_string_append (out, ": ");
      json_string (out, h[1], strlen (h[1]));
    }
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = lines->pdata[i];
      const char *colon = strchr (line, ':');
      g_string_append (out, ", ");
      json_string (out, line, (gsize) (colon - line));
      g_string_append (out, ": ");
      json_string (out, colon + 2, strlen (colon + 2));
    }
  g_string_append (out, "}, \"body\": ");
  json_string (out, r->body != NULL ? r->body : "", r->body_len);
  g_string_append (out, ", \"access_key\": ");
  json_string (out, keys->access_key, strlen (keys->access_key));
  g_string_append (out, ", \"secret_key\": ");
  json_string (out, keys->secret_key, strlen (keys->secret_key));
  if (keys->session_token != NULL)
    {
      g_string_append (out, ", \"token\": ");
      json_string (out, keys->session_token, strlen (keys->session_token));
    }
  g_string_append (out, "}\n");
  fputs (out->str, stdout);
  g_string_free (out, TRUE);
}

int
main (void)
{
  const VpcAwsKeys plain = { "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL };
  const VpcAwsKeys session = { "ASIAEXAMPLE", "secret/with+chars=", "FQoGZXIvYXdzE//token+/=" };
  const VpcAwsKeys *all_keys[] = { &plain, &session };
  const gint64 when = 1765155102; /* 2025-12-08T00:51:42Z */
  for (guint k = 0; k < G_N_ELEMENTS (all_keys); k++)
    {
      const VpcAwsKeys *keys = all_keys[k];
      /* S3 GetObject, virtual-hosted and path-style, keys with spaces, '+', '=', UTF-8. */
      const char *const paths[] = { "/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/20/"
                                    "123456789012_vpcflowlogs_us-east-1_fl-1_20261120T0005Z_a1.log.gz",
                                    "/a b/c+d=e/\xc3\xa9t\xc3\xa9~x_y-z.log", "/" };
      for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
        {
          VpcAwsRequest r = { .service = "s3", .region = "us-east-1", .method = "GET",
                              .host = "flowlogs.s3.us-east-1.amazonaws.com", .path = paths[i],
                              .time = when };
          emit ("https://flowlogs.s3.us-east-1.amazonaws.com", &r, keys);
          g_autofree char *styled = g_strconcat ("/bucket", paths[i], NULL);
          VpcAwsRequest p = { .service = "s3", .region = "eu-west-3", .method = "GET",
                              .host = "127.0.0.1:45678", .path = styled, .time = when };
          emit ("http://127.0.0.1:45678", &p, keys);
        }
      /* S3 ListObjectsV2: unsorted parameters, a prefix with '/', the delimiter "/" (the
       * window's narrowed listing), a continuation token with '+', '/', '='. */
      const char *const list[] = { "list-type", "2", "prefix", "AWSLogs/123456789012/vpcflowlogs/",
                                   "delimiter", "/", "start-after", "AWSLogs/1 2", "continuation-token",
                                   "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=+x", "encoding-type",
                                   "url", NULL };
      VpcAwsRequest l = { .service = "s3", .region = "us-east-1", .method = "GET",
                          .host = "[::1]:9000", .path = "/flow-logs", .query = list, .time = when };
      emit ("http://[::1]:9000", &l, keys);
      /* A range GET with If-Match (unsigned headers are not part of it; signed extras are). */
      const char *const extra[] = { "Range", "bytes=100-", NULL };
      VpcAwsRequest g = { .service = "s3", .region = "us-east-1", .method = "GET",
                          .host = "s3.us-east-1.amazonaws.com", .path = "/b/k", .headers = extra,
                          .time = when };
      emit ("https://s3.us-east-1.amazonaws.com", &g, keys);
      /* CloudWatch Logs FilterLogEvents (JSON 1.1). */
      const char *body = "{\"logGroupName\":\"vpc-flow-logs\",\"logStreamNamePrefix\":\"eni-\","
                         "\"startTime\":1765155102000,\"nextToken\":\"a/b+c==\"}";
      const char *const json[] = { "Content-Type", "application/x-amz-json-1.1", "X-Amz-Target",
                                   "Logs_20140328.FilterLogEvents", NULL };
      VpcAwsRequest c = { .service = "logs", .region = "us-east-1", .method = "POST",
                          .host = "logs.us-east-1.amazonaws.com", .path = "/", .headers = json,
                          .body = body, .body_len = strlen (body), .time = when };
      emit ("https://logs.us-east-1.amazonaws.com", &c, keys);
      /* SQS, query protocol (form POST to the queue URL) and JSON protocol. */
      const char *form = "Action=ReceiveMessage&MaxNumberOfMessages=10&VisibilityTimeout=300"
                         "&WaitTimeSeconds=20&Version=2012-11-05";
      const char *const form_headers[] = { "Content-Type",
                                           "application/x-www-form-urlencoded; charset=utf-8", NULL };
      VpcAwsRequest q = { .service = "sqs", .region = "us-east-1", .method = "POST",
                          .host = "sqs.us-east-1.amazonaws.com", .path = "/123456789012/flowlog-events",
                          .headers = form_headers, .body = form, .body_len = strlen (form),
                          .time = when };
      emit ("https://sqs.us-east-1.amazonaws.com", &q, keys);
      const char *sqs_json = "{\"QueueUrl\":\"https://sqs.us-east-1.amazonaws.com/123456789012/q\","
                             "\"ReceiptHandle\":\"AQEB+/=\"}";
      const char *const sqs_json_headers[] = { "Content-Type", "application/x-amz-json-1.0",
                                               "X-Amz-Target", "AmazonSQS.DeleteMessage", NULL };
      VpcAwsRequest j = { .service = "sqs", .region = "us-east-1", .method = "POST",
                          .host = "127.0.0.1:4566", .path = "/", .headers = sqs_json_headers,
                          .body = sqs_json, .body_len = strlen (sqs_json), .time = when };
      emit ("http://127.0.0.1:4566", &j, keys);
    }
  return 0;
}
