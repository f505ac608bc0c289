/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by the vpc-report renderers: times, shares, UTF-8, names. */
#include "config.h"

#include "report.h"

#include <string.h>

char *
vpc_report_time_text (guint64 ms)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc ((gint64) (ms / 1000));
  if (t == NULL)
    return g_strdup_printf ("%" G_GUINT64_FORMAT, ms);
  return g_date_time_format (t, "%Y-%m-%d %H:%M:%SZ");
}

double
vpc_report_share (guint64 part, guint64 whole)
{
  return whole == 0 ? 0.0 : (double) part / (double) whole;
}

char *
vpc_report_share_text (guint64 part, guint64 whole)
{
  if (whole == 0)
    return g_strdup ("-");
  return g_strdup_printf ("%.1f%%", 100.0 * vpc_report_share (part, whole));
}

char *
vpc_report_valid_utf8 (const char *text)
{
  return g_utf8_make_valid (text != NULL ? text : "", -1);
}

static gboolean
is_unsafe_char (gunichar c)
{
  return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) /* C0, DEL, C1 (CSI 0x9b) */
         || c == 0x061c || (c >= 0x200e && c <= 0x200f) || (c >= 0x202a && c <= 0x202e)
         || (c >= 0x2066 && c <= 0x2069); /* bidirectional marks and overrides */
}

char *
vpc_report_terminal_text (const char *text)
{
  g_autofree char *valid = vpc_report_valid_utf8 (text);
  GString *out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c < 0x80 && is_unsafe_char (c))
        g_string_append_printf (out, "\\x%02x", c);
      else if (is_unsafe_char (c))
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  return g_string_free (out, FALSE);
}

char *
vpc_report_csv_text (const char *text)
{
  g_autofree char *valid = vpc_report_valid_utf8 (text);
  if (strchr ("=+-@\t\r", valid[0]) != NULL && valid[0] != '\0')
    return g_strconcat ("'", valid, NULL);
  return g_steal_pointer (&valid);
}

const char *
vpc_report_threat_coverage (const VpcReportSummary *s, char **missing)
{
  GString *names = g_string_new (NULL);
  guint enabled = 0, loaded = 0;
  for (guint i = 0; s->threats_enabled && i < s->feeds->len; i++)
    {
      const VpcReportFeed *f = &g_array_index (s->feeds, VpcReportFeed, i);
      if (!f->enabled)
        continue;
      enabled++;
      if (strcmp (f->state, "missing") != 0)
        loaded++;
      else
        g_string_append_printf (names, "%s%s", names->len > 0 ? " " : "", f->name);
    }
  if (missing != NULL)
    *missing = g_string_free (names, FALSE);
  else
    g_string_free (names, TRUE);
  return loaded == 0 ? "none" : loaded < enabled ? "partial" : "complete";
}

const char *
vpc_threat_direction_name (guint direction)
{
  switch (direction & (VPC_THREAT_INBOUND | VPC_THREAT_OUTBOUND))
    {
    case VPC_THREAT_INBOUND:
      return "inbound";
    case VPC_THREAT_OUTBOUND:
      return "outbound";
    case VPC_THREAT_INBOUND | VPC_THREAT_OUTBOUND:
      return "both";
    default:
      return "none";
    }
}

const char *
vpc_report_way_name (VpcReportWay way)
{
  switch (way)
    {
    case VPC_REPORT_WAY_INBOUND:
      return "inbound";
    case VPC_REPORT_WAY_OUTBOUND:
      return "outbound";
    case VPC_REPORT_WAY_UNKNOWN:
    default:
      return "unknown";
    }
}
