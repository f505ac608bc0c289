/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc-report inputs: the read loop over text (shared reader/parser/mapper) and IPFIX inputs. */
#include "config.h"

#include "report-read.h"

#include <string.h>

#include "inputs.h"
#include "ipfix-input.h"
#include "parser.h"
#include "reader.h"

/* A longer log stream name is not taken as an interface id (as vpc2ipfix). */
#define MAX_STREAM_NAME 255
#define POLL_LINES 4096

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

static void
line_problem (const VpcReportReadOptions *options, const char *name, guint64 line_number,
              const GError *problem, guint *shown)
{
  if (*shown < options->max_line_messages)
    vpc_diag_emit (options->diag, "%s:%" G_GUINT64_FORMAT ": %s", name, line_number,
                   problem->message);
  else if (*shown == options->max_line_messages)
    vpc_diag_emit (options->diag,
                   "%s: more malformed lines or payloads; they are counted but not shown", name);
  (*shown)++;
}

static gboolean
has_interface_column (VpcParser *parser)
{
  const VpcFieldId *columns;
  guint n = vpc_parser_get_columns (parser, &columns);
  for (guint i = 0; i < n; i++)
    if (columns[i] == VPC_FIELD_INTERFACE_ID)
      return TRUE;
  return FALSE;
}

/* One flow-log input, counted as vpc2ipfix counts (stats.h). */
static gboolean
read_text (const VpcReportReadOptions *options, VpcParser *parser, const char *path,
           VpcReport *report, GError **error)
{
  VpcReportInput *input = vpc_report_begin_input (report, path, "text");
  VpcCounts *c = &input->counts;
  g_autoptr (GError) local = NULL;
  VpcReaderFlags flags = strcmp (path, "-") == 0 ? VPC_READER_LIVE : 0;
  g_autoptr (VpcReader) reader = vpc_reader_open_full (path, options->container, flags, &local);
  if (reader == NULL)
    {
      input->error = g_strdup (local->message);
      vpc_diag_emit (options->diag, "%s", local->message);
      return TRUE;
    }
  const char *name = vpc_reader_get_name (reader);
  vpc_parser_begin_input (parser);
  gboolean interface_column = has_interface_column (parser);
  g_autofree VpcRecord *record = g_new0 (VpcRecord, 1);
  VpcFlow flow;
  guint shown = 0, since_poll = 0;
  VpcLine line;
  gboolean ok = TRUE;
  for (;;)
    {
      if (++since_poll == POLL_LINES)
        {
          since_poll = 0;
          if (interrupted (options, error))
            {
              ok = FALSE;
              break;
            }
        }
      guint64 *problems = &c->malformed;
      if (!vpc_reader_next_line (reader, &line, &local))
        {
          if (g_error_matches (local, VPC_ERROR, VPC_ERROR_EOF))
            break;
          if (g_error_matches (local, VPC_ERROR, VPC_ERROR_AGAIN))
            {
              g_clear_error (&local);
              if (interrupted (options, error))
                {
                  ok = FALSE;
                  break;
                }
              continue;
            }
          if (g_error_matches (local, VPC_ERROR, VPC_ERROR_CONTROL_MESSAGE))
            {
              c->control_messages++;
              g_clear_error (&local);
              continue;
            }
          if (g_error_matches (local, VPC_ERROR, VPC_ERROR_BAD_PAYLOAD))
            problems = &c->bad_payloads;
          else if (!g_error_matches (local, VPC_ERROR, VPC_ERROR_MALFORMED))
            {
              input->error = g_strdup (local->message);
              vpc_diag_emit (options->diag, "%s", local->message);
              break;
            }
        }
      if (problems == &c->malformed)
        c->lines++;
      VpcLineKind kind = VPC_LINE_RECORD;
      if (local == NULL && line.stream_len > MAX_STREAM_NAME)
        line.stream = NULL;
      if (local == NULL
          && !vpc_parser_feed (parser, line.text, line.len, &kind, record, &local)
          && g_error_matches (local, VPC_ERROR, VPC_ERROR_HEADER))
        {
          g_prefix_error (&local, "%s:%" G_GUINT64_FORMAT ": ", name,
                          vpc_reader_get_line_number (reader));
          g_propagate_error (error, g_steal_pointer (&local));
          c->malformed++;
          return FALSE;
        }
      if (local != NULL)
        {
          (*problems)++;
          line_problem (options, name, vpc_reader_get_line_number (reader), local, &shown);
          g_clear_error (&local);
          continue;
        }
      switch (kind)
        {
        case VPC_LINE_BLANK:
          c->blank++;
          continue;
        case VPC_LINE_HEADER:
          c->headers++;
          interface_column = has_interface_column (parser);
          continue;
        case VPC_LINE_RECORD:
          break;
        }
      if (vpc_record_has (record, VPC_FIELD_LOG_STATUS))
        {
          guint64 status = record->value[VPC_FIELD_LOG_STATUS].u;
          if (status == VPC_STATUS_NODATA)
            {
              c->nodata++;
              continue;
            }
          if (status == VPC_STATUS_SKIPDATA)
            {
              c->skipdata++;
              continue;
            }
        }
      if (line.stream != NULL && !interface_column)
        {
          /* The container names the interface the format leaves out. */
          VpcText *id = &record->value[VPC_FIELD_INTERFACE_ID].text;
          id->ptr = line.stream;
          id->len = line.stream_len;
          record->present |= G_GUINT64_CONSTANT (1) << VPC_FIELD_INTERFACE_ID;
        }
      guint64 mask = vpc_mapper_map (&options->mapper, record, &flow);
      vpc_report_add_flow (report, &flow, mask);
      c->flows++;
      if (mask & ((G_GUINT64_CONSTANT (1) << VPC_EL_SRC4) | (G_GUINT64_CONSTANT (1) << VPC_EL_DST4)))
        c->flows_ipv4++;
      else if (mask & ((G_GUINT64_CONSTANT (1) << VPC_EL_SRC6) | (G_GUINT64_CONSTANT (1) << VPC_EL_DST6)))
        c->flows_ipv6++;
      else
        c->flows_noaddr++;
    }
  input->compressed = vpc_reader_is_compressed (reader);
  input->container = vpc_container_to_string (vpc_reader_get_container (reader));
  return ok;
}

static gboolean
read_ipfix (const VpcReportReadOptions *options, const char *path, VpcReport *report,
            GError **error)
{
  VpcReportInput *input = vpc_report_begin_input (report, path, "ipfix");
  input->container = "ipfix";
  g_autoptr (GError) local = NULL;
  g_autoptr (VpcIpfixInput) in = vpc_ipfix_input_open (path, &local);
  if (in == NULL)
    {
      input->error = g_strdup (local->message);
      vpc_diag_emit (options->diag, "%s", local->message);
      return TRUE;
    }
  const VpcFlow *flow;
  guint64 mask;
  guint since_poll = 0;
  gboolean ok = TRUE;
  while (vpc_ipfix_input_next (in, &flow, &mask, &local))
    {
      vpc_report_add_flow (report, flow, mask);
      input->counts.flows++;
      if (mask & ((G_GUINT64_CONSTANT (1) << VPC_EL_SRC4) | (G_GUINT64_CONSTANT (1) << VPC_EL_DST4)))
        input->counts.flows_ipv4++;
      else if (mask & ((G_GUINT64_CONSTANT (1) << VPC_EL_SRC6) | (G_GUINT64_CONSTANT (1) << VPC_EL_DST6)))
        input->counts.flows_ipv6++;
      else
        input->counts.flows_noaddr++;
      if (++since_poll == POLL_LINES)
        {
          since_poll = 0;
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
  input->compressed = vpc_ipfix_input_is_compressed (in);
  input->ipfix_records = vpc_ipfix_input_get_records (in);
  input->ipfix_options_records = vpc_ipfix_input_get_options_records (in);
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
      gboolean ok = vpc_ipfix_input_probe (path)
                        ? read_ipfix (options, path, report, error)
                        : read_text (options, parser, path, report, error);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}
