/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parsing and checking of one named output (--output-spec, [output NAME]). */
#include "config.h"

#include "output-spec.h"

#include <string.h>

#include "export/output-path.h"

const char *const vpc_output_spec_keys[] = {
  "output", "rotate", "udp", "tcp", "protocol", "observation-domain", "filter", "mtu", "rate",
  "template-refresh", "template-refresh-messages", "connect-timeout", "resend-window",
  "interface-table", "observation-domain-from", NULL
};

void
vpc_output_spec_free (VpcOutputSpec *spec)
{
  if (spec == NULL)
    return;
  g_free (spec->name);
  g_free (spec->file);
  g_free (spec->udp);
  g_free (spec->tcp);
  g_free (spec->filter_text);
  vpc_filter_free (spec->filter);
  g_free (spec);
}

static gboolean
spec_number (const VpcOutputSpec *spec, const char *key, const char *value, guint64 min,
             guint64 max, guint64 *out, GError **error)
{
  if (!g_ascii_string_to_unsigned (value, 10, min, max, out, NULL))
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                   "output '%s': %s: '%s' is not a number from %" G_GUINT64_FORMAT
                   " to %" G_GUINT64_FORMAT,
                   spec->name, key, value, min, max);
      return FALSE;
    }
  return TRUE;
}

static gboolean
spec_set (VpcOutputSpec *spec, const char *key, const char *value, gboolean *mtu_set,
          GError **error)
{
  guint64 n = 0;
  if (strcmp (key, "output") == 0)
    g_free (spec->file), spec->file = g_strdup (value);
  else if (strcmp (key, "udp") == 0)
    g_free (spec->udp), spec->udp = g_strdup (value);
  else if (strcmp (key, "tcp") == 0)
    g_free (spec->tcp), spec->tcp = g_strdup (value);
  else if (strcmp (key, "filter") == 0)
    g_free (spec->filter_text), spec->filter_text = g_strdup (value);
  else if (strcmp (key, "protocol") == 0)
    {
      if (!vpc_protocol_parse (value, &spec->net.protocol))
        return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                            "output '%s': protocol: '%s' is not ipfix, v9 or v5", spec->name,
                            value),
               FALSE;
    }
  else if (strcmp (key, "observation-domain-from") == 0)
    {
      if (!vpc_domain_from_parse (value, &spec->domain_from))
        return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                            "output '%s': observation-domain-from: '%s' is not none, account, "
                            "vpc, region, interface or flow-log",
                            spec->name, value),
               FALSE;
    }
  else if (strcmp (key, "interface-table") == 0)
    {
      if (strcmp (value, "true") != 0 && strcmp (value, "false") != 0)
        return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                            "output '%s': interface-table: expected true or false", spec->name),
               FALSE;
      spec->interface_table = strcmp (value, "true") == 0;
    }
  else if (strcmp (key, "rotate") == 0)
    {
      if (!spec_number (spec, key, value, 1, 86400 * 366, &n, error))
        return FALSE;
      spec->rotate_seconds = (guint) n;
    }
  else if (strcmp (key, "observation-domain") == 0)
    {
      if (!spec_number (spec, key, value, 0, G_MAXUINT32, &n, error))
        return FALSE;
      spec->observation_domain = (guint32) n;
    }
  else if (strcmp (key, "mtu") == 0)
    {
      if (!spec_number (spec, key, value, 576, 65535, &n, error))
        return FALSE;
      spec->net.mtu = (guint) n;
      *mtu_set = TRUE;
    }
  else if (strcmp (key, "rate") == 0)
    {
      if (!spec_number (spec, key, value, 0, G_MAXUINT32, &n, error))
        return FALSE;
      spec->net.rate = (guint) n;
    }
  else if (strcmp (key, "template-refresh") == 0)
    {
      if (!spec_number (spec, key, value, 0, 86400, &n, error))
        return FALSE;
      spec->net.refresh_seconds = (guint) n;
    }
  else if (strcmp (key, "template-refresh-messages") == 0)
    {
      if (!spec_number (spec, key, value, 0, G_MAXUINT32, &n, error))
        return FALSE;
      spec->net.refresh_messages = (guint) n;
    }
  else if (strcmp (key, "connect-timeout") == 0)
    {
      if (!spec_number (spec, key, value, 0, 86400 * 365, &n, error))
        return FALSE;
      spec->net.connect_timeout = (guint) n;
    }
  else if (strcmp (key, "resend-window") == 0)
    {
      if (!spec_number (spec, key, value, 0, G_MAXSIZE, &n, error))
        return FALSE;
      spec->net.resend_window = (gsize) n;
    }
  else
    return g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                        "output '%s': unknown key '%s' (the keys: output, rotate, udp, tcp, "
                        "protocol, observation-domain, filter, mtu, rate, template-refresh, "
                        "template-refresh-messages, connect-timeout, resend-window, "
                        "interface-table, observation-domain-from)",
                        spec->name, key),
           FALSE;
  return TRUE;
}

/* The combination makes sense: one destination, NetFlow over UDP only, a
 * rotation pattern with --rotate. */
static gboolean
spec_check (VpcOutputSpec *spec, GError **error)
{
  guint destinations = (spec->file != NULL) + (spec->udp != NULL) + (spec->tcp != NULL);
  const char *problem = NULL;
  if (destinations != 1)
    problem = "needs exactly one destination: output=FILE, udp=HOST:PORT or tcp=HOST:PORT";
  else if (spec->net.protocol != VPC_PROTOCOL_IPFIX && spec->udp == NULL)
    problem = "protocol v9 and v5 go to udp= collectors only (TCP and files carry IPFIX)";
  else if (spec->domain_from != VPC_DOMAIN_FROM_NONE && spec->file != NULL)
    problem = "observation-domain-from needs udp= or tcp= (a file holds one stream); add "
              "observation-domain-from=none";
  else if (spec->rotate_seconds > 0
           && (spec->file == NULL || !vpc_output_name_has_time (spec->file)))
    problem = "rotate needs output= with a time pattern (like flows-%Y%m%d%H%M.ipfix)";
  else if (spec->rotate_seconds == 0 && spec->file != NULL
           && vpc_output_name_has_time (spec->file))
    problem = "output= has a time pattern (%): add rotate=SECONDS";
  if (problem != NULL)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "output '%s': %s", spec->name, problem);
      return FALSE;
    }
  if (spec->filter_text != NULL)
    {
      spec->filter = vpc_filter_new (spec->filter_text, error);
      if (spec->filter == NULL)
        {
          g_prefix_error (error, "output '%s': filter: ", spec->name);
          return FALSE;
        }
    }
  return TRUE;
}

VpcOutputSpec *
vpc_output_spec_parse (const char *text, const VpcOutputSpec *defaults, GError **error)
{
  const char *colon = strchr (text, ':');
  g_autoptr (VpcOutputSpec) spec = g_new0 (VpcOutputSpec, 1);
  spec->net = defaults->net;
  spec->net.protocol = VPC_PROTOCOL_IPFIX;
  spec->observation_domain = defaults->observation_domain;
  spec->interface_table = defaults->interface_table;
  spec->domain_from = defaults->domain_from;
  spec->name = g_strstrip (g_strndup (text, colon != NULL ? (gsize) (colon - text) : 0));
  if (colon == NULL || spec->name[0] == '\0')
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                   "--output-spec: '%s' is not NAME:KEY=VALUE;KEY=VALUE...", text);
      return NULL;
    }
  for (const char *c = spec->name; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_' && *c != '.')
      {
        g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                     "output '%s': a name is letters, digits, '-', '_' and '.'", spec->name);
        return NULL;
      }
  gboolean mtu_set = FALSE;
  g_auto (GStrv) items = g_strsplit (colon + 1, ";", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      if (item[0] == '\0')
        continue;
      char *eq = strchr (item, '=');
      if (eq == NULL)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                       "output '%s': '%s' is not KEY=VALUE", spec->name, item);
          return NULL;
        }
      *eq = '\0';
      if (!spec_set (spec, g_strstrip (item), g_strstrip (eq + 1), &mtu_set, error))
        return NULL;
    }
  if (!mtu_set && spec->net.protocol == VPC_PROTOCOL_NETFLOW_V5)
    spec->net.mtu = 1500; /* as for --protocol v5: 30 records per datagram */
  if (!spec_check (spec, error))
    return NULL;
  return g_steal_pointer (&spec);
}
