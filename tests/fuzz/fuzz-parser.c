/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: header lines, --format strings and record lines through the parser and the mapper. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "flow/mapper.h"
#include "flow/parser.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The input: one flags byte, then lines.  Flag 1: the first line is the
 * --format; flag 2: a new input begins half-way (the columns go back to
 * the format); flag 4: packet addresses as the flow key. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  guint8 flags = data[0];
  const char *p = (const char *) data + 1, *end = (const char *) data + size;
  g_autoptr (VpcParser) parser = vpc_parser_new (NULL);
  VpcMapperOptions options = { .packet_addresses_as_key = (flags & 4) != 0 };
  gsize half = (size - 1) / 2;
  gboolean begun = FALSE;
  for (guint index = 0; p < end; index++)
    {
      const char *nl = memchr (p, '\n', (gsize) (end - p));
      gsize n = nl != NULL ? (gsize) (nl - p) : (gsize) (end - p);
      /* A copy of exactly the line: reading past it is an error ASan sees. */
      g_autofree char *line = n > 0 ? g_memdup2 (p, n) : g_malloc (1);
      p += n + (nl != NULL);
      g_autoptr (GError) error = NULL;
      if (index == 0 && (flags & 1))
        {
          g_autofree char *format = g_strndup (line, n);
          (void) vpc_parser_set_format (parser, format, &error);
          continue;
        }
      if ((flags & 2) && !begun && (gsize) (p - (const char *) data) > half)
        {
          vpc_parser_begin_input (parser);
          begun = TRUE;
        }
      (void) vpc_parser_line_is_header (line, n);
      VpcLineKind kind;
      VpcRecord record;
      if (!vpc_parser_feed (parser, line, n, &kind, &record, &error))
        continue;
      if (kind != VPC_LINE_RECORD)
        {
          const VpcFieldId *columns;
          guint count = vpc_parser_get_columns (parser, &columns);
          g_assert (count <= VPC_MAX_COLUMNS);
          for (guint i = 0; i < count; i++)
            g_assert (columns[i] == VPC_FIELD_UNKNOWN || (guint) columns[i] < VPC_FIELD_COUNT);
          continue;
        }
      if (vpc_record_has (&record, VPC_FIELD_LOG_STATUS)
          && record.value[VPC_FIELD_LOG_STATUS].u != VPC_STATUS_OK)
        continue;
      VpcFlow flow;
      guint64 mask = vpc_mapper_map (&options, &record, &flow);
      /* Every string handed on lies in the line. */
      const VpcElementSpec *elements = vpc_mapper_elements ();
      for (guint i = 0; i < VPC_EL_COUNT; i++)
        if ((mask >> i) & 1 && elements[i].length == FB_IE_VARLEN)
          {
            const fbVarfield_t *text = (const void *) ((const char *) &flow + elements[i].offset);
            g_assert (text->len == 0
                      || (text->buf >= (guint8 *) line
                          && text->buf + text->len <= (guint8 *) line + n));
          }
    }
  return 0;
}
