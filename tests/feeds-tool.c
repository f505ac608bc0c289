/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test helper: update the feeds of a feed list, print each feed's state and look addresses up (e2e-feeds.sh). */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "report/feeds.h"

int
main (int argc, char **argv)
{
  g_autofree char *feeds_path = NULL;
  g_autofree char *cache_dir = NULL;
  gboolean offline = FALSE, force = FALSE;
  gint64 max_size = 64 << 20;
  gint timeout = 60, connect_timeout = 10, deadline = 90;
  GOptionEntry entries[] = {
    { "feeds", 0, 0, G_OPTION_ARG_FILENAME, &feeds_path, "Feed list", "FILE" },
    { "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &cache_dir, "Cache directory", "DIR" },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &offline, "Use the cache only", NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "Ignore min-interval", NULL },
    { "max-size", 0, 0, G_OPTION_ARG_INT64, &max_size, "Largest download (bytes)", "N" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "Seconds for a download", "S" },
    { "connect-timeout", 0, 0, G_OPTION_ARG_INT, &connect_timeout, "Seconds to connect", "S" },
    { "deadline", 0, 0, G_OPTION_ARG_INT, &deadline, "Seconds for all downloads", "S" },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("[ADDRESS...]");
  g_option_context_add_main_entries (context, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "feeds-tool: %s\n", error->message);
      return 2;
    }
  if (feeds_path == NULL)
    feeds_path = vpc_feeds_default_path ();
  g_autoptr (VpcFeeds) feeds = vpc_feeds_load (feeds_path, &error);
  if (feeds == NULL)
    {
      fprintf (stderr, "feeds-tool: %s\n", error->message);
      return 1;
    }
  VpcFeedOptions options = VPC_FEED_OPTIONS_INIT;
  options.cache_dir = cache_dir;
  options.offline = offline;
  options.force = force;
  options.max_size = (guint64) max_size;
  options.timeout = (guint) timeout;
  options.connect_timeout = (guint) connect_timeout;
  options.deadline = (guint) deadline;
  if (!vpc_feeds_update (feeds, &options, &error))
    {
      fprintf (stderr, "feeds-tool: %s\n", error->message);
      return 1;
    }
  g_autoptr (VpcThreatDb) db = vpc_feeds_build_db (feeds, &options, &error);
  if (db == NULL)
    {
      fprintf (stderr, "feeds-tool: %s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < vpc_feeds_get_count (feeds); i++)
    {
      const VpcFeed *feed = vpc_feeds_get (feeds, i);
      printf ("feed %s state=%s age=%" G_GINT64_FORMAT " entries=%" G_GUINT64_FORMAT
              " garbage=%" G_GUINT64_FORMAT " special=%" G_GUINT64_FORMAT " error=%s too_wide=%"
              G_GUINT64_FORMAT "\n",
              feed->name, vpc_feed_state_name (feed->state), feed->age, feed->entries,
              feed->garbage, feed->special, feed->error != NULL ? feed->error : "-",
              feed->too_wide);
    }
  for (int a = 1; a < argc; a++)
    {
      VpcAddr addr = { .family = strchr (argv[a], ':') != NULL ? 6 : 4 };
      if (inet_pton (addr.family == 6 ? AF_INET6 : AF_INET, argv[a], addr.bytes) != 1)
        {
          fprintf (stderr, "feeds-tool: %s: not an address\n", argv[a]);
          return 2;
        }
      VpcThreatMatch match;
      if (!vpc_threat_db_lookup (db, &addr, &match))
        {
          printf ("lookup %s none\n", argv[a]);
          continue;
        }
      GString *names = g_string_new (NULL);
      for (guint i = 0; i < vpc_feeds_get_count (feeds); i++)
        if (match.feeds & (G_GUINT64_CONSTANT (1) << i))
          g_string_append_printf (names, "%s%s", names->len > 0 ? "," : "", vpc_feeds_get (feeds, i)->name);
      printf ("lookup %s feeds=%s severity=%s\n", argv[a], names->str,
              vpc_severity_name (match.severity));
      g_string_free (names, TRUE);
    }
  return 0;
}
