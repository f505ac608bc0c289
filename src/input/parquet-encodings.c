/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parquet reader: the RLE/bit-packed hybrid and DELTA_BINARY_PACKED decoders, lazy and bounds-checked. */
#include "config.h"

#include "parquet-private.h"

/* An unsigned LEB128 varint of up to 64 bits; FALSE if it runs off the end. */
static gboolean
read_uleb (const guint8 **p, const guint8 *end, guint64 *value)
{
  guint64 v = 0;
  for (guint shift = 0; shift < 64; shift += 7)
    {
      if (*p >= end)
        return FALSE;
      guint8 byte = *(*p)++;
      v |= (guint64) (byte & 0x7f) << shift;
      if (!(byte & 0x80))
        {
          *value = v;
          return TRUE;
        }
    }
  return FALSE;
}

/* width (0..64) bits, least significant first, from bit bit_pos of data. */
static guint64
unpack_bits (const guint8 *data, guint64 bit_pos, guint width)
{
  guint64 value = 0;
  guint got = 0;
  while (got < width)
    {
      guint8 byte = data[bit_pos >> 3];
      guint offset = (guint) (bit_pos & 7);
      guint take = MIN (8 - offset, width - got);
      guint64 bits = (guint64) (byte >> offset) & ((1u << take) - 1);
      value |= bits << got;
      got += take;
      bit_pos += take;
    }
  return value;
}

void
vpc_rle_init (VpcRle *rle, const guint8 *data, gsize len, guint bit_width)
{
  *rle = (VpcRle){ .p = data, .end = data + len, .bit_width = bit_width };
  rle->failed = bit_width > 32;
}

gboolean
vpc_rle_next (VpcRle *rle, guint32 *value)
{
  while (!rle->failed)
    {
      if (rle->rle_left > 0)
        {
          rle->rle_left--;
          *value = rle->rle_value;
          return TRUE;
        }
      if (rle->packed_left > 0)
        {
          rle->packed_left--;
          *value = (guint32) unpack_bits (rle->packed, rle->bit_pos, rle->bit_width);
          rle->bit_pos += rle->bit_width;
          return TRUE;
        }
      guint64 header;
      if (!read_uleb (&rle->p, rle->end, &header) || header >> 1 > G_MAXINT32)
        break;
      guint64 count = header >> 1;
      if (header & 1)
        {
          /* count groups of 8 values, count * bit_width bytes. */
          guint64 bytes = count * rle->bit_width;
          if (count > G_MAXUINT32 / 8 || bytes > (guint64) (rle->end - rle->p))
            break;
          rle->packed = rle->p;
          rle->p += bytes;
          rle->packed_left = (guint32) (count * 8);
          rle->bit_pos = 0;
          if (rle->bit_width == 0)
            {
              /* All zeros: as an RLE run, no bytes to point at. */
              rle->rle_left = rle->packed_left;
              rle->rle_value = 0;
              rle->packed_left = 0;
            }
        }
      else
        {
          guint value_bytes = (rle->bit_width + 7) / 8;
          if (value_bytes > (gsize) (rle->end - rle->p))
            break;
          guint32 v = 0;
          for (guint i = 0; i < value_bytes; i++)
            v |= (guint32) rle->p[i] << (8 * i);
          rle->p += value_bytes;
          if (rle->bit_width < 32 && v >> rle->bit_width != 0)
            break;
          rle->rle_left = (guint32) count;
          rle->rle_value = v;
        }
    }
  rle->failed = TRUE;
  return FALSE;
}

static gboolean
delta_fail (VpcDelta *d, const char *why)
{
  if (!d->failed)
    d->why = why;
  d->failed = TRUE;
  return FALSE;
}

gboolean
vpc_delta_init (VpcDelta *d, const guint8 *data, gsize len)
{
  d->start = d->p = data;
  d->end = data + len;
  d->failed = FALSE;
  d->why = NULL;
  d->returned = 0;
  d->widths = NULL;
  d->miniblock = 0;
  d->buffered = d->buffer_pos = 0;
  guint64 first;
  if (!read_uleb (&d->p, d->end, &d->block_size) || !read_uleb (&d->p, d->end, &d->miniblocks)
      || !read_uleb (&d->p, d->end, &d->total) || !read_uleb (&d->p, d->end, &first))
    return delta_fail (d, "DELTA_BINARY_PACKED header truncated");
  if (d->block_size == 0 || d->block_size > VPC_DELTA_MAX_BLOCK || d->block_size % 128 != 0)
    return delta_fail (d, "DELTA_BINARY_PACKED block size invalid");
  if (d->miniblocks == 0 || d->block_size % d->miniblocks != 0
      || (d->block_size / d->miniblocks) % 8 != 0)
    return delta_fail (d, "DELTA_BINARY_PACKED miniblock count invalid");
  if (d->total > G_MAXINT32)
    return delta_fail (d, "DELTA_BINARY_PACKED value count invalid");
  d->per_miniblock = d->block_size / d->miniblocks;
  d->last = (first >> 1) ^ -(first & 1); /* zigzag */
  return TRUE;
}

/* Unpack the next miniblock (reading the block header first if one starts). */
static gboolean
delta_load_miniblock (VpcDelta *d)
{
  if (d->widths == NULL || d->miniblock == d->miniblocks)
    {
      guint64 zz;
      if (!read_uleb (&d->p, d->end, &zz))
        return delta_fail (d, "DELTA_BINARY_PACKED block header truncated");
      d->min_delta = (zz >> 1) ^ -(zz & 1);
      if (d->miniblocks > (guint64) (d->end - d->p))
        return delta_fail (d, "DELTA_BINARY_PACKED bit widths truncated");
      d->widths = d->p;
      d->p += d->miniblocks;
      d->miniblock = 0;
    }
  guint width = d->widths[d->miniblock++];
  if (width > 64)
    return delta_fail (d, "DELTA_BINARY_PACKED bit width over 64");
  guint64 bytes = d->per_miniblock * width / 8;
  if (bytes > (guint64) (d->end - d->p))
    return delta_fail (d, "DELTA_BINARY_PACKED miniblock runs past the end of the page");
  for (guint64 i = 0; i < d->per_miniblock; i++)
    d->buffer[i] = unpack_bits (d->p, i * width, width);
  d->p += bytes;
  d->buffered = d->per_miniblock;
  d->buffer_pos = 0;
  return TRUE;
}

gboolean
vpc_delta_next (VpcDelta *d, gint64 *value)
{
  if (d->failed || d->returned >= d->total)
    return FALSE;
  if (d->returned > 0)
    {
      if (d->buffer_pos == d->buffered && !delta_load_miniblock (d))
        return FALSE;
      d->last += d->min_delta + d->buffer[d->buffer_pos++];
    }
  d->returned++;
  *value = (gint64) d->last;
  return TRUE;
}

const guint8 *
vpc_delta_skip_to_end (VpcDelta *d)
{
  gint64 ignored;
  while (vpc_delta_next (d, &ignored))
    ;
  return d->failed ? NULL : d->p;
}
