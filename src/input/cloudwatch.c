/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CloudWatch Logs: FilterLogEvents (JSON 1.1) page by page, the new events of each page as a filter-log-events document. */
#include "config.h"

#include "cloudwatch.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

/* Event ids kept: pruned to the overlap when there are more. */
#define SEEN_PRUNE_AT 65536

struct VpcCloudWatch {
  VpcAwsClient *client; /* not owned */
  char *url;
  char *group;
  char *stream_prefix;
  gint64 start_ms, end_ms;
  gint64 pass_start_ms;
  char *next_token;     /* of the pass in progress, or NULL */
  gboolean in_pass;
  gint64 newest_ms;
  GHashTable *seen;     /* event id -> its timestamp (gint64*) */
};

gboolean
vpc_cloudwatch_is_url (const char *arg)
{
  return arg != NULL && g_str_has_prefix (arg, "cloudwatch://");
}

gboolean
vpc_cloudwatch_parse_url (const char *url, char **group, char **stream_prefix, GError **error)
{
  const char *rest = url + strlen ("cloudwatch://");
  const char *slash = strchr (rest, '/');
  g_autofree char *raw_group = slash != NULL ? g_strndup (rest, (gsize) (slash - rest))
                                             : g_strdup (rest);
  g_autofree char *decoded = g_uri_unescape_string (raw_group, NULL);
  if (!vpc_cloudwatch_is_url (url) || decoded == NULL || decoded[0] == '\0')
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                   "%s: not a cloudwatch://LOG-GROUP[/STREAM-PREFIX] URL", url);
      return FALSE;
    }
  *group = g_steal_pointer (&decoded);
  *stream_prefix = slash != NULL && slash[1] != '\0' ? g_uri_unescape_string (slash + 1, NULL)
                                                     : NULL;
  return TRUE;
}

VpcCloudWatch *
vpc_cloudwatch_new (VpcAwsClient *client, const char *url, const char *group,
                    const char *stream_prefix, gint64 start_ms, gint64 end_ms)
{
  VpcCloudWatch *cw = g_new0 (VpcCloudWatch, 1);
  cw->client = client;
  cw->url = g_strdup (url);
  cw->group = g_strdup (group);
  cw->stream_prefix = g_strdup (stream_prefix);
  cw->start_ms = start_ms;
  cw->end_ms = end_ms;
  cw->pass_start_ms = start_ms;
  cw->newest_ms = -1;
  cw->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return cw;
}

void
vpc_cloudwatch_free (VpcCloudWatch *cw)
{
  if (cw == NULL)
    return;
  g_free (cw->url);
  g_free (cw->group);
  g_free (cw->stream_prefix);
  g_free (cw->next_token);
  g_hash_table_unref (cw->seen);
  g_free (cw);
}

gint64
vpc_cloudwatch_get_newest (const VpcCloudWatch *cw)
{
  return cw->newest_ms;
}

static gboolean
forget_older (gpointer key, gpointer value, gpointer user_data)
{
  (void) key;
  return *(const gint64 *) value < *(const gint64 *) user_data;
}

void
vpc_cloudwatch_new_pass (VpcCloudWatch *cw)
{
  g_clear_pointer (&cw->next_token, g_free);
  cw->in_pass = FALSE;
  if (cw->newest_ms >= 0)
    cw->pass_start_ms = MAX (cw->start_ms, cw->newest_ms - VPC_CLOUDWATCH_OVERLAP_MS);
  g_hash_table_foreach_remove (cw->seen, forget_older, &cw->pass_start_ms);
}

/* The request body: JSON, strings escaped by yajl. */
static char *
request_body (const VpcCloudWatch *cw)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  yajl_gen_map_open (g);
#define KEY(k) yajl_gen_string (g, (const unsigned char *) (k), strlen (k))
  KEY ("logGroupName");
  KEY (cw->group);
  if (cw->stream_prefix != NULL)
    {
      KEY ("logStreamNamePrefix");
      KEY (cw->stream_prefix);
    }
  if (cw->pass_start_ms > 0)
    {
      KEY ("startTime");
      yajl_gen_integer (g, cw->pass_start_ms);
    }
  if (cw->end_ms != G_MAXINT64)
    {
      KEY ("endTime");
      yajl_gen_integer (g, cw->end_ms - 1); /* inclusive */
    }
  if (cw->next_token != NULL)
    {
      KEY ("nextToken");
      KEY (cw->next_token);
    }
#undef KEY
  yajl_gen_map_close (g);
  const unsigned char *buf;
  size_t len;
  yajl_gen_get_buf (g, &buf, &len);
  char *body = g_strndup ((const char *) buf, len);
  yajl_gen_free (g);
  return body;
}

static gboolean
write_all (int fd, const char *data, gsize len, GError **error)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "temporary file: %s", g_strerror (saved));
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static const char *
member_string (yajl_val object, const char *key)
{
  const char *path[] = { key, NULL };
  yajl_val v = yajl_tree_get (object, path, yajl_t_string);
  return v != NULL ? YAJL_GET_STRING (v) : NULL;
}

gboolean
vpc_cloudwatch_next_page (VpcCloudWatch *cw, int fd, guint *events, guint *duplicates,
                          gboolean *pass_done, GError **error)
{
  *events = 0;
  *duplicates = 0;
  *pass_done = FALSE;
  g_autofree char *body = request_body (cw);
  const char *const headers[] = { "Content-Type", "application/x-amz-json-1.1", "X-Amz-Target",
                                  "Logs_20140328.FilterLogEvents", NULL };
  VpcAwsCall call = { .service = "logs", .action = "logs:FilterLogEvents", .what = cw->url,
                      .method = "POST", .path = "/", .headers = headers, .body = body,
                      .body_len = strlen (body) };
  g_autoptr (GByteArray) response = g_byte_array_new ();
  g_autofree char *code = NULL;
  guint status = 0;
  if (!vpc_aws_call (cw->client, &call, &status, response, &code, error))
    return FALSE;
  if (status != 200)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: FilterLogEvents: HTTP %u %s", cw->url,
                   status, code != NULL ? code : "");
      return FALSE;
    }
  g_byte_array_append (response, (const guint8 *) "", 1);
  char why[256] = "";
  yajl_val root = yajl_tree_parse ((const char *) response->data, why, sizeof why);
  const char *events_path[] = { "events", NULL };
  yajl_val list = root != NULL ? yajl_tree_get (root, events_path, yajl_t_array) : NULL;
  if (list == NULL)
    {
      if (root != NULL)
        yajl_tree_free (root);
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO,
                   "%s: FilterLogEvents: not a response with events%s%s", cw->url,
                   why[0] != '\0' ? ": " : "", why);
      return FALSE;
    }
  g_free (cw->next_token);
  cw->next_token = g_strdup (member_string (root, "nextToken"));
  *pass_done = cw->next_token == NULL || cw->next_token[0] == '\0';
  cw->in_pass = !*pass_done;

  yajl_gen g = yajl_gen_alloc (NULL);
  yajl_gen_map_open (g);
  yajl_gen_string (g, (const unsigned char *) "events", 6);
  yajl_gen_array_open (g);
  const struct { yajl_val *values; size_t len; } array = { list->u.array.values, list->u.array.len };
  for (size_t i = 0; i < array.len; i++)
    {
      yajl_val event = array.values[i];
      const char *id = member_string (event, "eventId");
      const char *stream = member_string (event, "logStreamName");
      const char *message = member_string (event, "message");
      const char *ts_path[] = { "timestamp", NULL };
      yajl_val ts = yajl_tree_get (event, ts_path, yajl_t_number);
      gint64 timestamp = ts != NULL && YAJL_IS_INTEGER (ts) ? YAJL_GET_INTEGER (ts) : 0;
      if (id != NULL && g_hash_table_contains (cw->seen, id))
        {
          (*duplicates)++;
          continue;
        }
      if (id != NULL)
        g_hash_table_insert (cw->seen, g_strdup (id), g_memdup2 (&timestamp, sizeof timestamp));
      if (timestamp > cw->newest_ms)
        cw->newest_ms = timestamp;
      (*events)++;
      yajl_gen_map_open (g);
      if (stream != NULL)
        {
          yajl_gen_string (g, (const unsigned char *) "logStreamName", 13);
          yajl_gen_string (g, (const unsigned char *) stream, strlen (stream));
        }
      yajl_gen_string (g, (const unsigned char *) "timestamp", 9);
      yajl_gen_integer (g, timestamp);
      /* A message that is not a string is passed on as such: the reader
       * counts it as a bad payload. */
      yajl_gen_string (g, (const unsigned char *) "message", 7);
      if (message != NULL)
        yajl_gen_string (g, (const unsigned char *) message, strlen (message));
      else
        yajl_gen_null (g);
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
  yajl_gen_map_close (g);
  yajl_tree_free (root);
  /* Bounded memory in a long pass: an id older than the overlap before the
   * newest event cannot come again (a pass never returns an event twice; the
   * next starts at the newest minus the overlap). */
  if (g_hash_table_size (cw->seen) > SEEN_PRUNE_AT)
    {
      gint64 oldest = cw->newest_ms - VPC_CLOUDWATCH_OVERLAP_MS;
      g_hash_table_foreach_remove (cw->seen, forget_older, &oldest);
    }
  const unsigned char *buf;
  size_t len;
  yajl_gen_get_buf (g, &buf, &len);
  gboolean ok = ftruncate (fd, 0) == 0 && lseek (fd, 0, SEEK_SET) == 0
                && write_all (fd, (const char *) buf, len, error)
                && lseek (fd, 0, SEEK_SET) == 0;
  yajl_gen_free (g);
  if (!ok && error != NULL && *error == NULL)
    g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "temporary file: %s", g_strerror (errno));
  return ok;
}
