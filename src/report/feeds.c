/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Public threat feeds: the feed list, polite downloads with libcurl into an on-disk cache, parsing into a VpcThreatDb. */
#include "config.h"

#include "feeds.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#define USER_AGENT "vpc2ipfix-report/" PACKAGE_VERSION
#define MAX_REDIRECTS 5L
#define DEFAULT_MIN_INTERVAL 3600

struct VpcFeeds {
  GPtrArray *feeds; /* VpcFeed *, owned */
};

/* ---- names ------------------------------------------------------------------ */

static const char *const format_names[] = { "plain", "spamhaus-json", "dshield" };
static const char *const state_names[] = { "disabled", "fetched", "not-modified",
                                           "fresh", "cached", "missing" };

const char *
vpc_feed_format_name (VpcFeedFormat format)
{
  return (guint) format < G_N_ELEMENTS (format_names) ? format_names[format] : "?";
}

gboolean
vpc_feed_format_parse (const char *text, VpcFeedFormat *format)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_names); i++)
    if (g_ascii_strcasecmp (text, format_names[i]) == 0)
      {
        *format = (VpcFeedFormat) i;
        return TRUE;
      }
  return FALSE;
}

const char *
vpc_feed_state_name (VpcFeedState state)
{
  return (guint) state < G_N_ELEMENTS (state_names) ? state_names[state] : "?";
}

char *
vpc_feeds_default_path (void)
{
  char *user = g_build_filename (g_get_user_config_dir (), "vpc2ipfix", "feeds.conf", NULL);
  if (g_file_test (user, G_FILE_TEST_EXISTS))
    return user;
  g_free (user);
  char *installed = g_build_filename (PKGDATADIR, "feeds.conf", NULL);
  if (g_file_test (installed, G_FILE_TEST_EXISTS))
    return installed;
  g_free (installed);
  /* Not installed: the list of the source tree it was built from. */
  return g_build_filename (SRCDATADIR, "feeds.conf", NULL);
}

char *
vpc_feeds_default_cache_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "vpc2ipfix", "feeds", NULL);
}

/* ---- the feed list ------------------------------------------------------------ */

static void
feed_free (gpointer data)
{
  VpcFeed *feed = data;
  g_free (feed->name);
  g_free (feed->url);
  g_free (feed->description);
  g_free (feed->error);
  g_free (feed);
}

void
vpc_feeds_free (VpcFeeds *feeds)
{
  if (feeds == NULL)
    return;
  g_ptr_array_unref (feeds->feeds);
  g_free (feeds);
}

guint
vpc_feeds_get_count (const VpcFeeds *feeds)
{
  return feeds->feeds->len;
}

VpcFeed *
vpc_feeds_get (VpcFeeds *feeds, guint index)
{
  g_return_val_if_fail (index < feeds->feeds->len, NULL);
  return g_ptr_array_index (feeds->feeds, index);
}

/* The name becomes a file name in the cache. */
static gboolean
name_is_valid (const char *name)
{
  if (!g_ascii_isalnum (name[0]) || strlen (name) > 64)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

/* Seconds, optionally with a unit: 90, 90s, 30m, 6h, 1d. */
static gboolean
parse_interval (const char *text, guint *seconds)
{
  char *end = NULL;
  errno = 0;
  guint64 v = g_ascii_strtoull (text, &end, 10);
  if (end == text || errno != 0 || !g_ascii_isdigit (text[0]))
    return FALSE;
  guint64 unit = 1;
  if (*end != '\0')
    {
      switch (*end++)
        {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        default: return FALSE;
        }
      if (*end != '\0')
        return FALSE;
    }
  if (v > G_MAXUINT / unit)
    return FALSE;
  *seconds = (guint) (v * unit);
  return TRUE;
}

static const char *const known_keys[] = { "url", "format", "severity", "min-interval",
                                          "enabled", "description" };

static gboolean
load_feed (GKeyFile *kf, const char *path, const char *group, VpcFeed *feed, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      gboolean known = FALSE;
      for (guint k = 0; k < G_N_ELEMENTS (known_keys); k++)
        known = known || strcmp (keys[i], known_keys[k]) == 0;
      if (!known)
        return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "%s: [%s]: unknown key \"%s\"",
                            path, group, keys[i]),
               FALSE;
    }
  if (!name_is_valid (group))
    return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                        "%s: [%s]: a feed name is letters, digits, '.', '_' and '-'", path, group),
           FALSE;

  feed->url = g_key_file_get_string (kf, group, "url", NULL);
  if (feed->url == NULL
      || !(g_str_has_prefix (feed->url, "http://") || g_str_has_prefix (feed->url, "https://")
           || g_str_has_prefix (feed->url, "file://")))
    return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                        "%s: [%s]: url missing or not http://, https:// or file://", path, group),
           FALSE;

  g_autofree char *format = g_key_file_get_string (kf, group, "format", NULL);
  feed->format = VPC_FEED_FORMAT_PLAIN;
  if (format != NULL && !vpc_feed_format_parse (format, &feed->format))
    return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                        "%s: [%s]: format \"%s\" is not plain, spamhaus-json or dshield", path,
                        group, format),
           FALSE;

  g_autofree char *severity = g_key_file_get_string (kf, group, "severity", NULL);
  feed->severity = VPC_SEVERITY_MEDIUM;
  if (severity != NULL && !vpc_severity_parse (severity, &feed->severity))
    return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                        "%s: [%s]: severity \"%s\" is not info, low, medium or high", path,
                        group, severity),
           FALSE;

  g_autofree char *interval = g_key_file_get_string (kf, group, "min-interval", NULL);
  feed->min_interval = DEFAULT_MIN_INTERVAL;
  if (interval != NULL && !parse_interval (interval, &feed->min_interval))
    return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                        "%s: [%s]: min-interval \"%s\" is not seconds (or a number with s, m, h, d)",
                        path, group, interval),
           FALSE;

  feed->enabled = TRUE;
  if (g_key_file_has_key (kf, group, "enabled", NULL))
    {
      feed->enabled = g_key_file_get_boolean (kf, group, "enabled", &local);
      if (local != NULL)
        return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                            "%s: [%s]: enabled is not true or false", path, group),
               FALSE;
    }
  feed->description = g_key_file_get_string (kf, group, "description", NULL);
  feed->state = feed->enabled ? VPC_FEED_MISSING : VPC_FEED_DISABLED;
  feed->age = -1;
  return TRUE;
}

VpcFeeds *
vpc_feeds_load (const char *path, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) local = NULL;
  if (!g_key_file_load_from_file (kf, path, G_KEY_FILE_NONE, &local))
    {
      gboolean io = local->domain == G_FILE_ERROR;
      g_set_error (error, VPC_ERROR, io ? VPC_ERROR_IO : VPC_ERROR_USAGE, "%s: %s", path,
                   local->message);
      return NULL;
    }
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  if (g_strv_length (groups) > VPC_THREAT_MAX_FEEDS)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "%s: more than %d feeds", path,
                   VPC_THREAT_MAX_FEEDS);
      return NULL;
    }
  g_autoptr (VpcFeeds) feeds = g_new0 (VpcFeeds, 1);
  feeds->feeds = g_ptr_array_new_with_free_func (feed_free);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      VpcFeed *feed = g_new0 (VpcFeed, 1);
      feed->name = g_strdup (groups[i]);
      g_ptr_array_add (feeds->feeds, feed);
      if (!load_feed (kf, path, groups[i], feed, error))
        return NULL;
    }
  return g_steal_pointer (&feeds);
}

/* ---- parsing ---------------------------------------------------------------- */

static gboolean
parse_addr (const char *s, gsize len, VpcAddr *out)
{
  char buf[INET6_ADDRSTRLEN + 1];
  if (len == 0 || len >= sizeof buf)
    return FALSE;
  memcpy (buf, s, len);
  buf[len] = '\0';
  memset (out, 0, sizeof *out);
  if (memchr (s, ':', len) != NULL)
    {
      out->family = 6;
      return inet_pton (AF_INET6, buf, out->bytes) == 1;
    }
  out->family = 4;
  return inet_pton (AF_INET, buf, out->bytes) == 1;
}

/* "ADDR", "ADDR/BITS" (host bits ignored) or "ADDR-ADDR" -> first..last. */
static gboolean
parse_entry (const char *s, gsize len, VpcAddr *first, VpcAddr *last)
{
  const char *slash = memchr (s, '/', len);
  const char *dash = memchr (s, '-', len);
  if (dash != NULL && slash == NULL)
    return parse_addr (s, (gsize) (dash - s), first)
           && parse_addr (dash + 1, len - (gsize) (dash - s) - 1, last)
           && first->family == last->family && memcmp (first->bytes, last->bytes, 16) <= 0;
  if (!parse_addr (s, slash != NULL ? (gsize) (slash - s) : len, first))
    return FALSE;
  *last = *first;
  if (slash == NULL)
    return TRUE;
  gsize digits = len - (gsize) (slash - s) - 1;
  guint width = first->family == 4 ? 32 : 128, bits = 0;
  if (digits == 0 || digits > 3)
    return FALSE;
  for (gsize i = 1; i <= digits; i++)
    {
      if (!g_ascii_isdigit (slash[i]))
        return FALSE;
      bits = bits * 10 + (guint) (slash[i] - '0');
    }
  if (bits > width)
    return FALSE;
  for (guint b = bits; b < width; b++)
    {
      first->bytes[b / 8] &= (guint8) ~(0x80u >> (b % 8));
      last->bytes[b / 8] |= (guint8) (0x80u >> (b % 8));
    }
  return TRUE;
}

static void
add_entry (VpcFeed *feed, guint bit, VpcThreatDb *db, const VpcAddr *first, const VpcAddr *last)
{
  if (db == NULL || vpc_threat_db_add_range (db, bit, feed->severity, first, last) > 0)
    feed->entries++;
  else
    feed->special++;
}

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Plain: the first word of a line (up to white space, ',', ';' or '#'). */
static void
parse_plain_line (VpcFeed *feed, guint bit, const char *p, const char *end, VpcThreatDb *db)
{
  if (*p == '#' || *p == ';')
    return;
  const char *w = p;
  while (w < end && !is_space (*w) && *w != ',' && *w != ';' && *w != '#')
    w++;
  VpcAddr first, last;
  if (parse_entry (p, (gsize) (w - p), &first, &last))
    add_entry (feed, bit, db, &first, &last);
  else
    feed->garbage++;
}

/* DShield block.txt: "start end bits ..." after comments and a "Start" header. */
static void
parse_dshield_line (VpcFeed *feed, guint bit, const char *p, const char *end, VpcThreatDb *db)
{
  if (*p == '#' || (end - p >= 5 && g_ascii_strncasecmp (p, "start", 5) == 0
                    && (end - p == 5 || is_space (p[5]))))
    return;
  const char *w1 = p;
  while (w1 < end && !is_space (*w1))
    w1++;
  const char *s2 = w1;
  while (s2 < end && is_space (*s2))
    s2++;
  const char *w2 = s2;
  while (w2 < end && !is_space (*w2))
    w2++;
  VpcAddr first, last;
  if (parse_addr (p, (gsize) (w1 - p), &first) && parse_addr (s2, (gsize) (w2 - s2), &last)
      && first.family == last.family && memcmp (first.bytes, last.bytes, 16) <= 0)
    add_entry (feed, bit, db, &first, &last);
  else
    feed->garbage++;
}

/* Spamhaus DROP JSON lines: {"cidr":"1.2.3.0/24","sblid":...}; the last
 * line is {"type":"metadata",...}. */
static void
parse_spamhaus_line (VpcFeed *feed, guint bit, const char *p, const char *end, VpcThreatDb *db)
{
  g_autofree char *text = g_strndup (p, (gsize) (end - p));
  yajl_val root = yajl_tree_parse (text, NULL, 0);
  if (root == NULL || !YAJL_IS_OBJECT (root))
    {
      feed->garbage++;
      yajl_tree_free (root);
      return;
    }
  const char *cidr_path[] = { "cidr", NULL };
  const char *type_path[] = { "type", NULL };
  yajl_val cidr = yajl_tree_get (root, cidr_path, yajl_t_string);
  VpcAddr first, last;
  if (cidr != NULL)
    {
      const char *s = YAJL_GET_STRING (cidr);
      if (parse_entry (s, strlen (s), &first, &last))
        add_entry (feed, bit, db, &first, &last);
      else
        feed->garbage++;
    }
  else if (yajl_tree_get (root, type_path, yajl_t_string) == NULL)
    feed->garbage++;
  yajl_tree_free (root);
}

void
vpc_feed_parse (VpcFeed *feed, guint bit, const char *data, gsize len, VpcThreatDb *db)
{
  feed->entries = feed->garbage = feed->special = 0;
  const char *p = data, *end = data + len;
  if (len >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0) /* a UTF-8 byte order mark */
    p += 3;
  while (p < end)
    {
      const char *eol = memchr (p, '\n', (gsize) (end - p));
      if (eol == NULL)
        eol = end;
      const char *s = p, *e = eol;
      p = eol + 1;
      while (s < e && is_space (*s))
        s++;
      while (e > s && is_space (e[-1]))
        e--;
      if (s == e)
        continue;
      switch (feed->format)
        {
        case VPC_FEED_FORMAT_PLAIN: parse_plain_line (feed, bit, s, e, db); break;
        case VPC_FEED_FORMAT_DSHIELD: parse_dshield_line (feed, bit, s, e, db); break;
        case VPC_FEED_FORMAT_SPAMHAUS_JSON: parse_spamhaus_line (feed, bit, s, e, db); break;
        }
    }
}

/* ---- the cache ---------------------------------------------------------------- */

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
static char *
header_value (const char *line, gsize len, const char *name)
{
  gsize n = strlen (name);
  if (len <= n || g_ascii_strncasecmp (line, name, n) != 0 || line[n] != ':')
    return NULL;
  g_autofree char *v = g_strndup (line + n + 1, len - n - 1);
  return g_strdup (g_strstrip (v));
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

static void
update_feed (VpcFeed *feed, const char *dir, const VpcFeedOptions *options, gint64 now)
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

static char *
cache_dir (const VpcFeedOptions *options)
{
  return options->cache_dir != NULL ? g_strdup (options->cache_dir) : vpc_feeds_default_cache_dir ();
}

gboolean
vpc_feeds_update (VpcFeeds *feeds, const VpcFeedOptions *options, GError **error)
{
  g_autofree char *dir = cache_dir (options);
  if (!options->offline && g_mkdir_with_parents (dir, 0700) != 0)
    return g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "feed cache %s: %s", dir, g_strerror (errno)),
           FALSE;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  for (guint i = 0; i < feeds->feeds->len; i++)
    {
      VpcFeed *feed = g_ptr_array_index (feeds->feeds, i);
      if (!feed->enabled)
        {
          feed->state = VPC_FEED_DISABLED;
          continue;
        }
      update_feed (feed, dir, options, now);
    }
  return TRUE;
}

VpcThreatDb *
vpc_feeds_build_db (VpcFeeds *feeds, const VpcFeedOptions *options, GError **error)
{
  g_autofree char *dir = cache_dir (options);
  g_autoptr (VpcThreatDb) db = vpc_threat_db_new ();
  for (guint i = 0; i < feeds->feeds->len; i++)
    {
      VpcFeed *feed = g_ptr_array_index (feeds->feeds, i);
      feed->entries = feed->garbage = feed->special = 0;
      if (feed->state == VPC_FEED_DISABLED || feed->state == VPC_FEED_MISSING)
        continue;
      g_autofree char *list_path = g_strdup_printf ("%s/%s.list", dir, feed->name);
      g_autofree char *text = NULL;
      gsize len = 0;
      g_autoptr (GError) local = NULL;
      if (!g_file_get_contents (list_path, &text, &len, &local))
        {
          feed->state = VPC_FEED_MISSING;
          g_free (feed->error);
          feed->error = g_strdup (local->message);
          feed->age = -1;
          continue;
        }
      vpc_feed_parse (feed, i, text, len, db);
    }
  vpc_threat_db_build (db);
  return g_steal_pointer (&db);
}
