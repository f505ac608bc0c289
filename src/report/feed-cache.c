/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The threat-feed cache: polite conditional downloads with libcurl, the last good copy kept. */
#include "config.h"

#include "feed-cache.h"

#include <arpa/inet.h>
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

/* One feed's download, from its decision to its result. */
typedef struct {
  VpcFeed *feed;
  char *list_path, *meta_path, *tmp_path;
  Meta old;
  gboolean have;          /* a usable copy is cached */
  Transfer t;
  CURL *curl;
  struct curl_slist *headers;
  char errbuf[CURL_ERROR_SIZE];
  CURLcode rc;
  gboolean done;          /* the transfer ended (rc is set) */
  guint requests;         /* requests sent (the first: the feed's URL) */
  char *first_ip;         /* the address the feed's URL connected to */
  char *refused;          /* why a redirect was refused, or NULL */
} Job;

/* ---- redirects to loopback, link-local or private addresses ---------------- */

VpcFeedAddressKind
vpc_feed_address_kind (const char *address)
{
  const char *test_public = g_getenv ("VPC_REPORT_TEST_PUBLIC");
  if (test_public != NULL)
    {
      g_auto (GStrv) list = g_strsplit (test_public, ",", -1);
      for (guint i = 0; list[i] != NULL; i++)
        if (strcmp (g_strstrip (list[i]), address) == 0)
          return VPC_FEED_ADDRESS_PUBLIC;
    }
  guint8 b[16];
  if (inet_pton (AF_INET6, address, b) == 1)
    {
      static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
      if (memcmp (b, mapped, 12) != 0)
        {
          static const guint8 zero[16] = { 0 };
          static const guint8 one[16] = { [15] = 1 };
          if (memcmp (b, one, 16) == 0)
            return VPC_FEED_ADDRESS_LOOPBACK;
          if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
            return VPC_FEED_ADDRESS_LINK_LOCAL;
          if ((b[0] & 0xfe) == 0xfc || memcmp (b, zero, 16) == 0)
            return VPC_FEED_ADDRESS_PRIVATE;
          return VPC_FEED_ADDRESS_PUBLIC;
        }
      memmove (b, b + 12, 4); /* IPv4-mapped: the IPv4 address decides */
    }
  else if (inet_pton (AF_INET, address, b) != 1)
    return VPC_FEED_ADDRESS_PRIVATE;
  if (b[0] == 127)
    return VPC_FEED_ADDRESS_LOOPBACK;
  if (b[0] == 169 && b[1] == 254)
    return VPC_FEED_ADDRESS_LINK_LOCAL;
  if (b[0] == 10 || b[0] == 0 || (b[0] == 172 && (b[1] & 0xf0) == 16)
      || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (b[1] & 0xc0) == 64))
    return VPC_FEED_ADDRESS_PRIVATE;
  return VPC_FEED_ADDRESS_PUBLIC;
}

const char *
vpc_feed_address_kind_name (VpcFeedAddressKind kind)
{
  switch (kind)
    {
    case VPC_FEED_ADDRESS_LOOPBACK:
      return "loopback";
    case VPC_FEED_ADDRESS_LINK_LOCAL:
      return "link-local";
    case VPC_FEED_ADDRESS_PRIVATE:
      return "private";
    case VPC_FEED_ADDRESS_PUBLIC:
    default:
      return "public";
    }
}

gboolean
vpc_feed_redirect_allowed (const char *configured_ip, const char *target_ip)
{
  VpcFeedAddressKind target = vpc_feed_address_kind (target_ip);
  return target == VPC_FEED_ADDRESS_PUBLIC || target == vpc_feed_address_kind (configured_ip);
}

#if LIBCURL_VERSION_NUM >= 0x075000 /* 7.80.0: CURLOPT_PREREQFUNCTION */
/* Each request, once connected (or a connection reused), before it is sent. */
static int
on_prereq (void *data, char *primary_ip, char *local_ip, int primary_port, int local_port)
{
  Job *job = data;
  if (job->requests++ == 0)
    {
      job->first_ip = g_strdup (primary_ip);
      return CURL_PREREQFUNC_OK;
    }
  if (vpc_feed_redirect_allowed (job->first_ip, primary_ip))
    return CURL_PREREQFUNC_OK;
  g_free (job->refused);
  job->refused = g_strdup_printf ("a redirect to %s, a %s address, refused (the feed's URL is "
                                  "on %s, a %s one)",
                                  primary_ip,
                                  vpc_feed_address_kind_name (vpc_feed_address_kind (primary_ip)),
                                  job->first_ip,
                                  vpc_feed_address_kind_name (vpc_feed_address_kind (job->first_ip)));
  return CURL_PREREQFUNC_ABORT;
}
#endif

static void
job_free (gpointer data)
{
  Job *job = data;
  if (job->curl != NULL)
    curl_easy_cleanup (job->curl);
  curl_slist_free_all (job->headers);
  if (job->t.out != NULL)
    fclose (job->t.out);
  if (job->tmp_path != NULL)
    g_unlink (job->tmp_path);
  g_free (job->tmp_path);
  g_free (job->first_ip);
  g_free (job->refused);
  g_free (job->list_path);
  g_free (job->meta_path);
  meta_clear (&job->old);
  g_free (job->t.etag);
  g_free (job->t.last_modified);
  g_free (job);
}

static void
feed_fails (VpcFeed *feed, gboolean have, const char *why)
{
  feed->state = have ? VPC_FEED_CACHED : VPC_FEED_MISSING;
  g_free (feed->error);
  feed->error = g_strdup (why);
}

/* Decide what feed needs; a job when it must be downloaded (a temporary
 * file next to its list, a configured transfer), NULL when its state is
 * already settled (offline, fresh, or a failure). */
static Job *
job_new (VpcFeed *feed, const char *dir, const VpcFeedOptions *options, gint64 now)
{
  Job *job = g_new0 (Job, 1);
  job->feed = feed;
  job->list_path = g_strdup_printf ("%s/%s.list", dir, feed->name);
  job->meta_path = g_strdup_printf ("%s/%s.meta", dir, feed->name);
  /* A copy is usable when it is there and was fetched from this url. */
  job->have = meta_read (job->meta_path, &job->old) && g_strcmp0 (job->old.url, feed->url) == 0
              && g_file_test (job->list_path, G_FILE_TEST_IS_REGULAR);
  g_clear_pointer (&feed->error, g_free);
  feed->age = job->have ? MAX (0, now - job->old.checked_at) : -1;
  if (options->offline)
    {
      feed->state = job->have ? VPC_FEED_CACHED : VPC_FEED_MISSING;
      if (!job->have)
        feed->error = g_strdup ("offline, and no cached copy");
      return job_free (job), NULL;
    }
  if (job->have && !options->force && now >= job->old.checked_at
      && now - job->old.checked_at < feed->min_interval)
    {
      feed->state = VPC_FEED_FRESH;
      return job_free (job), NULL;
    }

  job->tmp_path = g_strdup_printf ("%s/.%s.XXXXXX", dir, feed->name);
  int fd = g_mkstemp_full (job->tmp_path, O_RDWR, 0644);
  if (fd < 0 || (job->t.out = fdopen (fd, "w")) == NULL)
    {
      g_autofree char *why = g_strdup_printf ("%s: %s", job->tmp_path, g_strerror (errno));
      if (fd >= 0)
        close (fd);
      if (fd < 0)
        g_clear_pointer (&job->tmp_path, g_free);
      feed_fails (feed, job->have, why);
      return job_free (job), NULL;
    }
  job->t.max_size = options->max_size;
  job->curl = curl_easy_init ();
  if (job->curl == NULL)
    {
      feed_fails (feed, job->have, "cannot start libcurl");
      return job_free (job), NULL;
    }
  const Meta *old = job->have ? &job->old : NULL;
  if (old != NULL && old->etag != NULL)
    {
      g_autofree char *h = g_strdup_printf ("If-None-Match: %s", old->etag);
      job->headers = curl_slist_append (job->headers, h);
    }
  if (old != NULL && old->last_modified != NULL)
    {
      g_autofree char *h = g_strdup_printf ("If-Modified-Since: %s", old->last_modified);
      job->headers = curl_slist_append (job->headers, h);
    }
  CURL *curl = job->curl;
  curl_easy_setopt (curl, CURLOPT_URL, feed->url);
  curl_easy_setopt (curl, CURLOPT_USERAGENT, USER_AGENT);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, job->headers);
  /* Redirects only where each request's address can be checked (above). */
#if LIBCURL_VERSION_NUM >= 0x075000
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt (curl, CURLOPT_PREREQFUNCTION, on_prereq);
  curl_easy_setopt (curl, CURLOPT_PREREQDATA, job);
#else
  curl_easy_setopt (curl, CURLOPT_FOLLOWLOCATION, 0L);
#endif
  curl_easy_setopt (curl, CURLOPT_MAXREDIRS, MAX_REDIRECTS);
  /* Never from https down to http. */
  gboolean https = g_ascii_strncasecmp (feed->url, "https:", 6) == 0;
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https,file");
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
#else
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS, (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS | CURLPROTO_FILE));
  curl_easy_setopt (curl, CURLOPT_REDIR_PROTOCOLS,
                    https ? (long) CURLPROTO_HTTPS : (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, (long) options->timeout);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, (long) options->connect_timeout);
  curl_easy_setopt (curl, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) options->max_size);
  curl_easy_setopt (curl, CURLOPT_ACCEPT_ENCODING, ""); /* whatever libcurl can decode */
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, job->errbuf);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, &job->t);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, &job->t);
  curl_easy_setopt (curl, CURLOPT_PRIVATE, job);
  return job;
}

/* What the ended transfer brought: FALSE with the reason. */
static gboolean
job_result (Job *job, const VpcFeedOptions *options, FetchResult *result, GError **error)
{
  long status = 0;
  char *scheme = NULL;
  curl_easy_getinfo (job->curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo (job->curl, CURLINFO_SCHEME, &scheme);
  gboolean is_file = scheme != NULL && g_ascii_strcasecmp (scheme, "file") == 0;
  int close_errno = 0;
  if (fclose (job->t.out) != 0)
    close_errno = errno;
  job->t.out = NULL;
  if (job->t.too_large || job->rc == CURLE_FILESIZE_EXCEEDED)
    return g_set_error (error, VPC_ERROR, VPC_ERROR_IO,
                        "larger than the limit of %" G_GUINT64_FORMAT " bytes", options->max_size),
           FALSE;
  if (job->t.write_failed || close_errno != 0)
    return g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "cannot write the cache: %s",
                        g_strerror (close_errno != 0 ? close_errno : EIO)),
           FALSE;
  if (job->refused != NULL)
    return g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s", job->refused), FALSE;
  if (job->rc != CURLE_OK)
    return g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s",
                        job->errbuf[0] != '\0' ? job->errbuf : curl_easy_strerror (job->rc)),
           FALSE;
  if (is_file || status == 200)
    {
      *result = FETCH_NEW;
      /* An error page served as 200 must not replace a good copy. */
      g_autofree char *text = NULL;
      gsize len = 0;
      if (!g_file_get_contents (job->tmp_path, &text, &len, error))
        return FALSE;
      VpcFeed probe = { .format = job->feed->format, .severity = job->feed->severity };
      vpc_feed_parse (&probe, 0, text, len, NULL);
      if (probe.entries == 0 && probe.garbage > 0)
        return g_set_error (error, VPC_ERROR, VPC_ERROR_IO,
                            "not a %s list: no entry in %" G_GUINT64_FORMAT " lines",
                            vpc_feed_format_name (job->feed->format), probe.garbage),
               FALSE;
      if (g_rename (job->tmp_path, job->list_path) != 0)
        return g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", job->list_path,
                            g_strerror (errno)),
               FALSE;
      g_clear_pointer (&job->tmp_path, g_free);
      return TRUE;
    }
  if (status == 304 && job->have)
    {
      *result = FETCH_NOT_MODIFIED;
      return TRUE;
    }
  return g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "HTTP status %ld", status), FALSE;
}

/* Settle the feed's state from its ended (or abandoned) job. */
static void
job_finish (Job *job, const VpcFeedOptions *options, gint64 now)
{
  VpcFeed *feed = job->feed;
  FetchResult result = FETCH_NEW;
  g_autoptr (GError) error = NULL;
  if (!job->done)
    {
      g_autofree char *why = g_strdup_printf ("no answer within the deadline of %u s for all "
                                              "feeds",
                                              options->deadline);
      feed_fails (feed, job->have, why);
      return;
    }
  if (!job_result (job, options, &result, &error))
    {
      feed_fails (feed, job->have, error->message);
      return;
    }
  g_auto (Meta) meta = { 0 };
  meta.url = g_strdup (feed->url);
  meta.checked_at = now;
  if (result == FETCH_NOT_MODIFIED)
    {
      feed->state = VPC_FEED_NOT_MODIFIED;
      /* A 304 may repeat the validators; keep the old ones otherwise. */
      meta.etag = g_strdup (job->t.etag != NULL ? job->t.etag : job->old.etag);
      meta.last_modified = g_strdup (job->t.last_modified != NULL ? job->t.last_modified
                                                                  : job->old.last_modified);
      meta.downloaded_at = job->old.downloaded_at;
    }
  else
    {
      feed->state = VPC_FEED_FETCHED;
      meta.etag = g_steal_pointer (&job->t.etag);
      meta.last_modified = g_steal_pointer (&job->t.last_modified);
      meta.downloaded_at = now;
    }
  feed->age = 0;
  if (!meta_write (job->meta_path, &meta, &error))
    feed->error = g_strdup (error->message); /* the copy is used; the next run fetches again */
}

void
vpc_feed_cache_update_all (GPtrArray *feeds, const char *dir, const VpcFeedOptions *options,
                           gint64 now)
{
  curl_init_once ();
  g_autoptr (GPtrArray) jobs = g_ptr_array_new_with_free_func (job_free);
  for (guint i = 0; i < feeds->len; i++)
    {
      Job *job = job_new (feeds->pdata[i], dir, options, now);
      if (job != NULL)
        g_ptr_array_add (jobs, job);
    }
  if (jobs->len == 0)
    return;
  /* Every download at once, under one deadline for all. */
  CURLM *multi = curl_multi_init ();
  for (guint i = 0; i < jobs->len; i++)
    curl_multi_add_handle (multi, ((Job *) jobs->pdata[i])->curl);
  gint64 deadline = g_get_monotonic_time () + (gint64) options->deadline * G_USEC_PER_SEC;
  int running = (int) jobs->len;
  while (running > 0)
    {
      if (options->progress != NULL)
        {
          gint64 left_s = MAX (0, (deadline - g_get_monotonic_time ()) / G_USEC_PER_SEC);
          g_autofree char *text = g_strdup_printf (
              "feeds: %u of %u downloaded, %d downloading, %" G_GINT64_FORMAT " s left",
              jobs->len - (guint) running, jobs->len, running, left_s);
          options->progress (options->progress_data, text);
        }
      if (curl_multi_perform (multi, &running) != CURLM_OK)
        break;
      CURLMsg *msg;
      int queued;
      while ((msg = curl_multi_info_read (multi, &queued)) != NULL)
        if (msg->msg == CURLMSG_DONE)
          {
            Job *job = NULL;
            curl_easy_getinfo (msg->easy_handle, CURLINFO_PRIVATE, (char **) &job);
            job->rc = msg->data.result;
            job->done = TRUE;
          }
      gint64 left = deadline - g_get_monotonic_time ();
      if (running == 0 || left <= 0)
        break;
      curl_multi_poll (multi, NULL, 0, (int) MIN (left / 1000 + 1, 1000), NULL);
    }
  for (guint i = 0; i < jobs->len; i++)
    {
      Job *job = jobs->pdata[i];
      curl_multi_remove_handle (multi, job->curl);
      job_finish (job, options, now);
    }
  curl_multi_cleanup (multi);
}
