/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc2ipfix: convert AWS VPC Flow Logs to IPFIX (command line). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "convert.h"
#include "output-spec.h"
#include "export/output-path.h"
#include "input/s3.h"

#define EXIT_USAGE 2

static gint interrupted;
static gint stats_requested;
static gint reopen_requested;
/* A pipe that turns readable on SIGTERM/SIGINT: waits on sockets wake up. */
static int wake_pipe[2] = { -1, -1 };

static void
on_signal (int signum)
{
  if (signum == SIGUSR1)
    g_atomic_int_set (&stats_requested, 1);
  else if (signum == SIGHUP)
    g_atomic_int_set (&reopen_requested, 1);
  else
    {
      g_atomic_int_set (&interrupted, 1);
      int saved = errno;
      if (wake_pipe[1] >= 0 && write (wake_pipe[1], "", 1) < 0)
        {
          /* full: it is readable already */
        }
      errno = saved;
    }
}

static void
print_diag (const char *message, gpointer user_data)
{
  gboolean *progress_shown = user_data;
  if (*progress_shown)
    {
      fputs ("\r\033[K", stderr);
      *progress_shown = FALSE;
    }
  vpc_log (VPC_LOG_WARNING, "%s", message);
}

typedef struct {
  gboolean shown;
  gint64 last_us;
  gint64 start_us;
} Progress;

static void
print_progress (const VpcStats *stats, const VpcCounts *current, gpointer user_data)
{
  Progress *progress = user_data;
  gint64 now = g_get_monotonic_time ();
  if (now - progress->last_us < 250000)
    return;
  progress->last_us = now;
  guint64 lines = stats->total.lines + current->lines;
  guint64 flows = stats->total.flows + current->flows;
  double secs = (double) (now - progress->start_us) / 1e6;
  fprintf (stderr, "\r\033[K%u inputs, %" G_GUINT64_FORMAT " lines, %" G_GUINT64_FORMAT
                   " flows, %.0f lines/s",
           stats->inputs->len, lines, flows, secs > 0 ? (double) lines / secs : 0.0);
  progress->shown = TRUE;
}

/* SIGUSR1: the statistics so far. */
static void
print_running_stats (const VpcStats *stats, const VpcCounts *current, gpointer user_data)
{
  Progress *progress = user_data;
  VpcStats now = *stats;
  if (current != NULL)
    vpc_counts_add (&now.total, current); /* the input being read is not in the total yet */
  g_autofree char *text = vpc_stats_to_text (&now);
  if (progress->shown)
    {
      fputs ("\r\033[K", stderr);
      progress->shown = FALSE;
    }
  vpc_log (VPC_LOG_INFO, "statistics so far (%" G_GUINT64_FORMAT " lines read):\n%s",
           now.total.lines, text);
}

/* --metrics-file and, with --follow, --stats-json: written on a timer. */
typedef struct {
  const char *metrics_file;
  const char *stats_json;  /* NULL unless following */
  gboolean follow;
  gboolean warned;         /* a write failed: said once */
} Periodic;

static void
write_periodic (const Periodic *periodic, const VpcStats *stats, const VpcCounts *current,
                gboolean *warned)
{
  g_autoptr (GError) error = NULL;
  if (periodic->metrics_file != NULL)
    {
      g_autofree char *text = vpc_stats_to_prometheus (stats, current, periodic->follow,
                                                       g_get_real_time () / 1000);
      if (!vpc_output_path_write (periodic->metrics_file, text, strlen (text), &error)
          && !*warned)
        {
          vpc_log (VPC_LOG_WARNING, "--metrics-file: %s", error->message);
          *warned = TRUE;
        }
      g_clear_error (&error);
    }
  if (periodic->stats_json != NULL)
    {
      VpcStats now = *stats;
      if (current != NULL)
        vpc_counts_add (&now.total, current); /* the input being read is not in the total yet */
      g_autofree char *json = vpc_stats_to_json (&now);
      if (!vpc_output_path_write (periodic->stats_json, json, strlen (json), &error) && !*warned)
        {
          vpc_log (VPC_LOG_WARNING, "--stats-json: %s", error->message);
          *warned = TRUE;
        }
    }
}

static Periodic periodic;

/* SIGHUP: what of --config can change while running: log-level (unless
 * the command line set it).  The rest would change what is delivered
 * half-way: it needs a restart. */
static const char *reload_config;
static gboolean reload_log_level;

static void
on_reload (gpointer user_data)
{
  (void) user_data;
  vpc_log (VPC_LOG_INFO, "SIGHUP: re-opening the outputs%s",
           reload_config != NULL ? ", re-reading log-level from the configuration" : "");
  if (reload_config == NULL || !reload_log_level)
    return;
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  if (!g_key_file_load_from_file (kf, reload_config, G_KEY_FILE_NONE, &error))
    {
      vpc_log (VPC_LOG_WARNING, "SIGHUP: %s: %s (the settings stay)", reload_config,
               error->message);
      return;
    }
  g_autofree char *level = g_key_file_get_string (kf, "vpc2ipfix", "log-level", NULL);
  if (!vpc_log_set_level (level != NULL ? level : "info"))
    vpc_log (VPC_LOG_WARNING, "SIGHUP: %s: log-level: '%s' is not error, warning, info or "
                              "debug (the level stays)", reload_config, level);
}

static void
on_tick (const VpcStats *stats, const VpcCounts *current, gpointer user_data)
{
  Progress *progress = user_data;
  if (progress->shown)
    {
      fputs ("\r\033[K", stderr);
      progress->shown = FALSE;
    }
  write_periodic (&periodic, stats, current, &periodic.warned);
}

static gboolean
parse_domain (const char *name, const char *value, gpointer data, GError **error)
{
  guint64 v;
  if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT32, &v, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s: '%s' is not a number from 0 to 4294967295", name, value);
      return FALSE;
    }
  *(guint32 *) data = (guint32) v;
  return TRUE;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  vpc_log_init ("vpc2ipfix");

  g_autofree char *output = NULL;
  g_autofree char *config = NULL;
  g_autofree char *stats_json = NULL;
  g_autofree char *metrics_file = NULL;
  g_autofree char *log_level = NULL;
  gint64 metrics_interval = 15;
  g_auto (GStrv) inputs = NULL;
  g_auto (GStrv) udp = NULL;
  g_auto (GStrv) tcp = NULL;
  g_auto (GStrv) output_specs = NULL;
  g_autofree char *state_file = NULL;
  g_autofree char *protocol = NULL;
  g_autofree char *domain_from_name = NULL;
  g_autofree char *domain_map = NULL;
  gboolean strict = FALSE, quiet = FALSE, version = FALSE, follow = FALSE;
  gboolean interface_table = FALSE, no_interface_table = FALSE;
  guint32 domain = 0;
  VpcNetOptions net = VPC_NET_OPTIONS_INIT;
  gint64 mtu = -1, rate = net.rate, refresh_seconds = net.refresh_seconds,
         refresh_messages = net.refresh_messages, connect_timeout = net.connect_timeout,
         resend_window = (gint64) net.resend_window;
  gint64 rotate = 0;
  guint periodic_interval = 15;
  gdouble settle = 2.0;

  GOptionEntry main_entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Write IPFIX to FILE (\"-\" = standard output, the default without --udp/--tcp)",
      "FILE" },
    { "rotate", 0, 0, G_OPTION_ARG_INT64, &rotate,
      "With a time pattern in -o (flows-%Y%m%d%H%M.ipfix: strftime, local time): start a new "
      "file every SECONDS, each committed when its time bin ends",
      "SECONDS" },
    { "udp", 0, 0, G_OPTION_ARG_STRING_ARRAY, &udp,
      "Send IPFIX to a collector over UDP (repeatable; HOST is a name, an IPv4 address or "
      "[IPv6])",
      "HOST:PORT" },
    { "tcp", 0, 0, G_OPTION_ARG_STRING_ARRAY, &tcp,
      "Send IPFIX to a collector over TCP (repeatable)", "HOST:PORT" },
    { "output-spec", 0, 0, G_OPTION_ARG_STRING_ARRAY, &output_specs,
      "One more output, with a name and its own destination, protocol, filter and domain "
      "(repeatable; in --config: [output NAME] groups): \"rejects:udp=HOST:PORT;protocol=v9;"
      "filter=action reject;observation-domain=2\"; see OUTPUTS in vpc2ipfix(1)",
      "NAME:KEY=VALUE;..." },
    { "follow", 'F', 0, G_OPTION_ARG_NONE, &follow,
      "Keep reading: a file as it grows (rotation and truncation survived), standard input "
      "until it closes, or directories for new files; stop with SIGTERM or SIGINT",
      NULL },
    { "state", 0, 0, G_OPTION_ARG_FILENAME, &state_file,
      "Remember in FILE the input files completely delivered (name, size, time), and skip "
      "them in later runs",
      "FILE" },
    { "settle", 0, 0, G_OPTION_ARG_DOUBLE, &settle,
      "-F on directories: take a file (not gzip) once its size and time have not changed "
      "for SECONDS (default 2); a gzip file once its stream is complete",
      "SECONDS" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print no summary and no progress", NULL },
    { "stats-json", 0, 0, G_OPTION_ARG_FILENAME, &stats_json,
      "Write the statistics to FILE as JSON", "FILE" },
    { "metrics-file", 0, 0, G_OPTION_ARG_FILENAME, &metrics_file,
      "Write the running statistics to FILE in the Prometheus text format, replaced "
      "atomically every --metrics-interval (node_exporter's textfile collector); with "
      "--follow, --stats-json is refreshed on the same timer",
      "FILE" },
    { "metrics-interval", 0, 0, G_OPTION_ARG_INT64, &metrics_interval,
      "Seconds between --metrics-file updates (default 15)", "SECONDS" },
    { "log-level", 0, 0, G_OPTION_ARG_STRING, &log_level,
      "Print messages of LEVEL and above: error, warning (per-line and per-input warnings), "
      "info (the default: the statistics too) or debug; to the journal (systemd), each with "
      "its syslog priority prefix",
      "LEVEL" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config,
      "Read options from FILE (GKeyFile, group [vpc2ipfix], the long options as keys); the "
      "command line wins",
      "FILE" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL, "[INPUT...]" },
    { NULL }
  };
  GOptionEntry input_entries[] = {
    { "strict", 0, 0, G_OPTION_ARG_NONE, &strict,
      "Stop at the first malformed line or payload (default: report, count and skip it)",
      NULL },
    { NULL }
  };
  GOptionEntry net_entries[] = {
    { "protocol", 'P', 0, G_OPTION_ARG_STRING, &protocol,
      "UDP: what to send: ipfix (the default), v9 (NetFlow v9) or v5 (NetFlow v5, IPv4 "
      "only); -o files are IPFIX whatever it says",
      "PROTO" },
    { "mtu", 0, 0, G_OPTION_ARG_INT64, &mtu,
      "UDP: path MTU; a message fills at most one datagram of BYTES (default 1400; 1500 "
      "with --protocol v5: 30 records per datagram)",
      "BYTES" },
    { "rate", 0, 0, G_OPTION_ARG_INT64, &rate,
      "UDP: at most N records per second, 0 = no limit (default 50000)", "N" },
    { "template-refresh", 0, 0, G_OPTION_ARG_INT64, &refresh_seconds,
      "UDP: send the templates again every SECONDS, 0 = never (default 30)", "SECONDS" },
    { "template-refresh-messages", 0, 0, G_OPTION_ARG_INT64, &refresh_messages,
      "UDP: and every N messages, 0 = never (default 1000)", "N" },
    { "connect-timeout", 0, 0, G_OPTION_ARG_INT64, &connect_timeout,
      "TCP: keep trying to connect or reconnect, or to send to a collector that takes "
      "nothing, for SECONDS, 0 = for ever (default 300)",
      "SECONDS" },
    { "resend-window", 0, 0, G_OPTION_ARG_INT64, &resend_window,
      "TCP: after a reconnection, send the last BYTES of messages again (default 0: what "
      "the kernels may hold, our send buffer and this host's largest TCP receive buffer)",
      "BYTES" },
    { NULL }
  };
  g_auto (VpcCliAws) aws = { 0 };
  vpc_cli_aws_entries (&aws);
  g_autofree char *sqs_url = NULL;
  gboolean sqs_keep_other = FALSE;
  gint64 poll_interval = 60, sqs_visibility = 300;
  GOptionEntry s3_entries[] = {
    { "sqs", 0, 0, G_OPTION_ARG_STRING, &sqs_url,
      "Convert the S3 objects the notifications in this SQS queue name (direct, through SNS, "
      "or EventBridge), deleting each message once its objects are delivered; with -F, wait "
      "for more", "QUEUE-URL" },
    { "sqs-keep-other", 0, 0, G_OPTION_ARG_NONE, &sqs_keep_other,
      "Leave messages that are not object notifications in the queue (default: delete them)",
      NULL },
    { "sqs-visibility", 0, 0, G_OPTION_ARG_INT64, &sqs_visibility,
      "Hide a message received from the other workers for SECONDS, extended while its objects "
      "are downloaded, converted and delivered (default 300)", "SECONDS" },
    { "poll-interval", 0, 0, G_OPTION_ARG_INT64, &poll_interval,
      "With -F: list an S3 prefix or query a log group again every SECONDS (default 60)",
      "SECONDS" },
    { NULL }
  };
  GOptionEntry ipfix_entries[] = {
    { "observation-domain", 'd', 0, G_OPTION_ARG_CALLBACK, (gpointer) parse_domain,
      "IPFIX observation domain ID (default 0)", "ID" },
    { "observation-domain-from", 0, 0, G_OPTION_ARG_STRING, &domain_from_name,
      "Collectors: an observation domain per account, vpc, region, interface or flow-log (the "
      "fl- ID in an S3 object's name; a stable ID from the FNV-1a hash of the AWS ID; one "
      "exporter each in nfdump -E; flows without the field keep -d's); see OBSERVATION "
      "DOMAINS in vpc2ipfix(1)",
      "SOURCE" },
    { "observation-domain-map", 0, 0, G_OPTION_ARG_FILENAME, &domain_map,
      "Read the domain IDs assigned in earlier runs from FILE (\"ID KEY\" lines), and write "
      "the map back to it (atomically) whenever a new ID is assigned",
      "FILE" },
    { "interface-table", 0, 0, G_OPTION_ARG_NONE, &interface_table,
      "Publish the interface table: an options record naming each interface index, for "
      "collectors that keep only the index, and with --observation-domain-from one naming "
      "each domain (observationDomainName) (off by default: nfcapd counts options records "
      "as lost flows in its sequence check)",
      NULL },
    /* The default since the interface table became opt-in; still accepted. */
    { "no-interface-table", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &no_interface_table,
      NULL, NULL },
    { NULL }
  };

  g_autoptr (GOptionContext) context = g_option_context_new ("- convert AWS VPC Flow Logs to IPFIX");
  g_option_context_set_summary (
      context,
      "Reads VPC Flow Log records (plain, gzip or Parquet files, directories of S3 objects,\n"
      "or standard input when no INPUT or \"-\" is given; named pipes such as <(zcat x.gz)\n"
      "are read like it; or from AWS: s3://BUCKET/PREFIX, cloudwatch://LOG-GROUP, --sqs\n"
      "QUEUE-URL, see --help-aws) and writes them as an IPFIX file, or streams them to\n"
      "collectors over UDP or TCP (--udp, --tcp; see --help-collector).\n"
      "\n"
      "Containers, detected by content in every input (or forced with --input-format):\n"
      "  text               flow log lines: S3 objects, Firehose plain records\n"
      "  cloudwatch-export  CloudWatch Logs create-export-task objects (time + record lines)\n"
      "  json               aws logs filter-log-events / get-log-events output (pages may be\n"
      "                     concatenated), subscription messages and Lambda/Kinesis events,\n"
      "                     Firehose {\"message\":...} objects written back to back\n"
      "  base64             CloudWatch subscription payloads (base64 of gzip), one per line\n"
      "Parquet files (S3 *.log.parquet objects) are recognised by content too (PAR1).");
  g_option_context_set_description (
      context,
      "Examples:\n"
      "  vpc2ipfix -o flows.ipfix AWSLogs/            a directory tree synced from S3\n"
      "  vpc2ipfix -o flows.ipfix a.log b.log.gz      files, gzip detected by content\n"
      "  zcat x.log.gz | vpc2ipfix -o - > flows.ipfix\n"
      "  aws logs filter-log-events --log-group-name vpc-flows | vpc2ipfix -o flows.ipfix\n"
      "  vpc2ipfix -o flows.ipfix exportedlogs/     CloudWatch export objects (.gz)\n"
      "  vpc2ipfix -o flows.ipfix payloads.b64      subscription payloads, one per line\n"
      "  vpc2ipfix -o flows.ipfix firehose/         Firehose objects, plain or {\"message\"}\n"
      "  vpc2ipfix --format '${srcaddr} ${dstaddr} ${action}' -o out.ipfix headerless.log\n"
      "  vpc2ipfix --tcp 127.0.0.1:4739 AWSLogs/    to SiLK rwflowpack (or any TCP collector)\n"
      "  vpc2ipfix --no-interface-table --udp 127.0.0.1:9995 AWSLogs/   to nfcapd\n"
      "  vpc2ipfix --protocol v9 --udp 10.0.0.5:2055 AWSLogs/   to a NetFlow v9 collector\n"
      "  vpc2ipfix -F --state done.txt --tcp 127.0.0.1:4739 /data/AWSLogs/\n"
      "                                             convert new S3 objects as they are synced\n"
      "  vpc2ipfix -F --udp 127.0.0.1:2100 /var/log/flows.log   follow a growing file\n"
      "  vpc2ipfix -F --state s3.state --udp 127.0.0.1:2055 s3://flowlog-bucket/AWSLogs/\n"
      "                                             new S3 objects as they arrive\n"
      "  vpc2ipfix -o cw.ipfix --since 1h cloudwatch://vpc-flow-logs\n"
      "  vpc2ipfix -F --tcp 127.0.0.1:4739 --sqs https://sqs.us-east-1.amazonaws.com/1/q\n"
      "                                             S3 notifications, shared by N workers\n"
      "  vpc2ipfix -F --state done.txt -o 'flows-%Y%m%d%H%M.ipfix' --rotate 300 /data/in/\n"
      "                                             5-minute files, like nfcapd -t 300\n"
      "\n"
      "Delivery: --state records an input once all its records are delivered: sent (UDP),\n"
      "acknowledged by the collector's TCP (TCP), in a committed file (-o: at the end, or\n"
      "when its --rotate bin ends).  A restart after a crash sends the inputs not recorded\n"
      "again; see vpc2ipfix(1), DELIVERY GUARANTEES.\n"
      "\n"
      "Signals: SIGTERM/SIGINT stop reading at once and send what was read (the normal end\n"
      "with --follow; a collector that takes nothing gets 3 s more); SIGUSR1 prints the\n"
      "statistics so far; SIGHUP re-opens the outputs and re-reads log-level from --config.\n"
      "\n"
      "Exit status: 0 success (also a --follow run stopped by a signal), 1 runtime failure\n"
      "(an input could not be read to its end, bad header, output or collector error, a UDP\n"
      "collector that refused everything, records not delivered after a signal, interrupted\n"
      "without --follow), 2 usage error.\n"
      "See vpc2ipfix(1) for the field mapping; vpc-report(1) summarises the same logs\n"
      "(rejects, scanners, threats).\n");
  g_option_context_add_main_entries (context, main_entries, NULL);

  g_auto (VpcCliInput) input = { 0 };
  GOptionGroup *input_group = vpc_cli_input_group (&input);
  g_option_group_add_entries (input_group, input_entries);
  g_option_context_add_group (context, input_group);
  GOptionGroup *net_group = g_option_group_new ("collector", "Collector options:",
                                                "Show options for --udp and --tcp", NULL, NULL);
  g_option_group_add_entries (net_group, net_entries);
  g_option_context_add_group (context, net_group);
  GOptionGroup *ipfix_group = g_option_group_new ("ipfix", "IPFIX options:",
                                                  "Show IPFIX options", &domain, NULL);
  g_option_group_add_entries (ipfix_group, ipfix_entries);
  g_option_context_add_group (context, ipfix_group);
  GOptionGroup *s3_group = g_option_group_new (
      "aws", "AWS source options (s3://BUCKET/PREFIX, cloudwatch://LOG-GROUP[/STREAM-PREFIX], --sqs):",
      "Show options for reading from S3, CloudWatch Logs and SQS", NULL, NULL);
  g_option_group_add_entries (s3_group, aws.entries);
  g_option_group_add_entries (s3_group, s3_entries);
  g_option_context_add_group (context, s3_group);

  g_autoptr (GError) error = NULL;
  /* --config: the file's options first, so that the command line's win. */
  const GOptionEntry *const entry_sets[] = { main_entries, input.entries, input_entries,
                                             net_entries, ipfix_entries, aws.entries, s3_entries,
                                             NULL };
  g_auto (GStrv) all_args = vpc_cli_args_with_config (argc, argv, "vpc2ipfix", entry_sets, &error);
  if (all_args == NULL)
    {
      vpc_log (VPC_LOG_ERROR, "%s", error->message);
      return g_error_matches (error, VPC_ERROR, VPC_ERROR_IO) ? EXIT_FAILURE : EXIT_USAGE;
    }
  if (g_option_context_parse_strv (context, &all_args, &error) && protocol != NULL
      && !vpc_protocol_parse (protocol, &net.protocol))
    g_set_error (&error, VPC_ERROR, VPC_ERROR_USAGE,
                 "--protocol: '%s' is not ipfix, v9 or v5", protocol);
  if (mtu < 0)
    mtu = net.protocol == VPC_PROTOCOL_NETFLOW_V5 ? 1500 : net.mtu;
  if (error != NULL
      || !vpc_cli_check_range ("mtu", mtu, 576, 65535, &net.mtu, &error)
      || !vpc_cli_check_range ("rate", rate, 0, G_MAXUINT32, &net.rate, &error)
      || !vpc_cli_check_range ("template-refresh", refresh_seconds, 0, 86400,
                               &net.refresh_seconds, &error)
      || !vpc_cli_check_range ("template-refresh-messages", refresh_messages, 0, G_MAXUINT32,
                               &net.refresh_messages, &error)
      || !vpc_cli_check_range ("connect-timeout", connect_timeout, 0, 86400 * 365,
                               &net.connect_timeout, &error)
      || !vpc_cli_check_range ("metrics-interval", metrics_interval, 1, 86400,
                               &periodic_interval, &error))
    {
      vpc_log (VPC_LOG_ERROR, "%s\nTry 'vpc2ipfix --help'.", error->message);
      return EXIT_USAGE;
    }
  if (log_level != NULL && !vpc_log_set_level (log_level))
    {
      vpc_log (VPC_LOG_ERROR, "--log-level: '%s' is not error, warning, info or debug\n"
                              "Try 'vpc2ipfix --help'.", log_level);
      return EXIT_USAGE;
    }
  if (version)
    {
      printf ("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (resend_window < 0)
    {
      vpc_log (VPC_LOG_ERROR, "--resend-window: %" G_GINT64_FORMAT " is negative\n"
                       "Try 'vpc2ipfix --help'.", resend_window);
      return EXIT_USAGE;
    }
  net.resend_window = (gsize) resend_window;
  const char *rotate_problem = NULL;
  if (rotate < 0 || rotate > 86400 * 366)
    rotate_problem = "--rotate: SECONDS must be 1 to 31622400";
  else if (rotate > 0 && (output == NULL || strcmp (output, "-") == 0))
    rotate_problem = "--rotate needs -o with a time pattern (like flows-%Y%m%d%H%M.ipfix)";
  else if (rotate > 0 && !vpc_output_name_has_time (output))
    rotate_problem = "--rotate: -o names no time (add strftime fields like %Y%m%d%H%M, or "
                     "every bin would have the same name)";
  else if (rotate == 0 && output != NULL && vpc_output_name_has_time (output))
    rotate_problem = "-o has a time pattern (%): add --rotate SECONDS";
  else if (!(settle >= 0 && settle <= 86400))
    rotate_problem = "--settle: SECONDS must be 0 to 86400";
  if (rotate_problem != NULL)
    {
      vpc_log (VPC_LOG_ERROR, "%s\nTry 'vpc2ipfix --help'.", rotate_problem);
      return EXIT_USAGE;
    }
  net.interrupted = &interrupted;
  if (pipe2 (wake_pipe, O_CLOEXEC | O_NONBLOCK) == 0)
    net.wake_fd = wake_pipe[0];
  gboolean to_collectors = (udp != NULL && udp[0] != NULL) || (tcp != NULL && tcp[0] != NULL);
  VpcDomainFrom domain_from = VPC_DOMAIN_FROM_NONE;
  if (domain_from_name != NULL && !vpc_domain_from_parse (domain_from_name, &domain_from))
    {
      vpc_log (VPC_LOG_ERROR, "--observation-domain-from: '%s' is not account, vpc, "
                       "region, interface or flow-log\nTry 'vpc2ipfix --help'.", domain_from_name);
      return EXIT_USAGE;
    }
  if (domain_from != VPC_DOMAIN_FROM_NONE && (output != NULL || !to_collectors))
    {
      vpc_log (VPC_LOG_ERROR, "--observation-domain-from goes to --udp and --tcp "
                       "collectors (a -o file holds one stream)\nTry 'vpc2ipfix --help'.");
      return EXIT_USAGE;
    }
  g_autoptr (GPtrArray) specs = g_ptr_array_new_with_free_func ((GDestroyNotify) vpc_output_spec_free);
  VpcOutputSpec spec_defaults = { .net = net, .observation_domain = domain,
                                  .interface_table = interface_table && !no_interface_table,
                                  .domain_from = domain_from };
  for (char **s = output_specs; s != NULL && *s != NULL; s++)
    {
      VpcOutputSpec *spec = vpc_output_spec_parse (*s, &spec_defaults, &error);
      if (spec == NULL)
        {
          vpc_log (VPC_LOG_ERROR, "%s\nTry 'vpc2ipfix --help'.", error->message);
          return EXIT_USAGE;
        }
      for (guint i = 0; i < specs->len; i++)
        if (strcmp (((VpcOutputSpec *) specs->pdata[i])->name, spec->name) == 0)
          {
            vpc_log (VPC_LOG_ERROR, "output '%s' is declared twice", spec->name);
            vpc_output_spec_free (spec);
            return EXIT_USAGE;
          }
      g_ptr_array_add (specs, spec);
    }
  if (net.protocol != VPC_PROTOCOL_IPFIX
      && (udp == NULL || udp[0] == NULL || (tcp != NULL && tcp[0] != NULL)))
    {
      vpc_log (VPC_LOG_ERROR, "--protocol %s: NetFlow goes to --udp collectors only (TCP and -o "
               "files carry IPFIX)\nTry 'vpc2ipfix --help'.",
               vpc_protocol_name (net.protocol));
      return EXIT_USAGE;
    }

  if (!vpc_cli_input_finish (&input, &error))
    {
      vpc_log (VPC_LOG_ERROR, "%s\nTry 'vpc2ipfix --help'.", error->message);
      return EXIT_USAGE;
    }
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint poll_seconds = 60, sqs_visibility_s = 300;
  if (!vpc_cli_aws_finish (&aws, now, &error)
      || !vpc_cli_check_range ("poll-interval", poll_interval, 1, 86400, &poll_seconds, &error)
      || !vpc_cli_check_range ("sqs-visibility", sqs_visibility, 2, 43200, &sqs_visibility_s,
                               &error))
    {
      vpc_log (VPC_LOG_ERROR, "%s\nTry 'vpc2ipfix --help'.", error->message);
      return EXIT_USAGE;
    }
  /* A --stats-json that cannot take a file (a directory) is refused before any input is read. */
  if (stats_json != NULL && !vpc_output_path_check (stats_json, &error))
    {
      vpc_log (VPC_LOG_ERROR, "--stats-json: %s", error->message);
      return g_error_matches (error, VPC_ERROR, VPC_ERROR_USAGE) ? EXIT_USAGE : EXIT_FAILURE;
    }
  if (metrics_file != NULL && !vpc_output_path_check (metrics_file, &error))
    {
      vpc_log (VPC_LOG_ERROR, "--metrics-file: %s", error->message);
      return g_error_matches (error, VPC_ERROR, VPC_ERROR_USAGE) ? EXIT_USAGE : EXIT_FAILURE;
    }
  periodic.metrics_file = metrics_file;
  periodic.stats_json = follow ? stats_json : NULL;
  periodic.follow = follow;

  /* The first SIGTERM/SIGINT stops the run cleanly; a second one kills. */
  struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESETHAND };
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  struct sigaction usr = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
  sigemptyset (&usr.sa_mask);
  sigaction (SIGUSR1, &usr, NULL);
  sigaction (SIGHUP, &usr, NULL);
  reload_config = config;
  /* The command line's --log-level wins over the file's, also after SIGHUP. */
  reload_log_level = TRUE;
  for (int i = 1; i < argc && strcmp (argv[i], "--") != 0; i++)
    if (strcmp (argv[i], "--log-level") == 0 || g_str_has_prefix (argv[i], "--log-level="))
      reload_log_level = FALSE;

  Progress progress = { .start_us = g_get_monotonic_time () };
  VpcDiag diag = { print_diag, &progress.shown };
  VpcConvertOptions options = {
    .output = output != NULL ? output : (to_collectors || specs->len > 0) ? NULL : "-",
    .output_specs = specs,
    .rotate_seconds = (guint) rotate,
    .settle_us = (gint64) (settle * G_USEC_PER_SEC),
    .udp = (const char *const *) udp,
    .tcp = (const char *const *) tcp,
    .net = net,
    .follow = follow,
    .state_file = state_file,
    .format = input.format,
    .container = input.container,
    .filter = input.compiled_filter,
    .strict = strict,
    .observation_domain = domain,
    .domain_from = domain_from,
    .domain_map_file = domain_map,
    .interface_table = interface_table && !no_interface_table,
    .mapper = { .packet_addresses_as_key = input.packet_addresses_as_key },
    .diag = &diag,
    .max_line_messages = 100,
    .interrupted = &interrupted,
    .stats_requested = &stats_requested,
    .reopen_requested = &reopen_requested,
    .reload = on_reload,
    .report = print_running_stats,
    .progress = (!quiet && isatty (STDERR_FILENO)) ? print_progress : NULL,
    .progress_data = &progress,
    .tick_seconds = periodic_interval,
    .tick = (periodic.metrics_file != NULL || periodic.stats_json != NULL) ? on_tick : NULL,
    .aws = { .profile = aws.profile, .region = aws.region, .endpoint_url = aws.endpoint_url },
    .since = aws.since_time,
    .until = aws.until_time,
    .poll_seconds = poll_seconds,
    .sqs_url = sqs_url,
    .sqs_keep_other = sqs_keep_other,
    .sqs_visibility = sqs_visibility_s,
  };
  g_autoptr (VpcStats) stats = vpc_stats_new ();
  gboolean ok = vpc_convert_run (&options, (const char *const *) inputs, stats, &error);
  if (progress.shown)
    fputs ("\r\033[K", stderr);
  gboolean cut_short = !ok && g_error_matches (error, VPC_ERROR, VPC_ERROR_INTERRUPTED);
  /* A failure once the outputs were open still ends with the statistics
   * (what went where), then the reason. */
  gboolean started = stats->outputs->len > 0;
  if (cut_short)
    stats->interrupted = TRUE; /* also before any output was opened */
  if (!ok && !cut_short && !started)
    {
      vpc_log (VPC_LOG_ERROR, "%s", error->message);
      return g_error_matches (error, VPC_ERROR, VPC_ERROR_USAGE) ? EXIT_USAGE : EXIT_FAILURE;
    }
  if (!quiet)
    {
      g_autofree char *text = vpc_stats_to_text (stats);
      vpc_log_text (VPC_LOG_INFO, text);
    }
  if (metrics_file != NULL)
    {
      Periodic last = { .metrics_file = metrics_file, .follow = follow };
      write_periodic (&last, stats, NULL, &periodic.warned);
    }
  g_autoptr (GError) json_error = NULL;
  g_autofree char *json = stats_json != NULL ? vpc_stats_to_json (stats) : NULL;
  if (json != NULL && !vpc_output_path_write (stats_json, json, strlen (json), &json_error))
    {
      vpc_log (VPC_LOG_ERROR, "%s", json_error->message);
      return EXIT_FAILURE;
    }
  if (!ok && !cut_short)
    {
      vpc_log (VPC_LOG_ERROR, "%s", error->message);
      return EXIT_FAILURE;
    }
  if (cut_short)
    {
      vpc_log (VPC_LOG_ERROR, "interrupted: %s",
               to_collectors || specs->len > 0 ? "what was read went to the collectors; no output file was written"
                             : "no output file was written");
      return EXIT_FAILURE;
    }
  if (stats->failed_inputs > 0)
    {
      vpc_log (VPC_LOG_ERROR, "%u input(s) could not be read to the end",
               stats->failed_inputs);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
