/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc-report inputs: the read loop over text (shared reader/parser/mapper) and IPFIX inputs. */
#include "config.h"

#include "report-read.h"

#include <string.h>

#include "input/inputs.h"
#include "ipfix-input.h"
#include "flow/parser.h"
#include "input/reader.h"
#include "flow/records.h"

#define POLL_RECORDS 4096

static gboolean
interrupted (const VpcReportReadOptions *options, GError **error)
{
  if (options->interrupted != NULL && g_atomic_int_get (options->interrupted))
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_INTERRUPTED, "interrupted");
      return TRUE;
    }
  return FALSE;
}

/* Where the reading is, for options->progress. */
typedef struct {
  guint index, count;
  const char *path;
} Position;

static void
progress (const VpcReportReadOptions *options, const Position *at, VpcReport *report)
{
  if (options->progress == NULL)
    return;
  g_autofree char *of = at->count > 0 ? g_strdup_printf (" of %u", at->count) : g_strdup ("");
  g_autofree char *text = g_strdup_printf ("reading %u%s: %s, %" G_GUINT64_FORMAT " flows",
                                           at->index, of, at->path, vpc_report_get_flows (report));
  options->progress (options->progress_data, text);
}

/* The report as the consumer of the shared record loop (records.h). */
typedef struct {
  const VpcReportReadOptions *options;
  const Position *at;
  VpcReport *report;
  VpcFlow flow;
} TextReading;

static VpcFlow *
text_next_flow (gpointer data)
{
  return &((TextReading *) data)->flow;
}

static gboolean
text_push (gpointer data, guint64 mask, GError **error)
{
  TextReading *r = data;
  vpc_report_add_flow (r->report, &r->flow, mask);
  return TRUE;
}

static gboolean
text_poll (gpointer data, gboolean idle, const VpcCounts *counts, GError **error)
{
  TextReading *r = data;
  progress (r->options, r->at, r->report);
  return !interrupted (r->options, error);
}

static const VpcRecordsConsumer text_consumer = {
  .next_flow = text_next_flow,
  .push = text_push,
  .poll = text_poll,
};

/* One flow-log input, read and counted as vpc2ipfix reads it. */
static gboolean
read_text (const VpcReportReadOptions *options, const Position *at, VpcParser *parser,
           const char *path, const char *name, VpcReport *report, const char **input_error,
           GError **error)
{
  VpcReportInput *input = vpc_report_begin_input (report, name, "text");
  VpcRecordsOptions records = {
    .container = options->container,
    .flags = strcmp (path, "-") == 0 ? VPC_READER_LIVE : 0,
    .mapper = &options->mapper,
    .diag = options->diag,
    .max_line_messages = options->max_line_messages,
    .filter = options->filter,
    .name = strcmp (name, path) != 0 ? name : NULL,
  };
  TextReading reading = { .options = options, .at = at, .report = report };
  VpcRecordsInput result = { 0 };
  gboolean ok = vpc_records_read (path, &records, parser, &text_consumer, &reading,
                                  &input->counts, &result, error);
  input->error = result.error;
  *input_error = input->error;
  input->compressed = result.compressed;
  input->container = result.container;
  return ok;
}

static gboolean
read_ipfix (const VpcReportReadOptions *options, const Position *at, const char *path,
            const char *name, VpcReport *report, const char **input_error, GError **error)
{
  VpcReportInput *input = vpc_report_begin_input (report, name, "ipfix");
  input->container = "ipfix";
  g_autoptr (GError) local = NULL;
  g_autoptr (VpcIpfixInput) in = vpc_ipfix_input_open (path, &local);
  if (in == NULL)
    {
      input->error = g_strdup (local->message);
      *input_error = input->error;
      vpc_diag_emit (options->diag, "%s", local->message);
      return TRUE;
    }
  const VpcFlow *flow;
  guint64 mask;
  guint since_poll = 0;
  gboolean ok = TRUE;
  while (vpc_ipfix_input_next (in, &flow, &mask, &local))
    {
      vpc_counts_add_flow (&input->counts, mask);
      if (options->filter != NULL && !vpc_filter_match (options->filter, flow, mask))
        input->counts.filtered++;
      else
        vpc_report_add_flow (report, flow, mask);
      if (++since_poll == POLL_RECORDS)
        {
          since_poll = 0;
          progress (options, at, report);
          if (interrupted (options, error))
            {
              ok = FALSE;
              break;
            }
        }
    }
  if (ok && !g_error_matches (local, VPC_ERROR, VPC_ERROR_EOF))
    {
      input->error = g_strdup (local->message);
      vpc_diag_emit (options->diag, "%s", local->message);
    }
  *input_error = input->error;
  input->compressed = vpc_ipfix_input_is_compressed (in);
  input->ipfix_records = vpc_ipfix_input_get_records (in);
  input->ipfix_options_records = vpc_ipfix_input_get_options_records (in);
  return ok;
}

/* ---- s3:// and cloudwatch:// inputs (input/remote-inputs.h) ---- */

typedef struct {
  const VpcReportReadOptions *options;
  VpcParser *parser;
  VpcReport *report;
  guint index;
} RemoteReading;

static gboolean
remote_poll (gpointer data, gboolean idle, GError **error)
{
  RemoteReading *r = data;
  return !interrupted (r->options, error);
}

static gboolean
remote_read (gpointer data, const char *path, const char *name, gboolean *failed,
             GError **error)
{
  RemoteReading *r = data;
  Position at = { .index = ++r->index, .count = 0, .path = name };
  progress (r->options, &at, r->report);
  const char *input_error = NULL;
  gboolean ok
      = vpc_ipfix_input_probe (path)
            ? read_ipfix (r->options, &at, path, name, r->report, &input_error, error)
            : read_text (r->options, &at, r->parser, path, name, r->report, &input_error, error);
  *failed = ok && input_error != NULL;
  return ok;
}

/* An object that could not be downloaded: an input with its error (exit 1). */
static void
remote_failed (gpointer data, const char *name, const char *message)
{
  RemoteReading *r = data;
  VpcReportInput *input = vpc_report_begin_input (r->report, name, "text");
  input->error = g_strdup (message);
}

static gboolean
read_remote (const VpcReportReadOptions *options, VpcParser *parser, const char *const *urls,
             VpcReport *report, GError **error)
{
  VpcRemoteInputsOptions remote = {
    .since = G_MININT64,
    .until = G_MAXINT64,
  };
  if (options->remote != NULL)
    remote = *options->remote;
  g_autoptr (VpcStats) stats = vpc_stats_new ();
  remote.aws.diag = options->diag;
  remote.aws.interrupted = options->interrupted;
  remote.diag = options->diag;
  remote.stats = stats;
  remote.state = NULL;
  remote.follow = FALSE;
  g_autoptr (VpcAwsClient) client = vpc_aws_client_new (&remote.aws);
  if (!vpc_aws_client_check_credentials (client, error))
    return FALSE;
  RemoteReading reading = { .options = options, .parser = parser, .report = report };
  const VpcRemoteInputsConsumer consumer = {
    .data = &reading,
    .poll = remote_poll,
    .convert = remote_read,
    .failed = remote_failed,
  };
  gboolean ok = vpc_remote_inputs_read (client, &remote, urls, &consumer, error);
  for (guint i = 0; i < stats->skipped_files->len; i++)
    vpc_report_add_skipped (report, stats->skipped_files->pdata[i]);
  return ok;
}

gboolean
vpc_report_read (const VpcReportReadOptions *options, const char *const *inputs,
                 VpcReport *report, GError **error)
{
  g_autoptr (VpcParser) parser = vpc_parser_new (options->diag);
  if (options->format != NULL && !vpc_parser_set_format (parser, options->format, error))
    {
      (*error)->code = VPC_ERROR_USAGE;
      return FALSE;
    }
  VpcRemoteInputsKind remote_kind;
  if (!vpc_remote_inputs_kind (inputs, &remote_kind, error))
    return FALSE;
  if (remote_kind != VPC_REMOTE_INPUTS_NONE)
    return read_remote (options, parser, inputs, report, error);
  const char *const stdin_only[] = { "-", NULL };
  if (inputs == NULL || inputs[0] == NULL)
    inputs = stdin_only;
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  if (!vpc_inputs_expand (inputs, paths, skipped, error))
    return FALSE;
  for (guint i = 0; i < skipped->len; i++)
    {
      vpc_diag_emit (options->diag, "skipped %s", (const char *) skipped->pdata[i]);
      vpc_report_add_skipped (report, skipped->pdata[i]);
    }
  if (paths->len == 0)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "no flow log files among the inputs");
      return FALSE;
    }
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = paths->pdata[i];
      Position at = { .index = i + 1, .count = paths->len, .path = path };
      progress (options, &at, report);
      const char *input_error = NULL;
      gboolean ok = vpc_ipfix_input_probe (path)
                        ? read_ipfix (options, &at, path, path, report, &input_error, error)
                        : read_text (options, &at, parser, path, path, report, &input_error,
                                     error);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}
