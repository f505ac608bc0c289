/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The threat-feed cache: polite conditional downloads with libcurl, the last good copy kept. */
#include "config.h"

#include "feed-cache.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define USER_AGENT "vpc2ipfix-report/" PACKAGE_VERSION
#define MAX_REDIRECTS 5L

/* ---- the cache ---------------------------------------------------------------- */

/* Whether a validator (ETag, Last-Modified) from a server or the cache may
 * be sent back in a request header: not empty, at most 1 KiB, no control
 * character (a bare CR or LF would let the server inject headers). */
static gboolean
validator_is_safe (const char *value)
{
  gsize len = strlen (value);
  if (len == 0 || len > 1024)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if ((guchar) value[i] < 0x20 || value[i] == 0x7f)
      return FALSE;
  return TRUE;
}

/* NAME.meta: what the last good copy NAME.list is. */
typedef struct {
  char *url;
  char *etag;
  char *last_modified;
  gint64 downloaded_at; /* unix seconds of the last 200 */
  gint64 checked_at;    /* of the last 200 or 304 */
} Meta;

static void
meta_clear (Meta *meta)
{
  g_free (meta->url);
  g_free (meta->etag);
  g_free (meta->last_modified);
  memset (meta, 0, sizeof *meta);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Meta, meta_clear)

#define META_GROUP "feed"

static gboolean
meta_read (const char *path, Meta *meta)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, NULL))
    return FALSE;
  meta->url = g_key_file_get_string (kf, META_GROUP, "url", NULL);
  meta->etag = g_key_file_get_string (kf, META_GROUP, "etag", NULL);
  meta->last_modified = g_key_file_get_string (kf, META_GROUP, "last-modified", NULL);
  /* A cache written before validators were checked: drop what is unsafe. */
  if (meta->etag != NULL && !validator_is_safe (meta->etag))
    g_clear_pointer (&meta->etag, g_free);
  if (meta->last_modified != NULL && !validator_is_safe (meta->last_modified))
    g_clear_pointer (&meta->last_modified, g_free);
  meta->downloaded_at = g_key_file_get_int64 (kf, META_GROUP, "downloaded-at", NULL);
  meta->checked_at = g_key_file_get_int64 (kf, META_GROUP, "checked-at", NULL);
  return meta->url != NULL && meta->checked_at > 0;
}

static gboolean
meta_write (const char *path, const Meta *meta, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_key_file_set_string (kf, META_GROUP, "url", meta->url);
  if (meta->etag != NULL)
    g_key_file_set_string (kf, META_GROUP, "etag", meta->etag);
  if (meta->last_modified != NULL)
    g_key_file_set_string (kf, META_GROUP, "last-modified", meta->last_modified);
  g_key_file_set_int64 (kf, META_GROUP, "downloaded-at", meta->downloaded_at);
  g_key_file_set_int64 (kf, META_GROUP, "checked-at", meta->checked_at);
  gsize len;
  g_autofree char *text = g_key_file_to_data (kf, &len, NULL);
  return g_file_set_contents (path, text, (gssize) len, error); /* temp + rename */
}

/* ---- downloading ---------------------------------------------------------------- */

typedef struct {
  FILE *out;
  guint64 size, max_size;
  gboolean too_large;
  gboolean write_failed;
  char *etag, *last_modified;
} Transfer;

static size_t
on_body (char *data, size_t size, size_t n, void *user_data)
{
  Transfer *t = user_data;
  gsize len = size * n;
  if (t->size + len > t->max_size)
    {
      t->too_large = TRUE;
      return 0;
    }
  if (fwrite (data, 1, len, t->out) != len)
    {
      t->write_failed = TRUE;
      return 0;
    }
  t->size += len;
  return len;
}

/* A header value without the name and the surrounding white space, or NULL. */
/* The value of header name in one header line, or NULL: another header,
 * or a value that is not safe to send back (then the copy is downloaded
 * again next time instead of asked about conditionally). */
static char *
header_value (const char *line, gsize len, const char *name)
{
  gsize n = strlen (name);
  if (len <= n || g_ascii_strncasecmp (line, name, n) != 0 || line[n] != ':')
    return NULL;
  /* The line ends in CR LF (or LF): only that is the terminator. */
  gsize end = len;
  if (end > n + 1 && line[end - 1] == '\n')
    end--;
  if (end > n + 1 && line[end - 1] == '\r')
    end--;
  gsize start = n + 1;
  while (start < end && (line[start] == ' ' || line[start] == '\t'))
    start++;
  while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t'))
    end--;
  if (memchr (line + start, '\0', end - start) != NULL)
    return NULL;
  g_autofree char *v = g_strndup (line + start, end - start);
  return validator_is_safe (v) ? g_steal_pointer (&v) : NULL;
}

static size_t
on_header (char *data, size_t size, size_t n, void *user_data)
{
  Transfer *t = user_data;
  gsize len = size * n;
  char *v;
  if (len >= 5 && strncmp (data, "HTTP/", 5) == 0)
    {
      /* A new response (after a redirect): forget the previous one's headers. */
      g_clear_pointer (&t->etag, g_free);
      g_clear_pointer (&t->last_modified, g_free);
    }
  else if ((v = header_value (data, len, "ETag")) != NULL)
    {
      g_free (t->etag);
      t->etag = v;
    }
  else if ((v = header_value (data, len, "Last-Modified")) != NULL)
    {
      g_free (t->last_modified);
      t->last_modified = v;
    }
  return len;
}

static void
curl_init_once (void)
{
  static gsize once = 0;
  if (g_once_init_enter (&once))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&once, 1);
    }
}

typedef enum { FETCH_NEW, FETCH_NOT_MODIFIED } FetchResult;

/* Download feed->url into tmp_path (opened by the caller as t->out);
 * conditional on old (may be NULL). */
static gboolean
fetch (const VpcFeed *feed, const Meta *old, const VpcFeedOptions *options, Transfer *t,
       FetchResult *result, GError **error)
{
  curl_init_once ();
  CURL *curl = curl_easy_init ();
  if (curl == NULL)
    return g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "cannot start libcurl"), FALSE;
  struct curl_slist *headers = NULL;
  if (old != NULL && old->etag != NULL)
    {
      g_autofree char *h = g_strdup_printf ("If-None-Match: %s", old->etag);
      headers = curl_slist_append (headers, h);
    }
  if (old != NULL && old->last_modified != NULL)
    {
      g_autofree char *h = g_strdup_printf ("If-Modified-Since: %s", old->last_modified);
      headers = curl_slist_append (headers, h);
    }
  char errbuf[CURL_ERROR_SIZE] = "";
  curl_easy_setopt (curl, CURLOPT_URL, feed->url);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, USER_AGENT);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (curl, CURLOPT_MAXREDIRS, MAX_REDIRECTS);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https,file");
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS | CURLPROTO_FILE));
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, (long) options->timeout);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, (long) options->connect_timeout);
  curl_easy_setopt (curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) options->max_size);
  curl_easy_setopt (curl, CURLOPT_ACCEPT_ENCODING, ""); /* whatever libcurl can decode */
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, t);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, t);

  CURLcode rc = curl_easy_perform (curl);
  long status = 0;
  char *scheme = NULL;
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo (curl, CURLINFO_SCHEME, &scheme);
  gboolean is_file = scheme != NULL && g_ascii_strcasecmp (scheme, "file") == 0;
  gboolean ok = FALSE;
  if (t->too_large || rc == CURLE_FILESIZE_EXCEEDED)
    g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "larger than the limit of %" G_GUINT64_FORMAT " bytes",
                 options->max_size);
  else if (t->write_failed)
    g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "cannot write the cache: %s", g_strerror (errno));
  else if (rc != CURLE_OK)
    g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s", errbuf[0] != '\0' ? errbuf : curl_easy_strerror (rc));
  else if (is_file || status == 200)
    ok = TRUE, *result = FETCH_NEW;
  else if (status == 304 && old != NULL)
    ok = TRUE, *result = FETCH_NOT_MODIFIED;
  else
    g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "HTTP status %ld", status);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
  return ok;
}

/* Download into a temporary file next to list_path, check that it is a
 * list, and rename it over list_path. */
static gboolean
download (VpcFeed *feed, const char *dir, const char *list_path, const Meta *old,
          const VpcFeedOptions *options, FetchResult *result, Meta *now_meta, GError **error)
{
  g_autofree char *tmp_path = g_strdup_printf ("%s/.%s.XXXXXX", dir, feed->name);
  int fd = g_mkstemp_full (tmp_path, O_RDWR, 0644);
  if (fd < 0)
    return g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", tmp_path, g_strerror (errno)),
           FALSE;
  Transfer t = { .out = fdopen (fd, "w"), .max_size = options->max_size };
  if (t.out == NULL)
    {
      close (fd);
      g_unlink (tmp_path);
      return g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", tmp_path, g_strerror (errno)),
             FALSE;
    }
  gboolean ok = fetch (feed, old, options, &t, result, error);
  if (fclose (t.out) != 0 && ok)
    ok = (g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", tmp_path, g_strerror (errno)), FALSE);
  if (ok && *result == FETCH_NEW)
    {
      /* An error page served as 200 must not replace a good copy. */
      g_autofree char *text = NULL;
      gsize len = 0;
      ok = g_file_get_contents (tmp_path, &text, &len, error);
      VpcFeed probe = { .format = feed->format, .severity = feed->severity };
      if (ok)
        vpc_feed_parse (&probe, 0, text, len, NULL);
      if (ok && probe.entries == 0 && probe.garbage > 0)
        ok = (g_set_error (error, VPC_ERROR, VPC_ERROR_IO,
                           "not a %s list: no entry in %" G_GUINT64_FORMAT " lines",
                           vpc_feed_format_name (feed->format), probe.garbage),
              FALSE);
      if (ok && g_rename (tmp_path, list_path) != 0)
        ok = (g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", list_path, g_strerror (errno)),
              FALSE);
    }
  if (!ok || *result != FETCH_NEW)
    g_unlink (tmp_path);
  now_meta->etag = g_steal_pointer (&t.etag);
  now_meta->last_modified = g_steal_pointer (&t.last_modified);
  g_free (t.etag);
  g_free (t.last_modified);
  return ok;
}

void
vpc_feed_cache_update (VpcFeed *feed, const char *dir, const VpcFeedOptions *options, gint64 now)
{
  g_autofree char *list_path = g_strdup_printf ("%s/%s.list", dir, feed->name);
  g_autofree char *meta_path = g_strdup_printf ("%s/%s.meta", dir, feed->name);
  g_auto (Meta) old = { 0 };
  /* A copy is usable when it is there and was fetched from this url. */
  gboolean have = meta_read (meta_path, &old) && g_strcmp0 (old.url, feed->url) == 0
                  && g_file_test (list_path, G_FILE_TEST_IS_REGULAR);
  g_clear_pointer (&feed->error, g_free);
  feed->age = have ? MAX (0, now - old.checked_at) : -1;
  if (options->offline)
    {
      feed->state = have ? VPC_FEED_CACHED : VPC_FEED_MISSING;
      if (!have)
        feed->error = g_strdup ("offline, and no cached copy");
      return;
    }
  if (have && !options->force && now >= old.checked_at && now - old.checked_at < feed->min_interval)
    {
      feed->state = VPC_FEED_FRESH;
      return;
    }

  FetchResult result = FETCH_NEW;
  g_auto (Meta) got = { 0 };
  g_autoptr (GError) error = NULL;
  if (!download (feed, dir, list_path, have ? &old : NULL, options, &result, &got, &error))
    {
      feed->state = have ? VPC_FEED_CACHED : VPC_FEED_MISSING;
      feed->error = g_strdup (error->message);
      return;
    }
  g_auto (Meta) meta = { 0 };
  meta.url = g_strdup (feed->url);
  meta.checked_at = now;
  if (result == FETCH_NOT_MODIFIED)
    {
      feed->state = VPC_FEED_NOT_MODIFIED;
      /* A 304 may repeat the validators; keep the old ones otherwise. */
      meta.etag = g_strdup (got.etag != NULL ? got.etag : old.etag);
      meta.last_modified = g_strdup (got.last_modified != NULL ? got.last_modified : old.last_modified);
      meta.downloaded_at = old.downloaded_at;
    }
  else
    {
      feed->state = VPC_FEED_FETCHED;
      meta.etag = g_steal_pointer (&got.etag);
      meta.last_modified = g_steal_pointer (&got.last_modified);
      meta.downloaded_at = now;
    }
  feed->age = 0;
  if (!meta_write (meta_path, &meta, &error))
    feed->error = g_strdup (error->message); /* the copy is used; the next run fetches again */
}
