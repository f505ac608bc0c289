/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the container decoder (JSON, base64) fed in pieces whose sizes the input chooses. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "input/container.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct {
  guint64 items, last_line;
  guint32 sum;
} Seen;

static gboolean
on_item (VpcItemKind kind, const char *text, gsize len, guint64 line, gpointer user_data)
{
  Seen *seen = user_data;
  g_assert (kind >= VPC_ITEM_RECORD && kind <= VPC_ITEM_CONTROL);
  g_assert (line >= seen->last_line); /* items come in input order */
  seen->last_line = line;
  for (gsize i = 0; i < len; i++) /* every byte handed on is readable */
    seen->sum += (guint8) text[i];
  if (kind == VPC_ITEM_STREAM)
    g_assert (vpc_stream_interface_id_length (text, len) <= len);
  if (kind == VPC_ITEM_RECORD)
    g_assert (vpc_cloudwatch_export_prefix (text, len) <= len);
  seen->items++;
  return TRUE;
}

/* The input: a byte choosing the container (even: JSON, odd: base64; the
 * rest of it and the next three bytes seed the piece sizes: 1 byte up to
 * the whole input), then the data. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 4)
    return 0;
  VpcContainer container = (data[0] & 1) ? VPC_CONTAINER_BASE64 : VPC_CONTAINER_JSON;
  guint32 seed = (guint32) data[0] << 24 | (guint32) data[1] << 16 | (guint32) data[2] << 8 | data[3];
  const char *p = (const char *) data + 4;
  gsize left = size - 4;
  (void) vpc_container_detect (p, left);
  Seen seen = { 0 };
  g_autoptr (VpcDecoder) decoder = vpc_decoder_new (container, on_item, &seen);
  while (left > 0)
    {
      seed = seed * 1103515245u + 12345u;
      gsize max = (seed >> 28) < 4 ? 8 : (seed >> 28) < 12 ? 512 : left;
      gsize piece = 1 + (seed >> 8) % max;
      piece = MIN (piece, left);
      /* A copy of exactly the piece: reading past it is an error ASan sees. */
      g_autofree char *copy = g_memdup2 (p, piece);
      g_assert (vpc_decoder_feed (decoder, copy, piece));
      p += piece;
      left -= piece;
    }
  g_assert (vpc_decoder_finish (decoder));
  return 0;
}
