/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Items held back in order by the container decoders. */
#include "config.h"

#include "items.h"

#include <string.h>

void
vpc_held_init (VpcHeld *held)
{
  held->items = g_array_new (FALSE, FALSE, sizeof (VpcHeldItem));
  held->text = g_string_new (NULL);
}

void
vpc_held_clear (VpcHeld *held)
{
  g_array_set_size (held->items, 0);
  g_string_truncate (held->text, 0);
}

void
vpc_held_free (VpcHeld *held)
{
  g_array_unref (held->items);
  g_string_free (held->text, TRUE);
}

void
vpc_held_add (VpcHeld *held, VpcItemKind kind, const char *text, gsize len, guint64 line)
{
  VpcHeldItem item = { kind, line, held->text->len, len };
  g_string_append_len (held->text, text, (gssize) len);
  g_array_append_val (held->items, item);
}

gsize
vpc_stream_interface_id_length (const char *stream, gsize len)
{
  if (len > 4 && memcmp (stream, "eni-", 4) == 0)
    {
      gsize i = 4;
      while (i < len && g_ascii_isxdigit (stream[i]))
        i++;
      if (i > 4 && (i == len || stream[i] == '-' || stream[i] == '_'))
        return i;
    }
  return len;
}
