/* SPDX-License-Identifier: GPL-2.0-or-later */
/* S3 inputs: listing (ListObjectsV2), key dates, downloads into temporary files. */
#include "config.h"

#include "s3.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
vpc_s3_object_free (gpointer data)
{
  VpcS3Object *o = data;
  g_free (o->key);
  g_free (o->etag);
  g_free (o);
}

gboolean
vpc_s3_is_url (const char *arg)
{
  return arg != NULL && g_str_has_prefix (arg, "s3://");
}

gboolean
vpc_s3_parse_url (const char *url, char **bucket, char **prefix, GError **error)
{
  if (!vpc_s3_is_url (url) || url[5] == '\0' || url[5] == '/')
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "%s: not an s3://BUCKET/PREFIX URL", url);
      return FALSE;
    }
  const char *rest = url + 5;
  const char *slash = strchr (rest, '/');
  *bucket = slash != NULL ? g_strndup (rest, (gsize) (slash - rest)) : g_strdup (rest);
  *prefix = g_strdup (slash != NULL ? slash + 1 : "");
  return TRUE;
}

/* Digits at p (exactly n of them) as a number, or -1. */
static int
digits (const char *p, int n)
{
  int v = 0;
  for (int i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (p[i]))
        return -1;
      v = v * 10 + (p[i] - '0');
    }
  return v;
}

gboolean
vpc_time_parse_bound (const char *text, gint64 now, gint64 *when, GError **error)
{
  char *end = NULL;
  guint64 n = g_ascii_strtoull (text, &end, 10);
  if (end != text && end != NULL && end[0] != '\0' && end[1] == '\0' && strchr ("smhdw", end[0]))
    {
      static const gint64 units[] = { ['s'] = 1, ['m'] = 60, ['h'] = 3600, ['d'] = 86400,
                                      ['w'] = 7 * 86400 };
      gint64 unit = units[(unsigned char) end[0]];
      if (n <= (guint64) (now / unit))
        {
          *when = now - (gint64) n * unit;
          return TRUE;
        }
    }
  g_autofree char *full = NULL;
  const char *t = strchr (text, 'T');
  if (strlen (text) == 10 && text[4] == '-' && text[7] == '-')
    full = g_strconcat (text, "T00:00:00Z", NULL); /* a date alone */
  else if (t != NULL && digits (t + 1, 2) >= 0 && t[3] == ':' && digits (t + 4, 2) >= 0
           && t[6] != ':' && t[6] != '.')
    full = g_strdup_printf ("%.*s:00%s", (int) (t + 6 - text), text, t + 6); /* hh:mm */
  else
    full = g_strdup (text);
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) parsed = g_date_time_new_from_iso8601 (full, utc);
  if (parsed == NULL)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                   "%s: not a time (ISO 8601 such as 2026-11-20T00:00Z, or a duration back "
                   "from now such as 15m, 1h, 2d)",
                   text);
      return FALSE;
    }
  *when = g_date_time_to_unix (parsed);
  return TRUE;
}

static gboolean
span (int year, int month, int day, int hour, int minute, gint64 length, gint64 *start,
      gint64 *end)
{
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59)
    return FALSE;
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) t = g_date_time_new (utc, year, month, day, MAX (hour, 0),
                                             MAX (minute, 0), 0);
  if (t == NULL)
    return FALSE;
  *start = g_date_time_to_unix (t);
  *end = *start + length;
  return TRUE;
}

/* The value of "name=" in key as n digits (Hive partitions), or -1. */
static int
hive (const char *key, const char *name, int n)
{
  g_autofree char *pattern = g_strdup_printf ("%s=", name);
  for (const char *p = strstr (key, pattern); p != NULL; p = strstr (p + 1, pattern))
    if (p == key || p[-1] == '/')
      {
        int v = digits (p + strlen (pattern), n);
        const char after = p[strlen (pattern) + n];
        if (v >= 0 && (after == '/' || after == '\0'))
          return v;
      }
  return -1;
}

gboolean
vpc_s3_key_time (const char *key, gint64 *start, gint64 *end)
{
  /* AWS default file names: ..._fl-0123_20261120T0005Z_hash.log.gz */
  const char *base = strrchr (key, '/');
  base = base != NULL ? base + 1 : key;
  for (const char *p = strchr (base, '_'); p != NULL; p = strchr (p + 1, '_'))
    if (strlen (p) >= 16 && p[9] == 'T' && p[14] == 'Z' && p[15] == '_')
      {
        int date = digits (p + 1, 8), time = digits (p + 10, 4);
        if (date >= 0 && time >= 0
            && span (date / 10000, date / 100 % 100, date % 100, time / 100, time % 100, 5 * 60,
                     start, end))
          return TRUE;
      }
  int year = hive (key, "year", 4), month = hive (key, "month", 2), day = hive (key, "day", 2);
  if (year >= 0 && month >= 0 && day >= 0)
    {
      int hour = hive (key, "hour", 2);
      return span (year, month, day, hour, -1, hour >= 0 ? 3600 : 86400, start, end);
    }
  /* .../YYYY/MM/DD/[HH/]file: the last such run of directories. */
  gboolean found = FALSE;
  for (const char *p = strchr (key, '/'); p != NULL; p = strchr (p + 1, '/'))
    {
      /* each check before the next read: a key may end right after a '/' */
      int y = digits (p + 1, 4), m = -1, d = -1, h = -1;
      if (y < 0 || p[5] != '/' || (m = digits (p + 6, 2)) < 0 || p[8] != '/'
          || (d = digits (p + 9, 2)) < 0 || p[11] != '/')
        continue;
      if (digits (p + 12, 2) >= 0 && p[14] == '/')
        h = digits (p + 12, 2);
      gint64 s, e;
      if (span (y, m, d, h, -1, h >= 0 ? 3600 : 86400, &s, &e))
        {
          *start = s;
          *end = e;
          found = TRUE;
        }
    }
  return found;
}

/* ---- ListObjectsV2 ---- */

typedef struct {
  GPtrArray *objects;
  GPtrArray *children; /* CommonPrefixes (char*) of a delimiter listing, or NULL */
  gboolean in_common;
  VpcS3Object *current;
  GString *text;
  const char *element;
  gboolean truncated;
  char *next_token;
} ListParse;

static void
list_start (GMarkupParseContext *context, const char *name, const char **attribute_names,
            const char **attribute_values, gpointer user_data, GError **error)
{
  (void) context, (void) attribute_names, (void) attribute_values, (void) error;
  ListParse *p = user_data;
  if (strcmp (name, "Contents") == 0)
    {
      g_clear_pointer (&p->current, vpc_s3_object_free);
      p->current = g_new0 (VpcS3Object, 1);
    }
  else if (strcmp (name, "CommonPrefixes") == 0)
    p->in_common = TRUE;
  g_string_truncate (p->text, 0);
}

static void
list_text (GMarkupParseContext *context, const char *text, gsize len, gpointer user_data,
           GError **error)
{
  (void) context, (void) error;
  ListParse *p = user_data;
  g_string_append_len (p->text, text, (gssize) len);
}

static void
list_end (GMarkupParseContext *context, const char *name, gpointer user_data, GError **error)
{
  (void) context, (void) error;
  ListParse *p = user_data;
  VpcS3Object *o = p->current;
  if (strcmp (name, "Contents") == 0 && o != NULL)
    {
      if (o->key != NULL)
        g_ptr_array_add (p->objects, g_steal_pointer (&p->current));
      g_clear_pointer (&p->current, vpc_s3_object_free);
    }
  else if (strcmp (name, "CommonPrefixes") == 0)
    p->in_common = FALSE;
  else if (p->in_common && strcmp (name, "Prefix") == 0)
    {
      if (p->children != NULL)
        g_ptr_array_add (p->children, g_strdup (p->text->str));
    }
  else if (o != NULL && strcmp (name, "Key") == 0)
    o->key = g_strdup (p->text->str);
  else if (o != NULL && strcmp (name, "ETag") == 0)
    o->etag = g_strdup (p->text->str);
  else if (o != NULL && strcmp (name, "Size") == 0)
    o->size = g_ascii_strtoll (p->text->str, NULL, 10);
  else if (o != NULL && strcmp (name, "LastModified") == 0)
    {
      g_autoptr (GDateTime) t = g_date_time_new_from_iso8601 (p->text->str, NULL);
      o->modified = t != NULL ? g_date_time_to_unix (t) : 0;
    }
  else if (strcmp (name, "IsTruncated") == 0)
    p->truncated = strcmp (g_strstrip (p->text->str), "true") == 0;
  else if (strcmp (name, "NextContinuationToken") == 0)
    {
      g_free (p->next_token);
      p->next_token = g_strdup (p->text->str);
    }
  g_string_truncate (p->text, 0);
}

static int
compare_keys (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(VpcS3Object *const *) a)->key, (*(VpcS3Object *const *) b)->key);
}

/* Every page of one listing of prefix: objects into objects; with
 * delimiter "/", the CommonPrefixes into children (unsorted). */
static gboolean
list_pages (VpcAwsClient *client, const char *bucket, const char *prefix, GPtrArray *children,
            GPtrArray *objects, guint64 *pages, GError **error)
{
  g_autofree char *what = g_strdup_printf ("s3://%s/%s", bucket, prefix);
  g_autofree char *token = NULL;
  for (;;)
    {
      const char *query[9] = { "list-type", "2", "prefix", prefix };
      guint q = 4;
      if (children != NULL)
        {
          query[q++] = "delimiter";
          query[q++] = "/";
        }
      if (token != NULL)
        {
          query[q++] = "continuation-token";
          query[q++] = token;
        }
      VpcAwsCall call = { .service = "s3", .action = "s3:ListBucket", .what = what,
                          .method = "GET", .bucket = bucket, .path = "/", .query = query };
      g_autoptr (GByteArray) body = g_byte_array_new ();
      g_autofree char *code = NULL;
      guint status = 0;
      if (!vpc_aws_call (client, &call, &status, body, &code, error))
        return FALSE;
      (*pages)++;
      if (status != 200)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: listing failed: HTTP %u %s", what,
                       status, code != NULL ? code : "");
          return FALSE;
        }
      static const GMarkupParser parser = { list_start, list_end, list_text, NULL, NULL };
      ListParse p = { .objects = objects, .children = children, .text = g_string_new (NULL) };
      g_autoptr (GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, &p, NULL);
      g_autoptr (GError) local = NULL;
      gboolean parsed = g_markup_parse_context_parse (context, (const char *) body->data,
                                                      (gssize) body->len, &local)
                        && g_markup_parse_context_end_parse (context, &local);
      g_clear_pointer (&p.current, vpc_s3_object_free);
      g_string_free (p.text, TRUE);
      g_free (token);
      token = g_steal_pointer (&p.next_token);
      if (!parsed)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: listing: not the XML of ListObjectsV2: %s",
                       what, local->message);
          return FALSE;
        }
      if (!p.truncated)
        break;
      if (token == NULL || token[0] == '\0')
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO,
                       "%s: listing: a truncated page without NextContinuationToken", what);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
vpc_s3_list (VpcAwsClient *client, const char *bucket, const char *prefix, GPtrArray *objects,
             guint64 *pages, GError **error)
{
  if (!list_pages (client, bucket, prefix, NULL, objects, pages, error))
    return FALSE;
  /* S3 lists in UTF-8 binary order already; S3-compatible stores may not. */
  g_ptr_array_sort (objects, compare_keys);
  return TRUE;
}

/* The last component of a common prefix ("a/b/2026/" -> "2026"), into buf. */
static const char *
last_component (const char *prefix, char *buf, gsize size)
{
  gsize len = strlen (prefix);
  if (len > 0 && prefix[len - 1] == '/')
    len--;
  gsize start = len;
  while (start > 0 && prefix[start - 1] != '/')
    start--;
  g_strlcpy (buf, prefix + start, MIN (size, len - start + 1));
  return buf;
}

static gboolean
all_digits (const char *s, gsize n)
{
  if (strlen (s) != n)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* A component of a dated path: YYYY, MM, DD, HH, or their Hive forms. */
static gboolean
date_component (const char *c)
{
  return all_digits (c, 4) || all_digits (c, 2)
         || (g_str_has_prefix (c, "year=") && all_digits (c + 5, 4))
         || (g_str_has_prefix (c, "month=") && all_digits (c + 6, 2))
         || (g_str_has_prefix (c, "day=") && all_digits (c + 4, 2))
         || (g_str_has_prefix (c, "hour=") && all_digits (c + 5, 2));
}

/* A component of AWS's layouts above the date: AWSLogs, the account,
 * vpcflowlogs, the region (plain or Hive "aws-...=" forms). */
static gboolean
layout_component (const char *c)
{
  if (strcmp (c, "AWSLogs") == 0 || strcmp (c, "vpcflowlogs") == 0 || all_digits (c, 12)
      || g_str_has_prefix (c, "aws-account-id=") || g_str_has_prefix (c, "aws-service=")
      || g_str_has_prefix (c, "aws-region="))
    return TRUE;
  /* a region: us-east-1, ap-southeast-2, us-gov-west-1 */
  const char *p = c;
  int words = 0;
  while (g_ascii_islower (*p))
    {
      while (g_ascii_islower (*p))
        p++;
      if (*p != '-')
        return FALSE;
      p++;
      words++;
    }
  if (words < 2 || !g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  return *p == '\0';
}

/* The objects under prefix the window may select: one delimiter listing
 * of this level; each child whose key names a time span (a day, an
 * hour) outside [since, until) skipped, inside it listed whole, across
 * its edge descended (its hours); children on the way to the date (the
 * layout's levels, years, months) descended; any other listed whole. */
static gboolean
list_window_level (VpcAwsClient *client, const char *bucket, const char *prefix, gint64 since,
                   gint64 until, GPtrArray *objects, guint64 *pages, GError **error)
{
  g_autoptr (GPtrArray) children = g_ptr_array_new_with_free_func (g_free);
  if (!list_pages (client, bucket, prefix, children, objects, pages, error))
    return FALSE;
  for (guint i = 0; i < children->len; i++)
    {
      const char *child = children->pdata[i];
      if (!g_str_has_prefix (child, prefix) || strlen (child) <= strlen (prefix))
        {
          /* not below this level (a store's oddity): listed whole, as before */
          if (!list_pages (client, bucket, child, NULL, objects, pages, error))
            return FALSE;
          continue;
        }
      char buf[256];
      const char *component = last_component (child, buf, sizeof buf);
      gint64 start, end;
      gboolean ok;
      if (vpc_s3_key_time (child, &start, &end))
        {
          if (end <= since || start >= until)
            continue; /* every key below names a time outside the window */
          if ((since <= start && end <= until) || !date_component (component))
            ok = list_pages (client, bucket, child, NULL, objects, pages, error);
          else
            ok = list_window_level (client, bucket, child, since, until, objects, pages, error);
        }
      else if (date_component (component) || layout_component (component))
        ok = list_window_level (client, bucket, child, since, until, objects, pages, error);
      else
        ok = list_pages (client, bucket, child, NULL, objects, pages, error);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

gboolean
vpc_s3_list_window (VpcAwsClient *client, const char *bucket, const char *prefix, gint64 since,
                    gint64 until, GPtrArray *objects, guint64 *pages, GError **error)
{
  if (since == G_MININT64 && until == G_MAXINT64)
    return vpc_s3_list (client, bucket, prefix, objects, pages, error);
  if (!list_window_level (client, bucket, prefix, since, until, objects, pages, error))
    return FALSE;
  g_ptr_array_sort (objects, compare_keys);
  return TRUE;
}


/* ---- GetObject ---- */

typedef struct {
  int fd;
} Spool;

static gboolean
spool_write (const void *data, gsize len, gpointer user_data, GError **error)
{
  Spool *s = user_data;
  const char *p = data;
  while (len > 0)
    {
      gssize n = write (s->fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "temporary file: %s", g_strerror (saved));
          return FALSE;
        }
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static void
spool_restart (gpointer user_data)
{
  Spool *s = user_data;
  if (ftruncate (s->fd, 0) == 0)
    lseek (s->fd, 0, SEEK_SET);
}

gboolean
vpc_s3_fetch (VpcAwsClient *client, const char *bucket, const VpcS3Object *object, int fd,
              gboolean *gone, GError **error)
{
  *gone = FALSE;
  g_autofree char *what = g_strdup_printf ("s3://%s/%s", bucket, object->key);
  g_autofree char *path = g_strconcat ("/", object->key, NULL);
  const char *if_match[] = { "If-Match", object->etag, NULL };
  Spool spool = { fd };
  spool_restart (&spool);
  VpcAwsCall call = { .service = "s3", .action = "s3:GetObject", .what = what, .method = "GET",
                      .bucket = bucket, .path = path,
                      .unsigned_headers = object->etag != NULL ? if_match : NULL,
                      .write = spool_write, .restart = spool_restart, .user_data = &spool };
  g_autofree char *code = NULL;
  guint status = 0;
  if (!vpc_aws_call (client, &call, &status, NULL, &code, error))
    return FALSE;
  if (status == 404 || status == 412)
    {
      *gone = TRUE;
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s since it was listed (HTTP %u %s)", what,
                   status == 404 ? "deleted" : "replaced", status, code != NULL ? code : "");
      return FALSE;
    }
  if (status != 200)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: HTTP %u %s", what, status,
                   code != NULL ? code : "");
      return FALSE;
    }
  if (lseek (fd, 0, SEEK_SET) < 0)
    {
      int saved = errno;
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "temporary file: %s", g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

int
vpc_s3_spool_open (GError **error)
{
  const char *dir = g_get_tmp_dir ();
  int fd = open (dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0)
    return fd;
  g_autofree char *path = g_build_filename (dir, "vpc2ipfix-s3-XXXXXX", NULL);
  fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "temporary file in %s: %s", dir,
                   g_strerror (saved));
      return -1;
    }
  unlink (path);
  return fd;
}
