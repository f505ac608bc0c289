/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command-line helpers the two programs share. */
#include "config.h"

#include "cli.h"

#include "input/container.h"

gboolean
vpc_cli_check_range (const char *name, gint64 value, gint64 min, gint64 max, guint *out,
                     GError **error)
{
  if (value < min || value > max)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--%s: %" G_GINT64_FORMAT " is not from %" G_GINT64_FORMAT
                   " to %" G_GINT64_FORMAT,
                   name, value, min, max);
      return FALSE;
    }
  *out = (guint) value;
  return TRUE;
}

gboolean
vpc_cli_parse_container (const char *name, const char *value, gpointer data, GError **error)
{
  g_autoptr (GError) local = NULL;
  if (!vpc_container_from_string (value, data, &local))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s: %s", name,
                   local->message);
      return FALSE;
    }
  return TRUE;
}
