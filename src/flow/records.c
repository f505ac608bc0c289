/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The line loop vpc2ipfix and vpc-report share: reader, parser, mapper; every line counted. */
#include "config.h"

#include "records.h"

#define EL(i) (G_GUINT64_CONSTANT (1) << (i))
#define V4_MASK (EL (VPC_EL_SRC4) | EL (VPC_EL_DST4))
#define V6_MASK (EL (VPC_EL_SRC6) | EL (VPC_EL_DST6))

/* Lines between polls. */
#define POLL_LINES 4096

void
vpc_counts_add_flow (VpcCounts *counts, guint64 mask)
{
  counts->flows++;
  if (mask & V4_MASK)
    counts->flows_ipv4++;
  else if (mask & V6_MASK)
    counts->flows_ipv6++;
  else
    counts->flows_noaddr++;
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

/* A line-level problem, already counted: shown up to the limit; fatal
 * with strict. */
static gboolean
line_problem (const VpcRecordsOptions *options, const char *name, guint64 line_number,
              const GError *problem, guint *shown, GError **error)
{
  if (options->strict)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_MALFORMED, "%s:%" G_GUINT64_FORMAT ": %s", name,
                   line_number, problem->message);
      return FALSE;
    }
  if (*shown < options->max_line_messages)
    vpc_diag_emit (options->diag, "%s:%" G_GUINT64_FORMAT ": %s", name, line_number,
                   problem->message);
  else if (*shown == options->max_line_messages)
    vpc_diag_emit (options->diag,
                   "%s: more malformed lines or payloads; they are counted but not shown", name);
  (*shown)++;
  return TRUE;
}

gboolean
vpc_records_read (const char *path, const VpcRecordsOptions *options, VpcParser *parser,
                  const VpcRecordsConsumer *consumer, gpointer data, VpcCounts *c,
                  VpcRecordsInput *result, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (VpcReader) reader
      = vpc_reader_open_named (path, options->name, options->container, options->flags, &local);
  if (reader == NULL)
    {
      result->error = g_strdup (local->message);
      vpc_diag_emit (options->diag, "%s", local->message);
      return TRUE;
    }
  const char *name = vpc_reader_get_name (reader);
  vpc_parser_begin_input (parser);
  gboolean interface_column = has_interface_column (parser);
  g_autofree VpcRecord *record = g_new0 (VpcRecord, 1);
  gboolean ok = TRUE;
  guint shown = 0, since_poll = 0;
  VpcLine line;
  for (;;)
    {
      if (++since_poll == POLL_LINES)
        {
          since_poll = 0;
          if (!consumer->poll (data, FALSE, c, error))
            {
              ok = FALSE;
              break;
            }
        }
      /* What a problem with this line or payload is counted in. */
      guint64 *problems = &c->malformed;
      if (!vpc_reader_next_line (reader, &line, &local))
        {
          if (g_error_matches (local, VPC_ERROR, VPC_ERROR_EOF))
            break;
          if (g_error_matches (local, VPC_ERROR, VPC_ERROR_AGAIN))
            {
              /* Nothing more yet (a live input). */
              g_clear_error (&local);
              if (!consumer->poll (data, TRUE, c, error))
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
            problems = &c->bad_payloads; /* not a line */
          else if (!g_error_matches (local, VPC_ERROR, VPC_ERROR_MALFORMED))
            {
              result->error = g_strdup (local->message);
              vpc_diag_emit (options->diag, "%s", local->message);
              break;
            }
          /* A line the reader rejected: counted like any other malformed line below. */
        }
      if (problems == &c->malformed)
        c->lines++;
      if (problems == &c->malformed && (c->lines & (VPC_RECORDS_PROGRESS_LINES - 1)) == 0
          && consumer->progress != NULL)
        consumer->progress (data, c);

      VpcLineKind kind = VPC_LINE_RECORD;
      char *text = NULL;
      const char *stream = NULL;
      if (local == NULL)
        {
          if (line.stream_len > VPC_MAX_STREAM_NAME)
            line.stream = NULL; /* not an interface id */
          stream = line.stream;
          text = consumer->copy_line != NULL ? consumer->copy_line (data, &line, &stream)
                                             : line.text;
        }
      if (text != NULL && !vpc_parser_feed (parser, text, line.len, &kind, record, &local)
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
          if (!line_problem (options, name, vpc_reader_get_line_number (reader), local, &shown,
                             error))
            return FALSE;
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
      if (stream != NULL && !interface_column)
        {
          /* The container names the interface the format leaves out. */
          VpcText *id = &record->value[VPC_FIELD_INTERFACE_ID].text;
          id->ptr = stream;
          id->len = line.stream_len;
          record->present |= EL (VPC_FIELD_INTERFACE_ID);
        }
      VpcFlow *flow = consumer->next_flow (data);
      guint64 mask = vpc_mapper_map (options->mapper, record, flow);
      if (options->filter != NULL && !vpc_filter_match (options->filter, flow, mask))
        {
          /* A flow, not selected: counted, not pushed (the slot from next_flow()
           * is filled again by the next record). */
          vpc_counts_add_flow (c, mask);
          c->filtered++;
          continue;
        }
      if (!consumer->push (data, mask, &local))
        {
          if (!g_error_matches (local, VPC_ERROR, VPC_ERROR_MALFORMED))
            {
              vpc_counts_add_flow (c, mask); /* taken all the same: the counts add up */
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          c->malformed++;
          if (!line_problem (options, name, vpc_reader_get_line_number (reader), local, &shown,
                             error))
            return FALSE;
          g_clear_error (&local);
          continue;
        }
      vpc_counts_add_flow (c, mask);
    }
  result->compressed = vpc_reader_is_compressed (reader);
  result->container = vpc_container_to_string (vpc_reader_get_container (reader));
  return ok;
}
