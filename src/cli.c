/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command-line helpers the two programs share. */
#include "config.h"

#include "cli.h"

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

static gboolean
parse_container (const char *name, const char *value, gpointer data, GError **error)
{
  VpcCliInput *input = data;
  g_autoptr (GError) local = NULL;
  if (!vpc_container_from_string (value, &input->container, &local))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s: %s", name,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

GOptionGroup *
vpc_cli_input_group (VpcCliInput *input)
{
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &input->format,
      "Columns of header-less input, as given to AWS (\"${srcaddr} ${dstaddr} ...\") or as "
      "plain names; default: the version 2 format",
      "FORMAT" },
    { "input-format", 'i', 0, G_OPTION_ARG_CALLBACK, (gpointer) parse_container,
      "Container of every text input: auto (detect per input, the default), text, "
      "cloudwatch-export, json or base64",
      "CONTAINER" },
    { "filter", 0, 0, G_OPTION_ARG_STRING, &input->filter,
      "Keep only the flows EXPR selects, in nfdump's filter language (\"proto tcp and dst "
      "port in [22 3389]\", \"action reject\", \"bytes > 1M\"; see FILTERS in vpc2ipfix(1)); "
      "the others are counted as filtered",
      "EXPR" },
    { "packet-addresses-as-key", 0, 0, G_OPTION_ARG_NONE, &input->packet_addresses_as_key,
      "Use pkt-srcaddr/pkt-dstaddr as the flow's source/destination (vpc2ipfix carries "
      "srcaddr/dstaddr as the postNAT addresses)",
      NULL },
    { NULL }
  };
  input->container = VPC_CONTAINER_AUTO;
  GOptionGroup *group
      = g_option_group_new ("input", "Input options:", "Show input options", input, NULL);
  g_option_group_add_entries (group, entries);
  return group;
}

void
vpc_cli_input_clear (VpcCliInput *input)
{
  g_clear_pointer (&input->format, g_free);
  g_clear_pointer (&input->filter, g_free);
  g_clear_pointer (&input->compiled_filter, vpc_filter_free);
}

gboolean
vpc_cli_input_finish (VpcCliInput *input, GError **error)
{
  if (input->filter == NULL)
    return TRUE;
  input->compiled_filter = vpc_filter_new (input->filter, error);
  return input->compiled_filter != NULL;
}
