/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Public threat feeds: the feed list (GKeyFile), polite download with libcurl into an on-disk cache, parsing into a VpcThreatDb. */
#pragma once

#include <glib.h>

#include "threat.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

typedef enum {
  VPC_FEED_FORMAT_PLAIN,        /* one address or CIDR per line; '#' ';' comments; extra columns ignored */
  VPC_FEED_FORMAT_SPAMHAUS_JSON,/* Spamhaus DROP JSON lines: {"cidr": "...", "sblid": ...} */
  VPC_FEED_FORMAT_DSHIELD,      /* DShield block.txt: start end netblock-bits ... */
} VpcFeedFormat;

/* What happened to a feed in vpc_feeds_update(). */
typedef enum {
  VPC_FEED_DISABLED,     /* enabled=false: not fetched, not used */
  VPC_FEED_FETCHED,      /* downloaded now (200) */
  VPC_FEED_NOT_MODIFIED, /* 304: the cached copy is current */
  VPC_FEED_FRESH,        /* fetched less than min-interval ago: not asked */
  VPC_FEED_CACHED,       /* fetch failed or --offline: the last good copy is used */
  VPC_FEED_MISSING,      /* no copy at all: not used */
} VpcFeedState;

typedef struct {
  char *name;            /* the group name */
  char *url;             /* http(s):// or file:// */
  VpcFeedFormat format;
  VpcSeverity severity;
  guint min_interval;    /* seconds between two requests */
  gboolean enabled;
  char *description;
  /* after vpc_feeds_update() and vpc_feeds_build_db(): */
  VpcFeedState state;
  char *error;           /* why the fetch failed (CACHED, MISSING), or NULL */
  gint64 age;            /* seconds since the copy in use was downloaded or last
                            confirmed current by a 304 (-1: no copy) */
  guint64 entries;       /* addresses or blocks added */
  guint64 garbage;       /* lines that are neither an entry nor a comment (skipped) */
  guint64 special;       /* entries in private or reserved space (skipped) */
  guint64 too_wide;      /* entries wider than VPC_FEED_WIDEST_V4 / _V6 (refused) */
  guint64 over_limit;    /* entries refused: the feeds together reached max_entries */
} VpcFeed;

/* The widest entry a feed may list: a /8 (IPv4) or a /16 (IPv6).  A feed
 * serving 0.0.0.0/0 would otherwise flag every address; wider entries are
 * refused and counted as too_wide. */
#define VPC_FEED_WIDEST_V4 8
#define VPC_FEED_WIDEST_V6 16

typedef struct {
  const char *cache_dir;   /* NULL: g_get_user_cache_dir()/vpc2ipfix/feeds */
  gboolean offline;        /* never connect: use the cache only */
  gboolean force;          /* ignore min-interval */
  guint64 max_size;        /* bytes; a larger download fails (the cached copy stays) */
  guint timeout;           /* seconds for one download, connection included */
  guint connect_timeout;   /* seconds */
  guint deadline;          /* seconds for all the downloads together (they run at once) */
  guint64 max_entries;     /* entries of all the feeds together; more are refused */
  /* Called while the downloads run (at least once a second), or NULL:
   * "feeds: 3 of 8 loaded, 5 downloading, 80 s left". */
  void (*progress) (gpointer data, const char *text);
  gpointer progress_data;
} VpcFeedOptions;

/* Feed memory in total: 2,000,000 entries take about 100 MiB (the ranges
 * and their sorted copy); a feed's text is read one at a time (max_size). */
#define VPC_FEED_DEFAULT_MAX_ENTRIES 2000000

#define VPC_FEED_OPTIONS_INIT \
  { .max_size = 64u << 20, .timeout = 60, .connect_timeout = 10, .deadline = 90, \
    .max_entries = VPC_FEED_DEFAULT_MAX_ENTRIES }

typedef struct VpcFeeds VpcFeeds;

/* "plain", "spamhaus-json", "dshield"; and back (FALSE for another word). */
const char *vpc_feed_format_name (VpcFeedFormat format);
gboolean vpc_feed_format_parse (const char *text, VpcFeedFormat *format);

/* The feed list used without --feeds: g_get_user_config_dir()/vpc2ipfix/feeds.conf
 * if it exists, else the installed default (pkgdatadir/feeds.conf), else
 * (a build not installed) data/feeds.conf of the source tree. */
char *vpc_feeds_default_path (void);

/* The cache used when options->cache_dir is NULL:
 * g_get_user_cache_dir()/vpc2ipfix/feeds.  In it, per feed NAME: NAME.list
 * (the last good copy) and NAME.meta (a GKeyFile: url, etag, last-modified,
 * downloaded-at, checked-at). */
char *vpc_feeds_default_cache_dir (void);

/* Read the feed list (one group per feed: url, format, severity,
 * min-interval, enabled, description; see data/feeds.conf).  VPC_ERROR_IO
 * when the file cannot be read, VPC_ERROR_USAGE (with file and group) for
 * a bad list: unknown key or value, more than VPC_THREAT_MAX_FEEDS feeds, a
 * group name that is not [A-Za-z0-9][A-Za-z0-9._-]*. */
VpcFeeds *vpc_feeds_load (const char *path, GError **error);
void vpc_feeds_free (VpcFeeds *feeds);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcFeeds, vpc_feeds_free)

guint vpc_feeds_get_count (const VpcFeeds *feeds);
VpcFeed *vpc_feeds_get (VpcFeeds *feeds, guint index);

/* Bring every enabled feed's cached copy up to date, politely
 * (conditional requests with ETag and If-Modified-Since, min-interval,
 * max_size, timeouts; written atomically; the last good copy kept when a
 * download fails).  A feed that fails is not an error: its state says
 * what was used.  FALSE only when the cache cannot be used at all. */
gboolean vpc_feeds_update (VpcFeeds *feeds, const VpcFeedOptions *options, GError **error);

/* Why the cache directory could not be used (this run's downloads then
 * went to a temporary cache, removed by vpc_feeds_free()), or NULL. */
const char *vpc_feeds_get_cache_warning (const VpcFeeds *feeds);

/* Parse every usable copy (states FETCHED, NOT_MODIFIED, FRESH, CACHED:
 * call vpc_feeds_update() first, with offline for the cache only) into a
 * new table (built); sets each feed's entries, garbage and special.  Feed
 * i is bit i.  A copy that cannot be read makes its feed MISSING. */
VpcThreatDb *vpc_feeds_build_db (VpcFeeds *feeds, const VpcFeedOptions *options, GError **error);

/* Parse one feed's text (feed->format) into db (not built yet) as feed
 * number bit with feed->severity; sets feed->entries, garbage, special and
 * too_wide.
 * With db NULL only counts (entries then includes special ones). */
void vpc_feed_parse (VpcFeed *feed, guint bit, const char *data, gsize len, VpcThreatDb *db);

/* "disabled", "fetched", "not-modified", "fresh", "cached", "missing". */
const char *vpc_feed_state_name (VpcFeedState state);

G_END_DECLS
