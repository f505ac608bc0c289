/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the Parquet reader over memory (footer, Thrift, pages, encodings, codecs), its lines into the parser. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "flow/parser.h"
#include "input/parquet.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The input is a Parquet file (the seeds are small real ones). */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VpcParquet) pq = vpc_parquet_open_memory (data, size, "fuzz", &error);
  if (pq == NULL)
    {
      g_assert (error != NULL && error->domain == VPC_ERROR);
      return 0;
    }
  (void) vpc_parquet_get_num_rows (pq);
  g_autoptr (VpcParser) parser = vpc_parser_new (NULL);
  g_autoptr (GString) out = g_string_new (NULL);
  for (guint rounds = 0; rounds < 100000; rounds++)
    {
      g_string_truncate (out, 0);
      gboolean more = vpc_parquet_read_lines (pq, out, 4096, &error);
      /* Every line handed out goes through the parser, as vpc2ipfix does. */
      char *p = out->str, *end = out->str + out->len;
      while (p < end)
        {
          char *nl = memchr (p, '\n', (gsize) (end - p));
          gsize len = nl != NULL ? (gsize) (nl - p) : (gsize) (end - p);
          VpcLineKind kind;
          VpcRecord record;
          g_autoptr (GError) line_error = NULL;
          if (len <= VPC_MAX_LINE_LENGTH + 1)
            (void) vpc_parser_feed (parser, p, len, &kind, &record, &line_error);
          p += len + 1;
        }
      if (!more)
        {
          g_assert (error != NULL && error->domain == VPC_ERROR);
          break;
        }
    }
  return 0;
}
