/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by the vpc-report renderers: times, shares, UTF-8, names. */
#include "config.h"

#include "report.h"

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
