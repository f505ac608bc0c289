/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command-line helpers the two programs share. */
#include "config.h"

#include "cli.h"

#include "output-spec.h"
#include "input/s3.h"

#include <string.h>

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

const GOptionEntry *
vpc_cli_input_entries (VpcCliInput *input)
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
  G_STATIC_ASSERT (sizeof entries == sizeof input->entries);
  memcpy (input->entries, entries, sizeof entries);
  return input->entries;
}

GOptionGroup *
vpc_cli_input_group (VpcCliInput *input)
{
  input->container = VPC_CONTAINER_AUTO;
  GOptionGroup *group
      = g_option_group_new ("input", "Input options:", "Show input options", input, NULL);
  g_option_group_add_entries (group, vpc_cli_input_entries (input));
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

/* ---- the AWS source options ------------------------------------------------ */

const GOptionEntry *
vpc_cli_aws_entries (VpcCliAws *aws)
{
  const GOptionEntry entries[] = {
    { "since", 0, 0, G_OPTION_ARG_STRING, &aws->since,
      "S3: only objects whose key dates end after TIME; CloudWatch: events from TIME (ISO "
      "8601, or a duration back from now: 15m, 1h, 2d)", "TIME" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &aws->until,
      "S3: only objects whose key dates start before TIME; CloudWatch: events before TIME",
      "TIME" },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &aws->profile,
      "AWS profile of ~/.aws/credentials and ~/.aws/config (default: AWS_PROFILE, default)",
      "NAME" },
    { "region", 0, 0, G_OPTION_ARG_STRING, &aws->region,
      "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's, us-east-1)",
      "REGION" },
    { "endpoint-url", 0, 0, G_OPTION_ARG_STRING, &aws->endpoint_url,
      "Endpoint of S3 (addressed path-style) and CloudWatch Logs (default: "
      "AWS_ENDPOINT_URL_S3 / _CLOUDWATCH_LOGS, AWS_ENDPOINT_URL, AWS's own)", "URL" },
    { NULL }
  };
  G_STATIC_ASSERT (sizeof entries == sizeof aws->entries);
  memcpy (aws->entries, entries, sizeof entries);
  return aws->entries;
}

gboolean
vpc_cli_aws_finish (VpcCliAws *aws, gint64 now, GError **error)
{
  aws->since_time = G_MININT64;
  aws->until_time = G_MAXINT64;
  if (aws->since != NULL && !vpc_time_parse_bound (aws->since, now, &aws->since_time, error))
    {
      g_prefix_error (error, "--since: ");
      return FALSE;
    }
  if (aws->until != NULL && !vpc_time_parse_bound (aws->until, now, &aws->until_time, error))
    {
      g_prefix_error (error, "--until: ");
      return FALSE;
    }
  return TRUE;
}

void
vpc_cli_aws_clear (VpcCliAws *aws)
{
  g_clear_pointer (&aws->since, g_free);
  g_clear_pointer (&aws->until, g_free);
  g_clear_pointer (&aws->profile, g_free);
  g_clear_pointer (&aws->region, g_free);
  g_clear_pointer (&aws->endpoint_url, g_free);
}

/* ---- --config -------------------------------------------------------------- */

const char *
vpc_cli_config_path (int argc, char **argv)
{
  const char *path = NULL;
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--") == 0)
        break;
      if (g_str_has_prefix (argv[i], "--config="))
        path = argv[i] + strlen ("--config=");
      else if (strcmp (argv[i], "--config") == 0 && i + 1 < argc)
        path = argv[++i];
    }
  return path;
}

/* The line (1-based) of key in [group] of text, for messages; 0 if not found. */
static guint
config_line (const char *text, const char *group, const char *key)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean in_group = group == NULL;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *l = lines[i];
      while (g_ascii_isspace (*l))
        l++;
      if (*l == '[')
        {
          if (key == NULL && group != NULL && strncmp (l + 1, group, strlen (group)) == 0
              && l[1 + strlen (group)] == ']')
            return i + 1;
          in_group = group != NULL && strncmp (l + 1, group, strlen (group)) == 0
                     && l[1 + strlen (group)] == ']';
          continue;
        }
      gsize n = key != NULL ? strlen (key) : 0;
      if (in_group && key != NULL && strncmp (l, key, n) == 0
          && (l[n] == '=' || l[n] == ' ' || l[n] == '\t'))
        return i + 1;
    }
  return 0;
}

static const GOptionEntry *
find_entry (const GOptionEntry *const *entry_sets, const char *name)
{
  for (guint s = 0; entry_sets[s] != NULL; s++)
    for (const GOptionEntry *e = entry_sets[s]; e->long_name != NULL; e++)
      if (e->long_name[0] != '\0' && strcmp (e->long_name, name) == 0)
        return e;
  return NULL;
}

/* Whether argv sets option e itself. */
static gboolean
argv_sets (char **argv, const GOptionEntry *e)
{
  g_autofree char *eq = g_strdup_printf ("--%s=", e->long_name);
  g_autofree char *bare = g_strdup_printf ("--%s", e->long_name);
  char shrt[3] = { '-', e->short_name, '\0' };
  for (int i = 1; argv[i] != NULL && strcmp (argv[i], "--") != 0; i++)
    if (strcmp (argv[i], bare) == 0 || g_str_has_prefix (argv[i], eq)
        || (e->short_name != 0 && strncmp (argv[i], shrt, 2) == 0))
      return TRUE;
  return FALSE;
}

/* An [output NAME] group as one --output-spec=NAME:KEY=VALUE;... argument
 * (see output-spec.h); none if the command line gives --output-spec. */
static gboolean
config_output_group (const char *path, const char *text, GKeyFile *kf, const char *group,
                     char **argv, const GOptionEntry *output_spec, GPtrArray *args,
                     GError **error)
{
  if (argv_sets (argv, output_spec)) /* the command line's outputs win */
    return TRUE;
  g_autoptr (GString) spec = g_string_new (group + strlen ("output "));
  g_string_append_c (spec, ':');
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);
  for (guint k = 0; keys != NULL && keys[k] != NULL; k++)
    {
      guint line = config_line (text, group, keys[k]);
      if (!g_strv_contains (vpc_output_spec_keys, keys[k]))
        return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                            "%s:%u: unknown key '%s' in [%s] (see OUTPUTS in vpc2ipfix(1))",
                            path, line, keys[k], group),
               FALSE;
      g_autofree char *value = g_key_file_get_string (kf, group, keys[k], NULL);
      if (value == NULL || strchr (value, ';') != NULL)
        return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                            "%s:%u: %s: a value without ';'", path, line, keys[k]),
               FALSE;
      g_string_append_printf (spec, "%s=%s;", keys[k], value);
    }
  g_ptr_array_add (args, g_strdup_printf ("--%s=%s", output_spec->long_name, spec->str));
  return TRUE;
}

gboolean
vpc_cli_config_args (const char *path, const char *group, const GOptionEntry *const *entry_sets,
                     char **argv, GPtrArray *args, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &text, NULL, &local))
    return g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "--config: %s", local->message), FALSE;
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  if (!g_key_file_load_from_data (kf, text, (gsize) -1, G_KEY_FILE_NONE, &local))
    return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "%s: %s", path, local->message),
           FALSE;
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
  const GOptionEntry *output_spec = find_entry (entry_sets, "output-spec");
  for (guint g = 0; groups[g] != NULL; g++)
    if (output_spec != NULL && g_str_has_prefix (groups[g], "output "))
      {
        if (!config_output_group (path, text, kf, groups[g], argv, output_spec, args, error))
          return FALSE;
      }
    else if (strcmp (groups[g], group) != 0)
      return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                          "%s:%u: unknown group [%s] (the options go in [%s]%s)", path,
                          config_line (text, groups[g], NULL), groups[g], group,
                          output_spec != NULL ? ", the outputs in [output NAME]" : ""),
             FALSE;
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);
  for (guint k = 0; keys != NULL && keys[k] != NULL; k++)
    {
      const char *key = keys[k];
      guint line = config_line (text, group, key);
      const GOptionEntry *e = find_entry (entry_sets, key);
      if (e == NULL || strcmp (key, "config") == 0 || strcmp (key, "help") == 0)
        return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                            "%s:%u: unknown key '%s' (the keys are the long options)", path, line,
                            key),
               FALSE;
      if (argv_sets (argv, e)) /* the command line wins */
        continue;
      if (e->arg == G_OPTION_ARG_NONE)
        {
          gboolean on = g_key_file_get_boolean (kf, group, key, &local);
          if (local != NULL)
            return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                                "%s:%u: %s: expected true or false", path, line, key),
                   FALSE;
          if (on)
            g_ptr_array_add (args, g_strdup_printf ("--%s", key));
          continue;
        }
      if (e->arg == G_OPTION_ARG_STRING_ARRAY || e->arg == G_OPTION_ARG_FILENAME_ARRAY)
        {
          g_auto (GStrv) values = g_key_file_get_string_list (kf, group, key, NULL, NULL);
          for (guint v = 0; values != NULL && values[v] != NULL; v++)
            g_ptr_array_add (args, g_strdup_printf ("--%s=%s", key, values[v]));
          continue;
        }
      g_autofree char *value = g_key_file_get_string (kf, group, key, NULL);
      g_ptr_array_add (args, g_strdup_printf ("--%s=%s", key, value != NULL ? value : ""));
    }
  return TRUE;
}

char **
vpc_cli_args_with_config (int argc, char **argv, const char *group,
                          const GOptionEntry *const *entry_sets, GError **error)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (args, g_strdup (argv[0]));
  const char *path = vpc_cli_config_path (argc, argv);
  if (path != NULL && !vpc_cli_config_args (path, group, entry_sets, argv, args, error))
    return NULL;
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (args, g_strdup (argv[i]));
  g_ptr_array_add (args, NULL);
  g_ptr_array_set_free_func (args, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&args), FALSE);
}
