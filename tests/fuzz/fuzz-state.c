/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the --state file's text, then names looked up and added. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "input/state.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The input is a state file. */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *copy = size > 0 ? g_memdup2 (data, size) : g_malloc (1);
  g_autoptr (VpcState) state = vpc_state_new_from_text (copy, size);
  /* Every line as an input name: found or not, then found once added. */
  const char *p = copy, *end = copy + size;
  while (p < end)
    {
      const char *nl = memchr (p, '\n', (gsize) (end - p));
      gsize n = nl != NULL ? (gsize) (nl - p) : (gsize) (end - p);
      g_autofree char *name = g_strndup (p, n);
      p += n + (nl != NULL);
      if (name[0] == '\0')
        continue;
      VpcFileIdentity identity = { .size = n };
      (void) vpc_state_contains (state, name, &identity);
      g_autoptr (GError) error = NULL;
      g_assert (vpc_state_add (state, name, &identity, &error));
      if (name[0] == '/') /* relative names are made absolute: looked up as such */
        g_assert (vpc_state_contains (state, name, &identity));
    }
  return 0;
}
