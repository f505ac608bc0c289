/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the whole reader over memory (gzip by ISA-L, container detection and decoding, lines), lines into the parser. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "flow/parser.h"
#include "input/reader.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The input is a file as vpc2ipfix reads it: gzip or not, any container. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (VpcReader) reader = vpc_reader_open_memory ("fuzz", data, size, VPC_CONTAINER_AUTO);
  g_autoptr (VpcParser) parser = vpc_parser_new (NULL);
  guint64 last_line = 0;
  for (;;)
    {
      VpcLine line;
      g_autoptr (GError) error = NULL;
      if (!vpc_reader_next_line (reader, &line, &error))
        {
          g_assert (error != NULL && error->domain == VPC_ERROR);
          g_assert (error->code != VPC_ERROR_AGAIN);
          if (error->code == VPC_ERROR_EOF || error->code == VPC_ERROR_IO
              || error->code == VPC_ERROR_TRUNCATED)
            break;
          continue;
        }
      g_assert (vpc_reader_get_line_number (reader) >= last_line);
      last_line = vpc_reader_get_line_number (reader);
      g_assert (line.len <= VPC_READER_MAX_LINE);
      guint8 sum = 0; /* every byte handed on is readable */
      for (gsize i = 0; i < line.stream_len; i++)
        sum += (guint8) line.stream[i];
      (void) sum;
      VpcLineKind kind;
      VpcRecord record;
      (void) vpc_parser_feed (parser, line.text, line.len, &kind, &record, &error);
    }
  (void) vpc_reader_is_compressed (reader);
  (void) vpc_container_to_string (vpc_reader_get_container (reader));
  return 0;
}
