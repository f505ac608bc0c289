/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc-report: reject, scanner and threat summaries of VPC Flow Logs or IPFIX files (command line). */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "export/output-path.h"
#include "report/feeds.h"
#include "report/report-read.h"
#include "report/report.h"

#define EXIT_USAGE 2

static gint interrupted;

static void
on_signal (int signum)
{
  g_atomic_int_set (&interrupted, 1);
}

/* The progress line: on a terminal only (stderr), at most 5 times a second,
 * one line rewritten in place, cleared before any message and at the end. */
typedef struct {
  gboolean shown;
  gint64 last;
} Progress;

static Progress progress_line;

static void
progress_clear (void)
{
  if (progress_line.shown)
    fputs ("\r\033[K", stderr);
  progress_line.shown = FALSE;
}

static void
on_progress (gpointer data, const char *text)
{
  Progress *p = data;
  gint64 now = g_get_monotonic_time ();
  if (p->shown && now - p->last < G_USEC_PER_SEC / 5)
    return;
  p->last = now;
  /* Terminal-safe (a path may hold escapes) and one line of 79 columns. */
  g_autofree char *safe = vpc_report_terminal_text (text);
  g_autofree char *cut = g_utf8_substring (safe, 0, MIN (g_utf8_strlen (safe, -1), 66));
  fprintf (stderr, "\r\033[Kvpc-report: %s", cut);
  fflush (stderr);
  p->shown = TRUE;
}

static void
print_diag (const char *message, gpointer user_data)
{
  progress_clear ();
  vpc_log (VPC_LOG_WARNING, "%s", message);
}

typedef char *(*RenderFunc) (const VpcReportSummary *summary);

static const struct {
  const char *name;
  RenderFunc render;
} renderers[] = {
  { "table", vpc_report_to_table },
  { "csv", vpc_report_to_csv },
  { "json", vpc_report_to_json },
  { "html", vpc_report_to_html },
};

static RenderFunc
find_renderer (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (renderers); i++)
    if (strcmp (renderers[i].name, name) == 0)
      return renderers[i].render;
  return NULL;
}

/* The feeds, brought up to date, and their table. */
static VpcThreatDb *
load_threats (const char *feeds_path, const VpcFeedOptions *feed_options, gboolean quiet,
              gboolean require_feeds, VpcFeeds **feeds_out, GError **error)
{
  g_autofree char *path = feeds_path != NULL ? g_strdup (feeds_path) : vpc_feeds_default_path ();
  g_autoptr (VpcFeeds) feeds = vpc_feeds_load (path, error);
  if (feeds == NULL)
    return NULL;
  if (!vpc_feeds_update (feeds, feed_options, error))
    return NULL;
  progress_clear ();
  if (!quiet && vpc_feeds_get_cache_warning (feeds) != NULL)
    vpc_log (VPC_LOG_WARNING, "%s", vpc_feeds_get_cache_warning (feeds));
  VpcThreatDb *db = vpc_feeds_build_db (feeds, feed_options, error);
  if (db == NULL)
    return NULL;
  for (guint i = 0; !quiet && i < vpc_feeds_get_count (feeds); i++)
    {
      const VpcFeed *f = vpc_feeds_get (feeds, i);
      if (!f->enabled)
        continue;
      if (f->state == VPC_FEED_MISSING || f->state == VPC_FEED_CACHED)
        vpc_log (VPC_LOG_WARNING, "feed %s: %s%s%s", f->name, vpc_feed_state_name (f->state),
                 f->error != NULL ? ": " : "", f->error != NULL ? f->error : "");
      if (f->over_limit > 0)
        vpc_log (VPC_LOG_WARNING,
                 "feed %s: %" G_GUINT64_FORMAT " entries refused: the feeds together "
                 "reached --max-feed-entries (%" G_GUINT64_FORMAT ")",
                 f->name, f->over_limit, feed_options->max_entries);
      if (f->too_wide > 0)
        vpc_log (VPC_LOG_WARNING, "feed %s: %" G_GUINT64_FORMAT " entries wider than /%d (IPv4) or /%d "
                 "(IPv6) refused",
                 f->name, f->too_wide, VPC_FEED_WIDEST_V4, VPC_FEED_WIDEST_V6);
    }
  if (require_feeds)
    {
      g_autoptr (GString) missing = g_string_new (NULL);
      for (guint i = 0; i < vpc_feeds_get_count (feeds); i++)
        {
          const VpcFeed *f = vpc_feeds_get (feeds, i);
          if (f->enabled && f->state == VPC_FEED_MISSING)
            g_string_append_printf (missing, "%s%s", missing->len > 0 ? ", " : "", f->name);
        }
      if (missing->len > 0)
        {
          vpc_threat_db_free (db);
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO,
                       "--require-feeds: feeds not loaded: %s (threats cannot be checked)",
                       missing->str);
          return NULL;
        }
    }
  *feeds_out = g_steal_pointer (&feeds);
  return db;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  vpc_log_init ("vpc-report");

  g_autofree char *output = NULL;
  g_autofree char *config = NULL;
  g_autofree char *output_format = NULL;
  g_autofree char *feeds_path = NULL;
  g_autofree char *cache_dir = NULL;
  g_autofree char *exposure_ports = NULL;
  g_autofree char *log_level = NULL;
  g_auto (GStrv) inputs = NULL;
  g_auto (GStrv) geoip_paths = NULL;
  gboolean quiet = FALSE, version = FALSE, offline = FALSE;
  gboolean no_threats = FALSE, refresh = FALSE, require_feeds = FALSE;
  VpcReportOptions options = VPC_REPORT_OPTIONS_INIT;
  gint64 top = options.top, top_threats = options.top_threats, scan_ports = options.scan_ports,
         scan_hosts = options.scan_hosts, bucket = options.bucket_seconds;
  VpcFeedOptions feed_options = VPC_FEED_OPTIONS_INIT;
  gint64 feed_timeout = feed_options.timeout, max_feed_size = (gint64) feed_options.max_size;
  gint64 feeds_deadline = feed_options.deadline;
  gint64 max_feed_entries = (gint64) feed_options.max_entries;
  gint64 egress_threshold = (gint64) options.egress_threshold;
  gint64 max_keys = options.max_keys;

  GOptionEntry main_entries[] = {
    { "output-format", 'O', 0, G_OPTION_ARG_STRING, &output_format,
      "table (the default), csv, json or html", "FORMAT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Write the report to FILE (replaced atomically; default: standard output)", "FILE" },
    { "top", 'n', 0, G_OPTION_ARG_INT64, &top, "Rows of each top table (default 10)", "N" },
    { "scan-ports", 0, 0, G_OPTION_ARG_INT64, &scan_ports,
      "A source whose rejected flows reach N distinct destination ports (protocol and port) "
      "is a scanner (default 20)",
      "N" },
    { "scan-hosts", 0, 0, G_OPTION_ARG_INT64, &scan_hosts,
      "... or N distinct destination addresses (default 20)", "N" },
    { "bucket", 0, 0, G_OPTION_ARG_INT64, &bucket,
      "Seconds of one bar of the reject histogram (default 0: chosen from the time span, "
      "at most 60 bars)",
      "SECONDS" },
    { "exposure-ports", 0, 0, G_OPTION_ARG_STRING, &exposure_ports,
      "Sensitive ports of the exposure section, comma-separated, \"\" for none (default "
      "22,23,1433,1521,2375,3306,3389,5432,5900,6379,9200,11211,27017)",
      "LIST" },
    { "egress-threshold", 0, 0, G_OPTION_ARG_INT64, &egress_threshold,
      "Flag an interface sending BYTES or more to public, non-AWS addresses (default "
      "1000000000)",
      "BYTES" },
    { "geoip", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &geoip_paths,
      "Show the country and AS of external addresses, and traffic per country and AS, from "
      "FILE: a MaxMind DB country, city or ASN database (GeoLite2, DB-IP lite); repeat it for "
      "a country and an ASN database",
      "FILE.mmdb" },
    { "max-keys", 0, 0, G_OPTION_ARG_INT64, &max_keys,
      "Count every table that grows with the input (rejected and accepted sources and "
      "destinations, conversations, ports, exposure, egress, accounts, VPCs, subnets, "
      "interfaces) exactly up to N distinct keys each; beyond, approximately with a stated "
      "bound (Space-Saving; default 420000)",
      "N" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print no feed warnings and no summary", NULL },
    { "log-level", 0, 0, G_OPTION_ARG_STRING, &log_level,
      "Print messages of LEVEL and above: error, warning (feeds, lines), info (the default: "
      "the summary too) or debug; to the journal, with syslog priority prefixes",
      "LEVEL" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config,
      "Read options from FILE (GKeyFile, group [vpc-report], the long options as keys); the "
      "command line wins",
      "FILE" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL, "[INPUT...]" },
    { NULL }
  };
  GOptionEntry threat_entries[] = {
    { "no-threats", 0, 0, G_OPTION_ARG_NONE, &no_threats,
      "No threat summary: read no feed list, download nothing", NULL },
    { "feeds", 0, 0, G_OPTION_ARG_FILENAME, &feeds_path,
      "The feed list (default: ~/.config/vpc2ipfix/feeds.conf if it exists, else the "
      "installed feeds.conf)",
      "FILE" },
    { "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &cache_dir,
      "Keep the downloaded feeds in DIR (default ~/.cache/vpc2ipfix/feeds)", "DIR" },
    { "offline", 0, 0, G_OPTION_ARG_NONE, &offline,
      "Download nothing: use the cached copies of the feeds", NULL },
    { "require-feeds", 0, 0, G_OPTION_ARG_NONE, &require_feeds,
      "Fail (exit 1) when an enabled feed cannot be loaded, instead of reporting threats "
      "as checked in part or not at all",
      NULL },
    { "refresh", 0, 0, G_OPTION_ARG_NONE, &refresh,
      "Ask the servers even when a feed's min-interval has not passed", NULL },
    { "top-threats", 0, 0, G_OPTION_ARG_INT64, &top_threats,
      "Rows of the threat table, 0 = every listed address (default 100)", "N" },
    { "feeds-deadline", 0, 0, G_OPTION_ARG_INT64, &feeds_deadline,
      "Seconds all the feed downloads may take together: they run at once (default 90)",
      "SECONDS" },
    { "feed-timeout", 0, 0, G_OPTION_ARG_INT64, &feed_timeout,
      "Seconds one feed download may take (default 60)", "SECONDS" },
    { "max-feed-entries", 0, 0, G_OPTION_ARG_INT64, &max_feed_entries,
      "Entries of all the feeds together at most (memory); more are refused with a warning "
      "(default 2000000, about 100 MiB)",
      "N" },
    { "max-feed-size", 0, 0, G_OPTION_ARG_INT64, &max_feed_size,
      "A feed larger than BYTES is refused; its cached copy stays (default 67108864)", "BYTES" },
    { NULL }
  };
  g_autoptr (GOptionContext) context
      = g_option_context_new ("- reject, scanner and threat summaries of VPC Flow Logs");
  g_option_context_set_summary (
      context,
      "Reads VPC Flow Log records (every input vpc2ipfix reads: plain, gzip or Parquet files,\n"
      "directories of S3 objects, CloudWatch exports and JSON, standard input when no INPUT\n"
      "or \"-\" is given; or from AWS: s3://BUCKET/PREFIX, cloudwatch://LOG-GROUP, see\n"
      "--help-aws) and IPFIX files written by vpc2ipfix (named on the command line),\n"
      "and reports in one pass: totals and reject shares; the top rejected sources,\n"
      "destination ports, destination addresses and interfaces; scanners; a time histogram\n"
      "of rejects; every address listed by a public threat feed (downloaded politely\n"
      "and cached; see --feeds), with the accepted traffic to or from high-severity\n"
      "addresses flagged first; the top talkers of accepted traffic; sensitive ports\n"
      "exposed to public addresses; egress to public, non-AWS addresses; and totals per\n"
      "account, VPC, subnet and interface; with --geoip, the country and AS of external\n"
      "addresses and the traffic per country and AS.");
  g_option_context_set_description (
      context,
      "Examples:\n"
      "  vpc-report AWSLogs/                          a table on the terminal\n"
      "  vpc-report -O html -o report.html AWSLogs/   a self-contained HTML report\n"
      "  vpc-report -O json --offline flows.ipfix     JSON, feeds from the cache only\n"
      "  vpc-report --no-threats -O csv day.log.gz    reject summary only, as CSV\n"
      "  vpc-report -O html -o today.html --since 24h s3://flowlog-bucket/AWSLogs/\n"
      "\n"
      "Exit status: 0 success, 1 runtime failure (an input could not be read to its end,\n"
      "a bad header, the report could not be written), 2 usage error.\n"
      "See vpc-report(1) for the JSON schema and the CSV sections; vpc2ipfix(1) sends the\n"
      "same logs to flow collectors as IPFIX or NetFlow.\n");
  g_option_context_add_main_entries (context, main_entries, NULL);
  GOptionGroup *threat_group = g_option_group_new ("threats", "Threat feed options:",
                                                   "Show threat feed options", NULL, NULL);
  g_option_group_add_entries (threat_group, threat_entries);
  g_option_context_add_group (context, threat_group);
  g_auto (VpcCliInput) input = { 0 };
  g_option_context_add_group (context, vpc_cli_input_group (&input));
  g_auto (VpcCliAws) aws = { 0 };
  GOptionGroup *aws_group = g_option_group_new (
      "aws", "AWS source options (s3://BUCKET/PREFIX, cloudwatch://LOG-GROUP[/STREAM-PREFIX]):",
      "Show options for reading from S3 and CloudWatch Logs", NULL, NULL);
  g_option_group_add_entries (aws_group, vpc_cli_aws_entries (&aws));
  g_option_context_add_group (context, aws_group);

  g_autoptr (GError) error = NULL;
  RenderFunc render = vpc_report_to_table;
  /* --config: the file's options first, so that the command line's win. */
  const GOptionEntry *const entry_sets[] = { main_entries, threat_entries, input.entries, aws.entries,
                                             NULL };
  g_auto (GStrv) all_args = vpc_cli_args_with_config (argc, argv, "vpc-report", entry_sets, &error);
  if (all_args == NULL)
    {
      vpc_log (VPC_LOG_ERROR, "%s", error->message);
      return g_error_matches (error, VPC_ERROR, VPC_ERROR_IO) ? EXIT_FAILURE : EXIT_USAGE;
    }
  if (!g_option_context_parse_strv (context, &all_args, &error)
      || !vpc_cli_check_range ("top", top, 1, 1000000, &options.top, &error)
      || !vpc_cli_check_range ("top-threats", top_threats, 0, G_MAXINT32, &options.top_threats,
                               &error)
      || !vpc_cli_check_range ("scan-ports", scan_ports, 1, 65536 * 256, &options.scan_ports,
                               &error)
      || !vpc_cli_check_range ("scan-hosts", scan_hosts, 1, G_MAXINT32, &options.scan_hosts, &error)
      || !vpc_cli_check_range ("bucket", bucket, 0, 86400 * 366, &options.bucket_seconds, &error)
      || !vpc_cli_check_range ("max-keys", max_keys, 1, 1 << 30, &options.max_keys, &error)
      || (exposure_ports != NULL && !vpc_report_parse_ports (exposure_ports, &options, &error))
      || !vpc_cli_check_range ("feeds-deadline", feeds_deadline, 1, 86400, &feed_options.deadline,
                               &error)
      || !vpc_cli_check_range ("feed-timeout", feed_timeout, 1, 86400, &feed_options.timeout,
                               &error)
      || !vpc_cli_aws_finish (&aws, g_get_real_time () / G_USEC_PER_SEC, &error))
    {
      vpc_log (VPC_LOG_ERROR, "%s\nTry 'vpc-report --help'.", error->message);
      return EXIT_USAGE;
    }
  if (log_level != NULL && !vpc_log_set_level (log_level))
    {
      vpc_log (VPC_LOG_ERROR, "--log-level: '%s' is not error, warning, info or debug\n"
                              "Try 'vpc-report --help'.", log_level);
      return EXIT_USAGE;
    }
  if (output_format != NULL && (render = find_renderer (output_format)) == NULL)
    {
      vpc_log (VPC_LOG_ERROR, "--output-format: '%s' is not table, csv, json or html\n"
               "Try 'vpc-report --help'.",
               output_format);
      return EXIT_USAGE;
    }
  /* An -o that cannot take a file (a directory) is refused before any input is read. */
  if (output != NULL && strcmp (output, "-") != 0 && !vpc_output_path_check (output, &error))
    {
      vpc_log (VPC_LOG_ERROR, "%s", error->message);
      return g_error_matches (error, VPC_ERROR, VPC_ERROR_USAGE) ? EXIT_USAGE : EXIT_FAILURE;
    }
  if (egress_threshold < 0)
    {
      vpc_log (VPC_LOG_ERROR, "--egress-threshold: %" G_GINT64_FORMAT " is negative\n"
                       "Try 'vpc-report --help'.", egress_threshold);
      return EXIT_USAGE;
    }
  options.egress_threshold = (guint64) egress_threshold;
  if (max_feed_size < 1)
    {
      vpc_log (VPC_LOG_ERROR, "--max-feed-size: %" G_GINT64_FORMAT " is not positive\n"
                       "Try 'vpc-report --help'.", max_feed_size);
      return EXIT_USAGE;
    }
  if (version)
    {
      printf ("vpc-report (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }
  if (!vpc_cli_input_finish (&input, &error))
    {
      vpc_log (VPC_LOG_ERROR, "%s\nTry 'vpc-report --help'.", error->message);
      return EXIT_USAGE;
    }
  feed_options.max_size = (guint64) max_feed_size;
  if (max_feed_entries < 1)
    {
      vpc_log (VPC_LOG_ERROR, "--max-feed-entries: %" G_GINT64_FORMAT " is not positive\n"
                              "Try 'vpc-report --help'.", max_feed_entries);
      return EXIT_USAGE;
    }
  feed_options.max_entries = (guint64) max_feed_entries;
  feed_options.cache_dir = cache_dir;
  feed_options.offline = offline;
  feed_options.force = refresh;
  gboolean show_progress = !quiet && isatty (STDERR_FILENO);
  if (show_progress)
    {
      feed_options.progress = on_progress;
      feed_options.progress_data = &progress_line;
    }

  struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESETHAND };
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);

  g_autoptr (VpcGeoip) geoip = NULL;
  if (geoip_paths != NULL
      && (geoip = vpc_geoip_open ((const char *const *) geoip_paths, &error)) == NULL)
    {
      vpc_log (VPC_LOG_ERROR, "%s", error->message);
      return g_error_matches (error, VPC_ERROR, VPC_ERROR_USAGE) ? EXIT_USAGE : EXIT_FAILURE;
    }

  VpcDiag diag = { print_diag, NULL };
  g_autoptr (VpcFeeds) feeds = NULL;
  g_autoptr (VpcThreatDb) db = NULL;
  if (!no_threats
      && (db = load_threats (feeds_path, &feed_options, quiet, require_feeds, &feeds, &error))
             == NULL)
    {
      progress_clear ();
      vpc_log (VPC_LOG_ERROR, "%s", error->message);
      return g_error_matches (error, VPC_ERROR, VPC_ERROR_USAGE) ? EXIT_USAGE : EXIT_FAILURE;
    }

  g_autoptr (VpcReport) report = vpc_report_new (&options, db);
  vpc_report_set_geoip (report, geoip);
  const VpcRemoteInputsOptions remote = {
    .aws = { .profile = aws.profile, .region = aws.region, .endpoint_url = aws.endpoint_url },
    .since = aws.since_time,
    .until = aws.until_time,
  };
  VpcReportReadOptions read_options = {
    .format = input.format,
    .container = input.container,
    .filter = input.compiled_filter,
    .mapper = { .packet_addresses_as_key = input.packet_addresses_as_key },
    .diag = &diag,
    .max_line_messages = 100,
    .interrupted = &interrupted,
    .progress = show_progress ? on_progress : NULL,
    .progress_data = &progress_line,
    .remote = &remote,
  };
  if (!vpc_report_read (&read_options, (const char *const *) inputs, report, &error))
    {
      progress_clear ();
      vpc_log (VPC_LOG_ERROR, "%s", error->message);
      return g_error_matches (error, VPC_ERROR, VPC_ERROR_USAGE) ? EXIT_USAGE : EXIT_FAILURE;
    }
  progress_clear ();
  g_autoptr (VpcReportSummary) summary = vpc_report_finish (report, feeds);
  g_autofree char *text = render (summary);
  if (output != NULL && strcmp (output, "-") != 0)
    {
      if (!vpc_output_path_write (output, text, strlen (text), &error))
        {
          vpc_log (VPC_LOG_ERROR, "%s", error->message);
          return EXIT_FAILURE;
        }
    }
  else if (fputs (text, stdout) == EOF || fflush (stdout) != 0)
    {
      vpc_log (VPC_LOG_ERROR, "cannot write the report to standard output");
      return EXIT_FAILURE;
    }
  if (!quiet)
    {
      const VpcCounts *c = &summary->input_total;
      vpc_log (VPC_LOG_INFO, "%u inputs, %" G_GUINT64_FORMAT " flows (%" G_GUINT64_FORMAT
               " rejected), %" G_GUINT64_FORMAT " malformed lines, %" G_GUINT64_FORMAT
               " NODATA, %" G_GUINT64_FORMAT " SKIPDATA; %" G_GUINT64_FORMAT
               " listed addresses (%" G_GUINT64_FORMAT " flagged)",
               summary->inputs->len, summary->all.flows, summary->rejected.flows, c->malformed,
               c->nodata, c->skipdata, summary->threat_addresses, summary->threat_flagged);
    }
  if (summary->failed_inputs > 0)
    {
      vpc_log (VPC_LOG_ERROR, "%u input(s) could not be read to the end",
               summary->failed_inputs);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
