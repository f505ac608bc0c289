/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for feeds.c: the feed list, the three list formats, the cache and its states through file:// URLs. */
#include "config.h"

#include <arpa/inet.h>
#include <glib/gstdio.h>
#include <string.h>

#include "report/feed-cache.h"
#include "report/feeds.h"

/* ---- helpers ------------------------------------------------------------------ */

typedef struct {
  char *dir;
} Fixture;

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_dir_close (dir);
    }
  g_remove (path);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("vpc-feeds-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  remove_tree (f->dir);
  g_free (f->dir);
}

static char *
write_file (const char *dir, const char *name, const char *text)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static VpcAddr
addr (const char *text)
{
  VpcAddr a = { .family = strchr (text, ':') != NULL ? 6 : 4 };
  g_assert_cmpint (inet_pton (a.family == 6 ? AF_INET6 : AF_INET, text, a.bytes), ==, 1);
  return a;
}

static guint64
lookup (const VpcThreatDb *db, const char *text, VpcSeverity *severity)
{
  VpcAddr a = addr (text);
  VpcThreatMatch m;
  if (!vpc_threat_db_lookup (db, &a, &m))
    return 0;
  if (severity != NULL)
    *severity = m.severity;
  return m.feeds;
}

/* Parse text as a feed of format into a fresh table (feed bit 0, severity high). */
static VpcThreatDb *
parse (VpcFeedFormat format, const char *text, VpcFeed *feed)
{
  memset (feed, 0, sizeof *feed);
  feed->format = format;
  feed->severity = VPC_SEVERITY_HIGH;
  VpcThreatDb *db = vpc_threat_db_new ();
  vpc_feed_parse (feed, 0, text, strlen (text), db);
  vpc_threat_db_build (db);
  return db;
}

/* ---- the feed list -------------------------------------------------------------- */

static void
test_default_list (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "feeds.conf", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VpcFeeds) feeds = vpc_feeds_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vpc_feeds_get_count (feeds), ==, 11);
  const char *want[] = { "spamhaus-drop-v4", "spamhaus-drop-v6", "feodo-tracker", "et-compromised",
                         "blocklist-de", "cins-army", "dshield", "tor-exits",
                         "firehol-level1", "firehol-level2", "firehol-level3" };
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      VpcFeed *feed = vpc_feeds_get (feeds, i);
      g_assert_cmpstr (feed->name, ==, want[i]);
      g_assert_true (g_str_has_prefix (feed->url, "https://"));
      g_assert_nonnull (feed->description);
      g_assert_cmpuint (feed->min_interval, >=, 3600);
      /* Only the FireHOL lists are off by default. */
      g_assert_cmpint (feed->enabled, ==, !g_str_has_prefix (feed->name, "firehol-"));
      g_assert_cmpint (feed->state, ==, feed->enabled ? VPC_FEED_MISSING : VPC_FEED_DISABLED);
      g_assert_cmpint (feed->age, ==, -1);
    }
  g_assert_cmpint (vpc_feeds_get (feeds, 0)->format, ==, VPC_FEED_FORMAT_SPAMHAUS_JSON);
  g_assert_cmpstr (vpc_feeds_get (feeds, 0)->url, ==, "https://www.spamhaus.org/drop/drop_v4.json");
  g_assert_cmpint (vpc_feeds_get (feeds, 0)->severity, ==, VPC_SEVERITY_HIGH);
  g_assert_cmpint (vpc_feeds_get (feeds, 6)->format, ==, VPC_FEED_FORMAT_DSHIELD);
  g_assert_cmpint (vpc_feeds_get (feeds, 7)->severity, ==, VPC_SEVERITY_INFO);
  g_assert_cmpint (vpc_feeds_get (feeds, 2)->format, ==, VPC_FEED_FORMAT_PLAIN);
}

static void
test_list_values (Fixture *f, gconstpointer data)
{
  g_autofree char *path = write_file (f->dir, "feeds.conf",
                                      "[a]\nurl=file:///nonexistent\n"
                                      "[b.2_x-y]\nurl=http://127.0.0.1:1/x\nformat=DShield\n"
                                      "severity=low\nmin-interval=90\nenabled=false\n"
                                      "[c]\nurl=https://example.org/c\nmin-interval=2d\n"
                                      "[d]\nurl=https://example.org/d\nmin-interval=30m\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (VpcFeeds) feeds = vpc_feeds_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (vpc_feeds_get_count (feeds), ==, 4);
  VpcFeed *a = vpc_feeds_get (feeds, 0), *b = vpc_feeds_get (feeds, 1);
  /* Defaults: plain, medium, 1 h, enabled. */
  g_assert_cmpint (a->format, ==, VPC_FEED_FORMAT_PLAIN);
  g_assert_cmpint (a->severity, ==, VPC_SEVERITY_MEDIUM);
  g_assert_cmpuint (a->min_interval, ==, 3600);
  g_assert_true (a->enabled);
  g_assert_null (a->description);
  g_assert_cmpint (b->format, ==, VPC_FEED_FORMAT_DSHIELD);
  g_assert_cmpint (b->severity, ==, VPC_SEVERITY_LOW);
  g_assert_cmpuint (b->min_interval, ==, 90);
  g_assert_false (b->enabled);
  g_assert_cmpuint (vpc_feeds_get (feeds, 2)->min_interval, ==, 2 * 86400);
  g_assert_cmpuint (vpc_feeds_get (feeds, 3)->min_interval, ==, 1800);
}

static void
test_list_errors (Fixture *f, gconstpointer data)
{
  static const struct {
    const char *text, *message;
  } bad[] = {
    { "[a]\nurl=http://x/\nmin_interval=5\n", "[a]: unknown key \"min_interval\"" },
    { "[a]\nformat=plain\n", "[a]: url missing" },
    { "[a]\nurl=ftp://x/\n", "[a]: url missing or not http" },
    { "[a]\nurl=http://x/\nformat=csv\n", "[a]: format \"csv\"" },
    { "[a]\nurl=http://x/\nseverity=critical\n", "[a]: severity \"critical\"" },
    { "[a]\nurl=http://x/\nmin-interval=1w\n", "[a]: min-interval \"1w\"" },
    { "[a]\nurl=http://x/\nmin-interval=-5\n", "[a]: min-interval \"-5\"" },
    { "[a]\nurl=http://x/\nenabled=maybe\n", "[a]: enabled" },
    { "[../x]\nurl=http://x/\n", "[../x]: a feed name" },
    { "[a b]\nurl=http://x/\n", "[a b]: a feed name" },
    { "not a key file\n", "feeds.conf: " },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = write_file (f->dir, "feeds.conf", bad[i].text);
      g_autoptr (GError) error = NULL;
      g_autoptr (VpcFeeds) feeds = vpc_feeds_load (path, &error);
      g_assert_null (feeds);
      g_assert_error (error, VPC_ERROR, VPC_ERROR_USAGE);
      if (strstr (error->message, bad[i].message) == NULL)
        g_error ("case %u: \"%s\" does not contain \"%s\"", i, error->message, bad[i].message);
      g_assert_nonnull (strstr (error->message, path));
    }
  /* 65 feeds: one too many for the 64-bit feed mask. */
  GString *many = g_string_new (NULL);
  for (guint i = 0; i <= VPC_THREAT_MAX_FEEDS; i++)
    g_string_append_printf (many, "[f%u]\nurl=http://x/%u\n", i, i);
  g_autofree char *path = write_file (f->dir, "many.conf", many->str);
  g_string_free (many, TRUE);
  g_autoptr (GError) error = NULL;
  g_assert_null (vpc_feeds_load (path, &error));
  g_assert_error (error, VPC_ERROR, VPC_ERROR_USAGE);
  g_clear_error (&error);
  g_autofree char *missing = g_build_filename (f->dir, "missing.conf", NULL);
  g_assert_null (vpc_feeds_load (missing, &error));
  g_assert_error (error, VPC_ERROR, VPC_ERROR_IO);
}

static void
test_names (void)
{
  VpcFeedFormat format;
  g_assert_true (vpc_feed_format_parse ("spamhaus-json", &format));
  g_assert_cmpint (format, ==, VPC_FEED_FORMAT_SPAMHAUS_JSON);
  g_assert_cmpstr (vpc_feed_format_name (VPC_FEED_FORMAT_DSHIELD), ==, "dshield");
  g_assert_cmpstr (vpc_feed_state_name (VPC_FEED_NOT_MODIFIED), ==, "not-modified");
  g_assert_cmpstr (vpc_feed_state_name (VPC_FEED_MISSING), ==, "missing");
  g_assert_cmpstr (vpc_feed_state_name (VPC_FEED_DISABLED), ==, "disabled");
  g_autofree char *cache = vpc_feeds_default_cache_dir ();
  g_assert_true (g_str_has_prefix (cache, g_get_user_cache_dir ()));
  g_assert_true (g_str_has_suffix (cache, "/vpc2ipfix/feeds"));
}

/* ---- the formats ------------------------------------------------------------------ */

static void
test_parse_plain (void)
{
  VpcFeed feed;
  g_autoptr (VpcThreatDb) db = parse (VPC_FEED_FORMAT_PLAIN,
                                      "\xef\xbb\xbf# Feodo-style header\n"
                                      "; another comment\n"
                                      "\n"
                                      "   \t\n"
                                      "45.10.20.30\n"
                                      "  46.1.2.3  \r\n"                 /* white space, CRLF */
                                      "47.0.0.0/24 ; SBL12345\n"         /* extra column after ';' */
                                      "48.0.0.9/30\t2024-01-01 xyz\n"    /* host bits, extra columns */
                                      "49.0.0.1,Emotet,online\n"         /* CSV-like */
                                      "50.0.0.1#trailing comment\n"
                                      "51.0.0.10-51.0.0.12\n"            /* a range */
                                      "2a0e:1c80::/32\n"
                                      "2a0f::5\n"
                                      "10.0.0.0/8\n"                     /* private: special */
                                      "192.168.1.1\n"                    /* private: special */
                                      "fd00::/8\n"                       /* wider than /16 */
                                      "0.0.0.0/0\n"                      /* wider than /8 */
                                      "60.0.0.0-62.0.0.0\n"              /* 2^25 + 1 addresses */
                                      "63.0.0.0/8\n"                     /* a /8: kept */
                                      "<html><body>oops</body></html>\n" /* garbage */
                                      "300.1.2.3\n"                      /* garbage */
                                      "1.2.3.0/33\n"                     /* garbage */
                                      "1.2.3.4/\n"                       /* garbage */
                                      "52.0.0.5-52.0.0.1\n"              /* garbage: reversed */
                                      "53.0.0.1",                        /* no final newline */
                                      &feed);
  g_assert_cmpuint (feed.entries, ==, 11);
  g_assert_cmpuint (feed.special, ==, 2);
  g_assert_cmpuint (feed.too_wide, ==, 3);
  g_assert_cmpuint (feed.garbage, ==, 5);
  g_assert_cmpuint (lookup (db, "63.255.255.255", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "61.0.0.1", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "8.8.8.8", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "45.10.20.30", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "46.1.2.3", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "47.0.0.255", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "47.0.1.0", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "48.0.0.8", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "48.0.0.11", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "48.0.0.12", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "49.0.0.1", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "50.0.0.1", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "51.0.0.9", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "51.0.0.12", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "2a0e:1c80:ffff::1", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "2a0f::5", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "2a0f::6", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "53.0.0.1", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "10.1.1.1", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "192.168.1.1", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "fd00::1", NULL), ==, 0);

  /* Counting only (no table): the same entries, special ones included. */
  VpcFeed count = { .format = VPC_FEED_FORMAT_PLAIN };
  vpc_feed_parse (&count, 0, "1.1.1.1\n10.0.0.1\nxx\n", 20, NULL);
  g_assert_cmpuint (count.entries, ==, 2);
  g_assert_cmpuint (count.garbage, ==, 1);
}

static void
test_parse_spamhaus (void)
{
  VpcFeed feed;
  g_autoptr (VpcThreatDb) db = parse (
    VPC_FEED_FORMAT_SPAMHAUS_JSON,
    "{\"cidr\":\"1.10.16.0/20\",\"sblid\":\"SBL256894\",\"rir\":\"apnic\"}\n"
    "{\"cidr\": \"2.56.192.0/22\", \"sblid\": \"SBL459831\", \"rir\": \"ripencc\"}\n"
    "{\"cidr\":\"2a06:5280::/29\",\"sblid\":\"SBL1\",\"rir\":\"ripencc\"}\n"
    "{\"cidr\":\"100.64.0.0/10\",\"sblid\":\"SBL2\"}\n"      /* special */
    "{\"cidr\":\"not-an-address\",\"sblid\":\"SBL3\"}\n"     /* garbage */
    "{\"sblid\":\"SBL4\"}\n"                                 /* garbage: no cidr */
    "{\"cidr\":\"3.3.3.0/24\"\n"                             /* garbage: broken JSON */
    "[1,2]\n"                                                /* garbage: not an object */
    "{\"type\":\"metadata\",\"timestamp\":1700000000,\"size\":12345,\"records\":6,"
    "\"copyright\":\"(c) 2024 The Spamhaus Project SLU\",\"terms\":\"https://www.spamhaus.org/drop/terms/\"}\n",
    &feed);
  g_assert_cmpuint (feed.entries, ==, 3);
  g_assert_cmpuint (feed.special, ==, 1);
  g_assert_cmpuint (feed.garbage, ==, 4);
  VpcSeverity s = VPC_SEVERITY_INFO;
  g_assert_cmpuint (lookup (db, "1.10.31.255", &s), ==, 1);
  g_assert_cmpint (s, ==, VPC_SEVERITY_HIGH);
  g_assert_cmpuint (lookup (db, "1.10.32.0", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "2.56.195.1", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "2a06:5287:ffff::1", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "2a06:5288::", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "100.64.1.1", NULL), ==, 0);
}

static void
test_parse_dshield (void)
{
  VpcFeed feed;
  g_autoptr (VpcThreatDb) db = parse (VPC_FEED_FORMAT_DSHIELD,
                                      "#\n# DShield.org Recommended Block List\n#\n"
                                      "Start\tEnd\tNetblock\tAttacks\tName\tCountry\temail\n"
                                      "61.160.223.0\t61.160.223.255\t24\t1234\tCHINANET\tCN\tx@y\n"
                                      "45.148.10.0\t45.148.10.255\t24\t999\n"
                                      "172.16.5.0\t172.16.5.255\t24\t5\n" /* special */
                                      "45.1.1.0\n"                        /* garbage: no end */
                                      "45.1.1.255\t45.1.1.0\t24\n"        /* garbage: reversed */
                                      "45.1.1.0\t2a00::1\t24\n",          /* garbage: families */
                                      &feed);
  g_assert_cmpuint (feed.entries, ==, 2);
  g_assert_cmpuint (feed.special, ==, 1);
  g_assert_cmpuint (feed.garbage, ==, 3);
  g_assert_cmpuint (lookup (db, "61.160.223.0", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "61.160.223.255", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "61.160.224.0", NULL), ==, 0);
  g_assert_cmpuint (lookup (db, "45.148.10.77", NULL), ==, 1);
  g_assert_cmpuint (lookup (db, "45.1.1.1", NULL), ==, 0);
}

/* ---- the cache, through file:// URLs -------------------------------------------- */

static VpcFeeds *
load_list (Fixture *f, const char *name, const char *source, const char *extra)
{
  g_autofree char *src = g_build_filename (f->dir, source, NULL);
  g_autofree char *uri = g_filename_to_uri (src, NULL, NULL);
  g_autofree char *text = g_strdup_printf ("[%s]\nurl=%s\nseverity=high\n%s", name, uri, extra);
  g_autofree char *path = write_file (f->dir, "feeds.conf", text);
  g_autoptr (GError) error = NULL;
  VpcFeeds *feeds = vpc_feeds_load (path, &error);
  g_assert_no_error (error);
  return feeds;
}

/* Update and build; returns the table. */
static VpcThreatDb *
update (VpcFeeds *feeds, VpcFeedOptions *options)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (vpc_feeds_update (feeds, options, &error));
  g_assert_no_error (error);
  VpcThreatDb *db = vpc_feeds_build_db (feeds, options, &error);
  g_assert_no_error (error);
  return db;
}

static void
test_cache_states (Fixture *f, gconstpointer data)
{
  g_autofree char *cache = g_build_filename (f->dir, "cache", "feeds", NULL);
  VpcFeedOptions options = VPC_FEED_OPTIONS_INIT;
  options.cache_dir = cache;
  g_autofree char *src = write_file (f->dir, "list.txt", "# list\n45.0.0.1\n45.0.0.2\n");
  g_autoptr (VpcFeeds) feeds = load_list (f, "one", "list.txt", "min-interval=1h\n");
  VpcFeed *feed = vpc_feeds_get (feeds, 0);

  /* Offline with an empty cache: nothing to use. */
  options.offline = TRUE;
  g_autoptr (VpcThreatDb) db0 = update (feeds, &options);
  g_assert_cmpint (feed->state, ==, VPC_FEED_MISSING);
  g_assert_nonnull (feed->error);
  g_assert_cmpint (feed->age, ==, -1);
  g_assert_cmpuint (lookup (db0, "45.0.0.1", NULL), ==, 0);
  g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS)); /* offline creates nothing */

  /* First run: downloaded into the cache, with its metadata. */
  options.offline = FALSE;
  g_autoptr (VpcThreatDb) db1 = update (feeds, &options);
  g_assert_cmpint (feed->state, ==, VPC_FEED_FETCHED);
  g_assert_null (feed->error);
  g_assert_cmpint (feed->age, ==, 0);
  g_assert_cmpuint (feed->entries, ==, 2);
  g_assert_cmpuint (lookup (db1, "45.0.0.2", NULL), ==, 1);
  g_autofree char *list = g_build_filename (cache, "one.list", NULL);
  g_autofree char *meta = g_build_filename (cache, "one.meta", NULL);
  g_assert_true (g_file_test (list, G_FILE_TEST_IS_REGULAR));
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_assert_true (g_key_file_load_from_file (kf, meta, G_KEY_FILE_NONE, NULL));
  g_autofree char *url = g_key_file_get_string (kf, "feed", "url", NULL);
  g_assert_cmpstr (url, ==, feed->url);
  g_assert_cmpint (g_key_file_get_int64 (kf, "feed", "checked-at", NULL), >, 0);

  /* Second run within min-interval: not asked; the source changed, the copy is used. */
  g_autofree char *src2 = write_file (f->dir, "list.txt", "45.0.0.3\n");
  g_autoptr (VpcThreatDb) db2 = update (feeds, &options);
  g_assert_cmpint (feed->state, ==, VPC_FEED_FRESH);
  g_assert_cmpuint (lookup (db2, "45.0.0.1", NULL), ==, 1);
  g_assert_cmpuint (lookup (db2, "45.0.0.3", NULL), ==, 0);

  /* force: fetched again. */
  options.force = TRUE;
  g_autoptr (VpcThreatDb) db3 = update (feeds, &options);
  g_assert_cmpint (feed->state, ==, VPC_FEED_FETCHED);
  g_assert_cmpuint (lookup (db3, "45.0.0.1", NULL), ==, 0);
  g_assert_cmpuint (lookup (db3, "45.0.0.3", NULL), ==, 1);

  /* The source is gone: the last good copy is used, and why is said. */
  g_remove (src);
  g_autoptr (VpcThreatDb) db4 = update (feeds, &options);
  g_assert_cmpint (feed->state, ==, VPC_FEED_CACHED);
  g_assert_nonnull (feed->error);
  g_assert_cmpint (feed->age, >=, 0);
  g_assert_cmpuint (lookup (db4, "45.0.0.3", NULL), ==, 1);

  /* An error page (no entry at all) does not replace the good copy. */
  g_autofree char *src3 = write_file (f->dir, "list.txt", "<html>\n<body>Service unavailable</body>\n</html>\n");
  g_autoptr (VpcThreatDb) db5 = update (feeds, &options);
  g_assert_cmpint (feed->state, ==, VPC_FEED_CACHED);
  g_assert_nonnull (strstr (feed->error, "no entry in 3 lines"));
  g_assert_cmpuint (lookup (db5, "45.0.0.3", NULL), ==, 1);

  /* Larger than max_size: rejected, the copy kept. */
  GString *big = g_string_new (NULL);
  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (big, "46.0.%u.%u\n", i / 256, i % 256);
  g_autofree char *src4 = write_file (f->dir, "list.txt", big->str);
  g_string_free (big, TRUE);
  options.max_size = 4096;
  g_autoptr (VpcThreatDb) db6 = update (feeds, &options);
  g_assert_cmpint (feed->state, ==, VPC_FEED_CACHED);
  g_assert_nonnull (strstr (feed->error, "larger than the limit of 4096 bytes"));
  g_assert_cmpuint (lookup (db6, "45.0.0.3", NULL), ==, 1);
  g_assert_cmpuint (lookup (db6, "46.0.0.1", NULL), ==, 0);
  options.max_size = 1 << 20;
  g_autoptr (VpcThreatDb) db7 = update (feeds, &options);
  g_assert_cmpint (feed->state, ==, VPC_FEED_FETCHED);
  g_assert_cmpuint (feed->entries, ==, 1000);
  g_assert_cmpuint (lookup (db7, "46.0.3.231", NULL), ==, 1);

  /* Offline: the cache only. */
  options.offline = TRUE;
  g_autoptr (VpcThreatDb) db8 = update (feeds, &options);
  g_assert_cmpint (feed->state, ==, VPC_FEED_CACHED);
  g_assert_null (feed->error);
  g_assert_cmpuint (lookup (db8, "46.0.3.231", NULL), ==, 1);

  /* No temporary files left behind. */
  GDir *dir = g_dir_open (cache, 0, NULL);
  const char *name;
  guint files = 0;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_assert_false (name[0] == '.');
      files++;
    }
  g_dir_close (dir);
  g_assert_cmpuint (files, ==, 2);
}

/* A copy from another url (the list was edited) is not used. */
static void
test_cache_url_changed (Fixture *f, gconstpointer data)
{
  g_autofree char *cache = g_build_filename (f->dir, "cache", NULL);
  VpcFeedOptions options = VPC_FEED_OPTIONS_INIT;
  options.cache_dir = cache;
  g_autofree char *src = write_file (f->dir, "a.txt", "45.0.0.1\n");
  g_autoptr (VpcFeeds) feeds = load_list (f, "x", "a.txt", "");
  g_autoptr (VpcThreatDb) db1 = update (feeds, &options);
  g_assert_cmpint (vpc_feeds_get (feeds, 0)->state, ==, VPC_FEED_FETCHED);

  g_autoptr (VpcFeeds) other = load_list (f, "x", "b.txt", "");
  options.offline = TRUE;
  g_autoptr (VpcThreatDb) db2 = update (other, &options);
  g_assert_cmpint (vpc_feeds_get (other, 0)->state, ==, VPC_FEED_MISSING);
  g_assert_cmpuint (lookup (db2, "45.0.0.1", NULL), ==, 0);
  /* Online, b.txt missing: the fetch fails and a.txt's copy is not a fallback. */
  options.offline = FALSE;
  g_autoptr (VpcThreatDb) db3 = update (other, &options);
  g_assert_cmpint (vpc_feeds_get (other, 0)->state, ==, VPC_FEED_MISSING);
  g_assert_nonnull (vpc_feeds_get (other, 0)->error);
  g_assert_cmpuint (lookup (db3, "45.0.0.1", NULL), ==, 0);
}

/* Several feeds: each is its bit; disabled feeds are neither fetched nor used. */
static void
test_several_feeds (Fixture *f, gconstpointer data)
{
  g_autofree char *cache = g_build_filename (f->dir, "cache", NULL);
  g_autofree char *p1 = write_file (f->dir, "one.txt", "45.0.0.1\n45.0.0.2\n");
  g_autofree char *p2 = write_file (f->dir, "two.json", "{\"cidr\":\"45.0.0.0/30\"}\n");
  g_autofree char *p3 = write_file (f->dir, "three.txt", "45.0.0.1\n");
  g_autofree char *u1 = g_filename_to_uri (p1, NULL, NULL);
  g_autofree char *u2 = g_filename_to_uri (p2, NULL, NULL);
  g_autofree char *u3 = g_filename_to_uri (p3, NULL, NULL);
  g_autofree char *text = g_strdup_printf ("[one]\nurl=%s\nseverity=low\n"
                                           "[two]\nurl=%s\nformat=spamhaus-json\nseverity=high\n"
                                           "[three]\nurl=%s\nenabled=false\n",
                                           u1, u2, u3);
  g_autofree char *path = write_file (f->dir, "feeds.conf", text);
  g_autoptr (GError) error = NULL;
  g_autoptr (VpcFeeds) feeds = vpc_feeds_load (path, &error);
  g_assert_no_error (error);
  VpcFeedOptions options = VPC_FEED_OPTIONS_INIT;
  options.cache_dir = cache;
  g_autoptr (VpcThreatDb) db = update (feeds, &options);
  g_assert_cmpint (vpc_feeds_get (feeds, 2)->state, ==, VPC_FEED_DISABLED);
  g_autofree char *three = g_build_filename (cache, "three.list", NULL);
  g_assert_false (g_file_test (three, G_FILE_TEST_EXISTS));
  VpcSeverity s;
  g_assert_cmpuint (lookup (db, "45.0.0.1", &s), ==, 0x3);
  g_assert_cmpint (s, ==, VPC_SEVERITY_HIGH);
  g_assert_cmpuint (lookup (db, "45.0.0.3", &s), ==, 0x2);
  g_assert_cmpuint (lookup (db, "45.0.0.4", NULL), ==, 0);
}

/* The redirect rule: public targets always; loopback, link-local and
 * private ones only from a feed URL of the same kind. */
static void
test_redirect_addresses (void)
{
  static const struct {
    const char *address;
    VpcFeedAddressKind kind;
  } kinds[] = {
    { "127.0.0.1", VPC_FEED_ADDRESS_LOOPBACK },      { "127.255.0.9", VPC_FEED_ADDRESS_LOOPBACK },
    { "::1", VPC_FEED_ADDRESS_LOOPBACK },            { "::ffff:127.0.0.1", VPC_FEED_ADDRESS_LOOPBACK },
    { "169.254.169.254", VPC_FEED_ADDRESS_LINK_LOCAL }, { "fe80::1", VPC_FEED_ADDRESS_LINK_LOCAL },
    { "febf::1", VPC_FEED_ADDRESS_LINK_LOCAL },      { "fec0::1", VPC_FEED_ADDRESS_PUBLIC },
    { "10.1.2.3", VPC_FEED_ADDRESS_PRIVATE },        { "172.16.0.1", VPC_FEED_ADDRESS_PRIVATE },
    { "172.31.255.255", VPC_FEED_ADDRESS_PRIVATE },  { "172.32.0.1", VPC_FEED_ADDRESS_PUBLIC },
    { "192.168.1.1", VPC_FEED_ADDRESS_PRIVATE },     { "100.64.0.1", VPC_FEED_ADDRESS_PRIVATE },
    { "100.128.0.1", VPC_FEED_ADDRESS_PUBLIC },      { "0.0.0.0", VPC_FEED_ADDRESS_PRIVATE },
    { "::", VPC_FEED_ADDRESS_PRIVATE },              { "fd00::1", VPC_FEED_ADDRESS_PRIVATE },
    { "::ffff:10.0.0.1", VPC_FEED_ADDRESS_PRIVATE }, { "198.51.100.7", VPC_FEED_ADDRESS_PUBLIC },
    { "2a00:1450::1", VPC_FEED_ADDRESS_PUBLIC },     { "not an address", VPC_FEED_ADDRESS_PRIVATE },
  };
  g_unsetenv ("VPC_REPORT_TEST_PUBLIC");
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_test_message ("%s", kinds[i].address);
      g_assert_cmpint (vpc_feed_address_kind (kinds[i].address), ==, kinds[i].kind);
    }
  /* A public feed: to public addresses only. */
  g_assert_true (vpc_feed_redirect_allowed ("198.51.100.7", "203.0.113.9"));
  g_assert_false (vpc_feed_redirect_allowed ("198.51.100.7", "127.0.0.1"));
  g_assert_false (vpc_feed_redirect_allowed ("198.51.100.7", "::1"));
  g_assert_false (vpc_feed_redirect_allowed ("198.51.100.7", "169.254.169.254"));
  g_assert_false (vpc_feed_redirect_allowed ("2a00:1450::1", "fd00::1"));
  g_assert_false (vpc_feed_redirect_allowed ("198.51.100.7", "::ffff:192.168.1.1"));
  /* A feed on the loopback may stay there, not go to the LAN or the metadata service. */
  g_assert_true (vpc_feed_redirect_allowed ("127.0.0.1", "127.0.0.2"));
  g_assert_true (vpc_feed_redirect_allowed ("127.0.0.1", "198.51.100.7"));
  g_assert_false (vpc_feed_redirect_allowed ("127.0.0.1", "10.0.0.1"));
  g_assert_false (vpc_feed_redirect_allowed ("10.0.0.1", "169.254.169.254"));
  g_assert_true (vpc_feed_redirect_allowed ("10.0.0.1", "192.168.3.4"));
  /* The test hook: listed addresses count as public. */
  g_setenv ("VPC_REPORT_TEST_PUBLIC", "127.0.0.2, 10.9.9.9", TRUE);
  g_assert_cmpint (vpc_feed_address_kind ("127.0.0.2"), ==, VPC_FEED_ADDRESS_PUBLIC);
  g_assert_cmpint (vpc_feed_address_kind ("10.9.9.9"), ==, VPC_FEED_ADDRESS_PUBLIC);
  g_assert_false (vpc_feed_redirect_allowed ("127.0.0.2", "127.0.0.1"));
  g_unsetenv ("VPC_REPORT_TEST_PUBLIC");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/feeds/default-list", test_default_list);
  g_test_add ("/feeds/list-values", Fixture, NULL, fixture_set_up, test_list_values, fixture_tear_down);
  g_test_add ("/feeds/list-errors", Fixture, NULL, fixture_set_up, test_list_errors, fixture_tear_down);
  g_test_add_func ("/feeds/names", test_names);
  g_test_add_func ("/feeds/redirect-addresses", test_redirect_addresses);
  g_test_add_func ("/feeds/parse-plain", test_parse_plain);
  g_test_add_func ("/feeds/parse-spamhaus-json", test_parse_spamhaus);
  g_test_add_func ("/feeds/parse-dshield", test_parse_dshield);
  g_test_add ("/feeds/cache-states", Fixture, NULL, fixture_set_up, test_cache_states, fixture_tear_down);
  g_test_add ("/feeds/cache-url-changed", Fixture, NULL, fixture_set_up, test_cache_url_changed,
              fixture_tear_down);
  g_test_add ("/feeds/several-feeds", Fixture, NULL, fixture_set_up, test_several_feeds, fixture_tear_down);
  return g_test_run ();
}
