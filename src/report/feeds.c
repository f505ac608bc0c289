/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Public threat feeds: the feed list, and the table built from the cached copies (fetching in feed-cache.c, formats in feed-formats.c). */
#include "config.h"

#include "feeds.h"
#include "feed-cache.h"
#include "common/paths.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <string.h>

#define DEFAULT_MIN_INTERVAL 3600

struct VpcFeeds {
  GPtrArray *feeds; /* VpcFeed *, owned */
  char *temporary_cache; /* the cache used instead of an unusable one, removed at the end */
  char *cache_warning;   /* why, or NULL */
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
  if (feeds->temporary_cache != NULL)
    {
      g_autoptr (GDir) d = g_dir_open (feeds->temporary_cache, 0, NULL);
      for (const char *name; d != NULL && (name = g_dir_read_name (d)) != NULL;)
        {
          g_autofree char *path = g_build_filename (feeds->temporary_cache, name, NULL);
          g_remove (path);
        }
      g_rmdir (feeds->temporary_cache);
      g_free (feeds->temporary_cache);
    }
  g_free (feeds->cache_warning);
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

static char *
cache_dir (const VpcFeeds *feeds, const VpcFeedOptions *options)
{
  if (feeds->temporary_cache != NULL)
    return g_strdup (feeds->temporary_cache);
  return options->cache_dir != NULL ? g_strdup (options->cache_dir) : vpc_feeds_default_cache_dir ();
}

const char *
vpc_feeds_get_cache_warning (const VpcFeeds *feeds)
{
  return feeds->cache_warning;
}

gboolean
vpc_feeds_update (VpcFeeds *feeds, const VpcFeedOptions *options, GError **error)
{
  g_autofree char *dir = cache_dir (feeds, options);
  if (!options->offline && feeds->temporary_cache == NULL
      && (g_mkdir_with_parents (dir, 0700) != 0 || access (dir, W_OK | X_OK) != 0))
    {
      /* An unusable cache (read-only, not a directory, no permission) must
       * not cost the report: this run's downloads go to a private
       * temporary directory instead. */
      int saved = errno;
      g_autoptr (GError) local = NULL;
      feeds->temporary_cache = g_dir_make_tmp ("vpc-report-feeds-XXXXXX", &local);
      if (feeds->temporary_cache == NULL)
        return g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "feed cache %s: %s; no temporary "
                                                            "cache either: %s",
                            dir, g_strerror (saved), local->message),
               FALSE;
      g_free (feeds->cache_warning);
      feeds->cache_warning = g_strdup_printf ("feed cache %s cannot be used (%s): this run's "
                                              "downloads are kept in a temporary cache",
                                              dir, g_strerror (saved));
      g_free (dir);
      dir = g_strdup (feeds->temporary_cache);
    }
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr (GPtrArray) enabled = g_ptr_array_new ();
  for (guint i = 0; i < feeds->feeds->len; i++)
    {
      VpcFeed *feed = g_ptr_array_index (feeds->feeds, i);
      if (feed->enabled)
        g_ptr_array_add (enabled, feed);
      else
        feed->state = VPC_FEED_DISABLED;
    }
  vpc_feed_cache_update_all (enabled, dir, options, now);
  return TRUE;
}

VpcThreatDb *
vpc_feeds_build_db (VpcFeeds *feeds, const VpcFeedOptions *options, GError **error)
{
  g_autofree char *dir = cache_dir (feeds, options);
  g_autoptr (VpcThreatDb) db = vpc_threat_db_new ();
  vpc_threat_db_set_max_ranges (db, options->max_entries);
  for (guint i = 0; i < feeds->feeds->len; i++)
    {
      VpcFeed *feed = g_ptr_array_index (feeds->feeds, i);
      feed->entries = feed->garbage = feed->special = feed->too_wide = feed->over_limit = 0;
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
