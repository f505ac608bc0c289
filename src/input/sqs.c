/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SQS (AWS JSON 1.0 protocol) and the S3 event notifications its messages carry. */
#include "config.h"

#include "sqs.h"

#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

struct VpcSqs {
  VpcAwsClient *client; /* not owned */
  char *url;
  char *endpoint;       /* where requests go: scheme://host[:port]/ */
  char *region;         /* from the host name, or NULL */
};

void
vpc_sqs_message_free (gpointer data)
{
  VpcSqsMessage *m = data;
  g_free (m->id);
  g_free (m->receipt);
  g_free (m->body);
  g_free (m);
}

void
vpc_sqs_object_free (gpointer data)
{
  VpcSqsObject *o = data;
  g_free (o->bucket);
  g_free (o->object.key);
  g_free (o->object.etag);
  g_free (o);
}

VpcSqs *
vpc_sqs_new (VpcAwsClient *client, const char *url, GError **error)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL
      || (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") != 0
          && g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0))
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                   "--sqs %s: not a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)",
                   url);
      return NULL;
    }
  VpcSqs *sqs = g_new0 (VpcSqs, 1);
  sqs->client = client;
  sqs->url = g_strdup (url);
  const char *env = g_getenv ("AWS_ENDPOINT_URL_SQS");
  if (env != NULL && env[0] != '\0')
    sqs->endpoint = g_str_has_suffix (env, "/") ? g_strdup (env) : g_strconcat (env, "/", NULL);
  else
    {
      g_autofree char *origin = g_uri_join (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL,
                                            g_uri_get_host (uri), g_uri_get_port (uri), "", NULL,
                                            NULL);
      sqs->endpoint = g_strconcat (origin, "/", NULL);
    }
  const char *host = g_uri_get_host (uri);
  if (g_str_has_prefix (host, "sqs.") && g_str_has_suffix (host, ".amazonaws.com"))
    {
      const char *start = host + 4;
      const char *end = strchr (start, '.');
      sqs->region = g_strndup (start, (gsize) (end - start));
    }
  return sqs;
}

void
vpc_sqs_free (VpcSqs *sqs)
{
  if (sqs == NULL)
    return;
  g_free (sqs->url);
  g_free (sqs->endpoint);
  g_free (sqs->region);
  g_free (sqs);
}

/* One call: body (JSON) to target, the response parsed into *root. */
static gboolean
sqs_call (VpcSqs *sqs, const char *target, const char *action, const char *body,
          yajl_val *root, GError **error)
{
  g_autofree char *header = g_strconcat ("AmazonSQS.", target, NULL);
  const char *const headers[] = { "Content-Type", "application/x-amz-json-1.0", "X-Amz-Target",
                                  header, NULL };
  VpcAwsCall call = { .service = "sqs", .region = sqs->region, .action = action,
                      .what = sqs->url, .method = "POST", .url = sqs->endpoint,
                      .headers = headers, .body = body, .body_len = strlen (body) };
  g_autoptr (GByteArray) response = g_byte_array_new ();
  g_autofree char *code = NULL;
  guint status = 0;
  if (!vpc_aws_call (sqs->client, &call, &status, response, &code, error))
    return FALSE;
  if (status != 200)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s: HTTP %u %s", sqs->url, target, status,
                   code != NULL ? code : "");
      return FALSE;
    }
  g_byte_array_append (response, (const guint8 *) "", 1);
  char why[128] = "";
  *root = yajl_tree_parse (response->len > 1 ? (const char *) response->data : "{}", why,
                           sizeof why);
  if (*root == NULL)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s: not a JSON answer: %s", sqs->url,
                   target, why);
      return FALSE;
    }
  return TRUE;
}

static void
json_key_string (yajl_gen g, const char *key, const char *value)
{
  yajl_gen_string (g, (const unsigned char *) key, strlen (key));
  yajl_gen_string (g, (const unsigned char *) value, strlen (value));
}

static void
json_key_integer (yajl_gen g, const char *key, long long value)
{
  yajl_gen_string (g, (const unsigned char *) key, strlen (key));
  yajl_gen_integer (g, value);
}

static char *
json_finish (yajl_gen g)
{
  yajl_gen_map_close (g);
  const unsigned char *buf;
  size_t len;
  yajl_gen_get_buf (g, &buf, &len);
  char *text = g_strndup ((const char *) buf, len);
  yajl_gen_free (g);
  return text;
}

static yajl_gen
json_start (const VpcSqs *sqs)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  yajl_gen_map_open (g);
  json_key_string (g, "QueueUrl", sqs->url);
  return g;
}

static const char *
member_string (yajl_val object, const char *key)
{
  const char *path[] = { key, NULL };
  yajl_val v = object != NULL ? yajl_tree_get (object, path, yajl_t_string) : NULL;
  return v != NULL ? YAJL_GET_STRING (v) : NULL;
}

static yajl_val
member (yajl_val object, const char *key, yajl_type type)
{
  const char *path[] = { key, NULL };
  return object != NULL ? yajl_tree_get (object, path, type) : NULL;
}

gboolean
vpc_sqs_receive (VpcSqs *sqs, guint wait_seconds, guint visibility, GPtrArray *messages,
                 GError **error)
{
  yajl_gen g = json_start (sqs);
  json_key_integer (g, "MaxNumberOfMessages", 10);
  json_key_integer (g, "WaitTimeSeconds", wait_seconds);
  json_key_integer (g, "VisibilityTimeout", visibility);
  yajl_gen_string (g, (const unsigned char *) "MessageSystemAttributeNames", 27);
  yajl_gen_array_open (g);
  yajl_gen_string (g, (const unsigned char *) "ApproximateReceiveCount", 23);
  yajl_gen_array_close (g);
  g_autofree char *body = json_finish (g);
  yajl_val root = NULL;
  if (!sqs_call (sqs, "ReceiveMessage", "sqs:ReceiveMessage", body, &root, error))
    return FALSE;
  yajl_val list = member (root, "Messages", yajl_t_array);
  for (size_t i = 0; list != NULL && i < list->u.array.len; i++)
    {
      yajl_val m = list->u.array.values[i];
      const char *receipt = member_string (m, "ReceiptHandle");
      if (receipt == NULL)
        continue;
      VpcSqsMessage *message = g_new0 (VpcSqsMessage, 1);
      message->id = g_strdup (member_string (m, "MessageId"));
      message->receipt = g_strdup (receipt);
      message->body = g_strdup (member_string (m, "Body"));
      const char *count = member_string (member (m, "Attributes", yajl_t_object),
                                         "ApproximateReceiveCount");
      message->receive_count = count != NULL ? (guint) g_ascii_strtoull (count, NULL, 10) : 1;
      g_ptr_array_add (messages, message);
    }
  yajl_tree_free (root);
  return TRUE;
}

gboolean
vpc_sqs_delete (VpcSqs *sqs, const char *receipt, GError **error)
{
  yajl_gen g = json_start (sqs);
  json_key_string (g, "ReceiptHandle", receipt);
  g_autofree char *body = json_finish (g);
  yajl_val root = NULL;
  if (!sqs_call (sqs, "DeleteMessage", "sqs:DeleteMessage", body, &root, error))
    return FALSE;
  yajl_tree_free (root);
  return TRUE;
}

gboolean
vpc_sqs_change_visibility (VpcSqs *sqs, const char *receipt, guint seconds, GError **error)
{
  yajl_gen g = json_start (sqs);
  json_key_string (g, "ReceiptHandle", receipt);
  json_key_integer (g, "VisibilityTimeout", seconds);
  g_autofree char *body = json_finish (g);
  yajl_val root = NULL;
  if (!sqs_call (sqs, "ChangeMessageVisibility", "sqs:ChangeMessageVisibility", body, &root,
                 error))
    return FALSE;
  yajl_tree_free (root);
  return TRUE;
}

/* S3 event notification keys are URL-encoded with '+' for a space. */
static char *
decode_key (const char *key)
{
  g_autofree char *spaces = g_strdup (key);
  for (char *p = spaces; *p != '\0'; p++)
    if (*p == '+')
      *p = ' ';
  char *decoded = g_uri_unescape_string (spaces, NULL);
  return decoded != NULL ? decoded : g_strdup (key);
}

static void
add_object (GPtrArray *objects, const char *bucket, char *key, const char *etag, yajl_val size)
{
  VpcSqsObject *o = g_new0 (VpcSqsObject, 1);
  o->bucket = g_strdup (bucket);
  o->object.key = key;
  o->object.etag = etag != NULL && etag[0] != '\0'
                       ? (etag[0] == '"' ? g_strdup (etag) : g_strdup_printf ("\"%s\"", etag))
                       : NULL;
  o->object.size = size != NULL && YAJL_IS_INTEGER (size) ? YAJL_GET_INTEGER (size) : 0;
  g_ptr_array_add (objects, o);
}

static gboolean
parse_value (yajl_val root, GPtrArray *objects, guint depth)
{
  guint before = objects->len;
  /* SNS: the notification is the Message string. */
  const char *type = member_string (root, "Type");
  const char *wrapped = member_string (root, "Message");
  if (type != NULL && strcmp (type, "Notification") == 0 && wrapped != NULL && depth < 2)
    return vpc_sqs_parse_notification (wrapped, objects);
  /* S3 event notification. */
  yajl_val records = member (root, "Records", yajl_t_array);
  for (size_t i = 0; records != NULL && i < records->u.array.len; i++)
    {
      yajl_val r = records->u.array.values[i];
      const char *source = member_string (r, "eventSource");
      const char *name = member_string (r, "eventName");
      yajl_val s3 = member (r, "s3", yajl_t_object);
      const char *bucket = member_string (member (s3, "bucket", yajl_t_object), "name");
      yajl_val object = member (s3, "object", yajl_t_object);
      const char *key = member_string (object, "key");
      if (source == NULL || strcmp (source, "aws:s3") != 0 || name == NULL
          || !g_str_has_prefix (name, "ObjectCreated:") || bucket == NULL || key == NULL)
        continue;
      add_object (objects, bucket, decode_key (key), member_string (object, "eTag"),
                  member (object, "size", yajl_t_number));
    }
  /* EventBridge. */
  const char *source = member_string (root, "source");
  const char *detail_type = member_string (root, "detail-type");
  yajl_val detail = member (root, "detail", yajl_t_object);
  if (source != NULL && strcmp (source, "aws.s3") == 0 && detail_type != NULL
      && strcmp (detail_type, "Object Created") == 0 && detail != NULL)
    {
      const char *bucket = member_string (member (detail, "bucket", yajl_t_object), "name");
      yajl_val object = member (detail, "object", yajl_t_object);
      const char *key = member_string (object, "key");
      if (bucket != NULL && key != NULL)
        add_object (objects, bucket, g_strdup (key), member_string (object, "etag"),
                    member (object, "size", yajl_t_number));
    }
  return objects->len > before;
}

gboolean
vpc_sqs_parse_notification (const char *body, GPtrArray *objects)
{
  if (body == NULL)
    return FALSE;
  char why[64];
  yajl_val root = yajl_tree_parse (body, why, sizeof why);
  if (root == NULL)
    return FALSE;
  gboolean found = YAJL_IS_OBJECT (root) && parse_value (root, objects, 0);
  yajl_tree_free (root);
  return found;
}
