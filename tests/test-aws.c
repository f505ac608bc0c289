/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the AWS inputs: SigV4, key dates, times, URLs, notifications, the shared files. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "input/aws-credentials.h"
#include "input/aws-http.h"
#include "input/aws-sigv4.h"
#include "input/cloudwatch.h"
#include "input/s3.h"
#include "input/sqs.h"

/* AWS's SigV4 test suite, "get-vanilla". */
static void
test_sigv4_vanilla (void)
{
  const VpcAwsKeys keys = { "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL };
  VpcAwsRequest r = { .service = "service", .region = "us-east-1", .method = "GET",
                      .host = "example.amazonaws.com", .path = "/",
                      .time = 1440938160 /* 20150830T123600Z */ };
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *target = vpc_aws_sign (&r, &keys, lines);
  g_assert_cmpstr (target, ==, "/");
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_cmpstr (lines->pdata[0], ==, "X-Amz-Date: 20150830T123600Z");
  g_assert_cmpstr (lines->pdata[1], ==,
                   "Authorization: AWS4-HMAC-SHA256 "
                   "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                   "SignedHeaders=host;x-amz-date, "
                   "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

/* The query is sorted and encoded once: the target sent is what is signed. */
static void
test_sigv4_query (void)
{
  const VpcAwsKeys keys = { "AKID", "secret", "token" };
  const char *const query[] = { "prefix", "a b/c", "list-type", "2", "continuation-token", "x+y=",
                                NULL };
  VpcAwsRequest r = { .service = "s3", .region = "us-east-1", .method = "GET", .host = "h",
                      .path = "/bucket/k ey+", .query = query, .time = 0 };
  g_autofree char *canonical = vpc_aws_canonical_request (&r, &keys);
  g_assert_true (g_str_has_prefix (
      canonical, "GET\n/bucket/k%20ey%2B\ncontinuation-token=x%2By%3D&list-type=2&prefix=a%20b%2Fc\n"
                 "host:h\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
                 "x-amz-date:19700101T000000Z\nx-amz-security-token:token\n"));
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *target = vpc_aws_sign (&r, &keys, lines);
  g_assert_cmpstr (target, ==,
                   "/bucket/k%20ey%2B?continuation-token=x%2By%3D&list-type=2&prefix=a%20b%2Fc");
}

static void
assert_span (const char *key, const char *start, gint64 length)
{
  gint64 s = 0, e = 0;
  g_assert_true (vpc_s3_key_time (key, &s, &e));
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (s);
  g_autofree char *text = g_date_time_format_iso8601 (t);
  g_assert_cmpstr (text, ==, start);
  g_assert_cmpint (e - s, ==, length);
}

static void
test_key_time (void)
{
  assert_span ("AWSLogs/1/vpcflowlogs/us-east-1/2026/11/20/"
               "1_vpcflowlogs_us-east-1_fl-0a_20261120T0005Z_cc8f.log.gz",
               "2026-11-20T00:05:00Z", 300);
  assert_span ("x/year=2026/month=11/day=20/part.parquet", "2026-11-20T00:00:00Z", 86400);
  assert_span ("x/year=2026/month=11/day=20/hour=05/part.parquet", "2026-11-20T05:00:00Z", 3600);
  assert_span ("AWSLogs/2026/11/20/a.log", "2026-11-20T00:00:00Z", 86400);
  assert_span ("AWSLogs/2026/11/20/07/a.log", "2026-11-20T07:00:00Z", 3600);
  gint64 s, e;
  g_assert_false (vpc_s3_key_time ("plain/name.log", &s, &e));
  g_assert_false (vpc_s3_key_time ("x/2026/13/20/a.log", &s, &e));
  g_assert_false (vpc_s3_key_time ("x/year=2026/month=11/a.log", &s, &e));
  /* Prefixes (the narrowed listing asks about them): a day, an hour, none; and a key
   * ending right after a '/' is never read past its end (ASan). */
  assert_span ("AWSLogs/1/vpcflowlogs/us-east-1/2026/11/20/", "2026-11-20T00:00:00Z", 86400);
  assert_span ("hourly/2026/11/20/05/", "2026-11-20T05:00:00Z", 3600);
  assert_span ("hive/year=2026/month=11/day=19/", "2026-11-19T00:00:00Z", 86400);
  g_assert_false (vpc_s3_key_time ("dated/2026/", &s, &e));
  g_assert_false (vpc_s3_key_time ("dated/2026/11/", &s, &e));
  g_assert_false (vpc_s3_key_time ("a/", &s, &e));
}

static void
test_time_bound (void)
{
  gint64 now = 1795133000, t = 0;
  g_assert_true (vpc_time_parse_bound ("90s", now, &t, NULL));
  g_assert_cmpint (t, ==, now - 90);
  g_assert_true (vpc_time_parse_bound ("2d", now, &t, NULL));
  g_assert_cmpint (t, ==, now - 2 * 86400);
  g_assert_true (vpc_time_parse_bound ("1w", now, &t, NULL));
  g_assert_cmpint (t, ==, now - 7 * 86400);
  g_assert_true (vpc_time_parse_bound ("2026-11-20", now, &t, NULL));
  g_assert_cmpint (t, ==, 1795132800);
  g_assert_true (vpc_time_parse_bound ("2026-11-20T00:10Z", now, &t, NULL));
  g_assert_cmpint (t, ==, 1795133400);
  g_assert_true (vpc_time_parse_bound ("2026-11-20T01:10:00+01:00", now, &t, NULL));
  g_assert_cmpint (t, ==, 1795133400);
  g_assert_true (vpc_time_parse_bound ("2026-11-20T00:10:00", now, &t, NULL)); /* UTC */
  g_assert_cmpint (t, ==, 1795133400);
  const char *bad[] = { "", "yesterday", "5x", "h", "2026-11-40", "99999999999999999999w" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (vpc_time_parse_bound (bad[i], now, &t, &error));
      g_assert_error (error, VPC_ERROR, VPC_ERROR_USAGE);
    }
}

static void
test_urls (void)
{
  g_autofree char *bucket = NULL, *prefix = NULL, *group = NULL, *stream = NULL;
  g_assert_true (vpc_s3_parse_url ("s3://b/AWSLogs/1/", &bucket, &prefix, NULL));
  g_assert_cmpstr (bucket, ==, "b");
  g_assert_cmpstr (prefix, ==, "AWSLogs/1/");
  g_clear_pointer (&bucket, g_free);
  g_clear_pointer (&prefix, g_free);
  g_assert_true (vpc_s3_parse_url ("s3://b", &bucket, &prefix, NULL));
  g_assert_cmpstr (prefix, ==, "");
  g_assert_false (vpc_s3_parse_url ("s3:///x", &group, &stream, NULL));
  g_assert_true (vpc_cloudwatch_parse_url ("cloudwatch://%2Faws%2Fvpc/eni-1", &group, &stream, NULL));
  g_assert_cmpstr (group, ==, "/aws/vpc");
  g_assert_cmpstr (stream, ==, "eni-1");
  g_clear_pointer (&group, g_free);
  g_clear_pointer (&stream, g_free);
  g_assert_true (vpc_cloudwatch_parse_url ("cloudwatch://vpc-flow-logs", &group, &stream, NULL));
  g_assert_null (stream);
  g_clear_pointer (&group, g_free);
  g_assert_false (vpc_cloudwatch_parse_url ("cloudwatch://", &group, &stream, NULL));
}

static GPtrArray *
objects_of (const char *body, gboolean expect)
{
  GPtrArray *objects = g_ptr_array_new_with_free_func (vpc_sqs_object_free);
  g_assert_cmpint (vpc_sqs_parse_notification (body, objects), ==, expect);
  return objects;
}

static void
test_notifications (void)
{
  const char *direct
      = "{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\","
        "\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"in/a+b%2Bc.log\",\"size\":12,"
        "\"eTag\":\"abc\"}}},{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectRemoved:Delete\","
        "\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"gone.log\"}}}]}";
  g_autoptr (GPtrArray) a = objects_of (direct, TRUE);
  g_assert_cmpuint (a->len, ==, 1);
  VpcSqsObject *o = a->pdata[0];
  g_assert_cmpstr (o->bucket, ==, "b");
  g_assert_cmpstr (o->object.key, ==, "in/a b+c.log");
  g_assert_cmpstr (o->object.etag, ==, "\"abc\"");
  g_assert_cmpint (o->object.size, ==, 12);
  g_autofree char *escaped = g_strescape (direct, NULL);
  g_autofree char *sns = g_strdup_printf ("{\"Type\":\"Notification\",\"Message\":\"%s\"}", escaped);
  g_autoptr (GPtrArray) b = objects_of (sns, TRUE);
  g_assert_cmpstr (((VpcSqsObject *) b->pdata[0])->object.key, ==, "in/a b+c.log");
  g_autoptr (GPtrArray) c = objects_of (
      "{\"source\":\"aws.s3\",\"detail-type\":\"Object Created\",\"detail\":{\"bucket\":"
      "{\"name\":\"b\"},\"object\":{\"key\":\"in/a+b.log\",\"size\":3,\"etag\":\"e\"}}}",
      TRUE);
  g_assert_cmpstr (((VpcSqsObject *) c->pdata[0])->object.key, ==, "in/a+b.log"); /* not encoded */
  const char *others[] = { "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\"}",
                           "{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":"
                           "\"ObjectRemoved:Delete\",\"s3\":{}}]}",
                           "not json", "[1,2]", "{\"Type\":\"Notification\",\"Message\":\"{\"}",
                           "{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":"
                           "\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":7}}}]}",
                           "" };
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autoptr (GPtrArray) none = objects_of (others[i], FALSE);
      g_assert_cmpuint (none->len, ==, 0);
    }
}

static void
test_xml_value (void)
{
  const char *xml = "<Error><Code>Slow&amp;Down</Code><Message>a &lt;b&gt; &#233;&#x41;</Message></Error>";
  g_autofree char *code = vpc_aws_xml_value (xml, strlen (xml), "Code");
  g_autofree char *message = vpc_aws_xml_value (xml, strlen (xml), "Message");
  g_autofree char *none = vpc_aws_xml_value (xml, strlen (xml), "Key");
  g_assert_cmpstr (code, ==, "Slow&Down");
  g_assert_cmpstr (message, ==, "a <b> \xc3\xa9" "A");
  g_assert_null (none);
}

/* The shared files: comments, nested values, [profile x] sections; env keys lose to --profile. */
static void
test_shared_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("vpc-aws-XXXXXX", NULL);
  g_autofree char *credentials = g_build_filename (dir, "credentials", NULL);
  g_autofree char *config = g_build_filename (dir, "config", NULL);
  g_assert_true (g_file_set_contents (credentials,
                                      "# comment\n[default]\naws_access_key_id=AKIDDEFAULT\n"
                                      "aws_secret_access_key = default-secret\n"
                                      "[flows]\n; other comment\naws_access_key_id = AKIDFLOWS\n"
                                      "aws_secret_access_key = flows/secret=\n"
                                      "aws_session_token = tok\n",
                                      -1, NULL));
  g_assert_true (g_file_set_contents (config,
                                      "[default]\nregion = eu-west-1\n"
                                      "[profile flows]\ns3 =\n  region = nested-not-this\n"
                                      "region = eu-central-1\n",
                                      -1, NULL));
  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", credentials, TRUE);
  g_setenv ("AWS_CONFIG_FILE", config, TRUE);
  g_setenv ("AWS_EC2_METADATA_DISABLED", "true", TRUE);
  g_unsetenv ("AWS_REGION");
  g_unsetenv ("AWS_DEFAULT_REGION");
  g_unsetenv ("AWS_PROFILE");
  g_unsetenv ("AWS_WEB_IDENTITY_TOKEN_FILE");
  g_unsetenv ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  g_unsetenv ("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  g_setenv ("AWS_ACCESS_KEY_ID", "AKIDENV", TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", "env-secret", TRUE);

  g_autofree char *region = vpc_aws_resolve_region (NULL, NULL);
  g_assert_cmpstr (region, ==, "eu-west-1");
  g_autofree char *flows_region = vpc_aws_resolve_region (NULL, "flows");
  g_assert_cmpstr (flows_region, ==, "eu-central-1");
  g_autofree char *option = vpc_aws_resolve_region ("ap-south-1", "flows");
  g_assert_cmpstr (option, ==, "ap-south-1");

  VpcAwsKeys keys;
  g_autoptr (VpcAwsCredentials) env = vpc_aws_credentials_new (NULL, "us-east-1");
  g_assert_true (vpc_aws_credentials_get (env, &keys, NULL));
  g_assert_cmpstr (keys.access_key, ==, "AKIDENV");
  g_assert_cmpstr (vpc_aws_credentials_get_source (env), ==, "environment");
  g_autoptr (VpcAwsCredentials) flows = vpc_aws_credentials_new ("flows", "us-east-1");
  g_assert_true (vpc_aws_credentials_get (flows, &keys, NULL));
  g_assert_cmpstr (keys.access_key, ==, "AKIDFLOWS");
  g_assert_cmpstr (keys.secret_key, ==, "flows/secret=");
  g_assert_cmpstr (keys.session_token, ==, "tok");
  g_unsetenv ("AWS_ACCESS_KEY_ID");
  g_autoptr (VpcAwsCredentials) fallback = vpc_aws_credentials_new (NULL, "us-east-1");
  g_assert_true (vpc_aws_credentials_get (fallback, &keys, NULL));
  g_assert_cmpstr (keys.access_key, ==, "AKIDDEFAULT");
  g_autoptr (VpcAwsCredentials) missing = vpc_aws_credentials_new ("nope", "us-east-1");
  g_autoptr (GError) error = NULL;
  g_assert_false (vpc_aws_credentials_get (missing, &keys, &error));
  g_assert_error (error, VPC_ERROR, VPC_ERROR_USAGE);
  g_assert_nonnull (strstr (error->message, "profile nope"));
  g_unsetenv ("AWS_SECRET_ACCESS_KEY");
  g_unsetenv ("AWS_SHARED_CREDENTIALS_FILE");
  g_unsetenv ("AWS_CONFIG_FILE");
  g_unlink (credentials);
  g_unlink (config);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/aws/sigv4-vanilla", test_sigv4_vanilla);
  g_test_add_func ("/aws/sigv4-query", test_sigv4_query);
  g_test_add_func ("/aws/key-time", test_key_time);
  g_test_add_func ("/aws/time-bound", test_time_bound);
  g_test_add_func ("/aws/urls", test_urls);
  g_test_add_func ("/aws/notifications", test_notifications);
  g_test_add_func ("/aws/xml-value", test_xml_value);
  g_test_add_func ("/aws/shared-files", test_shared_files);
  return g_test_run ();
}
