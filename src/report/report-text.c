/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc-report as a terminal table and as CSV (one section per table, every row led by its section name). */
#include "config.h"

#include "report-private.h"

#include <string.h>

/* ------------------------------------------------------- aligned tables */

struct TextTable {
  guint columns;
  guint64 right;     /* bit i: column i is right-aligned (numbers) */
  GPtrArray *rows;   /* GStrv; the first is the header */
};

TextTable *
text_table_new (const char *const *header, guint64 right)
{
  TextTable *t = g_new0 (TextTable, 1);
  t->columns = g_strv_length ((char **) header);
  t->right = right;
  t->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_ptr_array_add (t->rows, g_strdupv ((char **) header));
  return t;
}

/* Takes the strings (columns of them, NULL-terminated list not needed). */
void
text_table_add (TextTable *t, ...)
{
  char **row = g_new0 (char *, t->columns + 1);
  va_list ap;
  va_start (ap, t);
  for (guint i = 0; i < t->columns; i++)
    {
      char *cell = va_arg (ap, char *);
      row[i] = vpc_report_terminal_text (cell);
      g_free (cell);
    }
  va_end (ap);
  g_ptr_array_add (t->rows, row);
}

void
text_table_render (TextTable *t, GString *out)
{
  g_autofree guint *width = g_new0 (guint, t->columns);
  for (guint r = 0; r < t->rows->len; r++)
    {
      char **row = t->rows->pdata[r];
      for (guint i = 0; i < t->columns; i++)
        width[i] = MAX (width[i], (guint) g_utf8_strlen (row[i], -1));
    }
  for (guint r = 0; r < t->rows->len; r++)
    {
      char **row = t->rows->pdata[r];
      GString *line = g_string_new ("  ");
      for (guint i = 0; i < t->columns; i++)
        {
          guint pad = width[i] - (guint) g_utf8_strlen (row[i], -1);
          gboolean right = (t->right >> i) & 1;
          if (i > 0)
            g_string_append (line, "  ");
          if (right)
            for (guint k = 0; k < pad; k++)
              g_string_append_c (line, ' ');
          g_string_append (line, row[i]);
          if (!right && i + 1 < t->columns)
            for (guint k = 0; k < pad; k++)
              g_string_append_c (line, ' ');
        }
      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);
      g_string_append_printf (out, "%s\n", line->str);
      g_string_free (line, TRUE);
    }
  g_ptr_array_unref (t->rows);
  g_free (t);
}

static char *
u64 (guint64 v)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, v);
}

static char *
time_or_dash (guint64 ms)
{
  return ms != 0 ? vpc_report_time_text (ms) : g_strdup ("-");
}

/* Which tables are approximate, and by how much at most. */
static void
text_limits (GString *out, const VpcReportSummary *s)
{
  gboolean any = s->pairs_refused > 0;
  for (guint i = 0; i < VPC_REPORT_LIMITS; i++)
    any |= s->limits[i].approximate;
  if (!any)
    {
      g_string_append_printf (out, "\nAll tables exact (up to %u distinct keys each, --max-keys)\n",
                              s->options.max_keys);
      return;
    }
  g_string_append_printf (out, "\nApproximate tables (more than %u distinct keys, --max-keys; "
                               "Space-Saving: a row's flows are never under the true count)\n",
                          s->options.max_keys);
  for (guint i = 0; i < VPC_REPORT_LIMITS; i++)
    {
      const VpcReportLimit *l = &s->limits[i];
      if (l->approximate)
        g_string_append_printf (out,
                                "  %s: a row's flows at most %" G_GUINT64_FORMAT
                                " over (bound N/k = %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT
                                " = %" G_GUINT64_FORMAT ")%s\n",
                                l->name, l->error, l->flows, l->max_keys, l->bound,
                                i < 2 ? "; each row's own error is shown"
                                      : "; packets and bytes never under");
    }
  if (s->pairs_refused > 0)
    g_string_append_printf (out,
                            "  scanners' ports and hosts, exposures' sources: low by at most "
                            "%" G_GUINT64_FORMAT
                            " in all (pairs not stored beyond %" G_GUINT64_FORMAT ")\n",
                            s->pairs_refused, s->max_pairs);
  else if (s->limits[0].approximate)
    g_string_append (out, "  scanners: ports and hosts include those of the replaced sources "
                          "(the error column)\n");
}

static void
tally_table (GString *out, const VpcReportSummary *s, const char *title, const char *key,
             const VpcReportTable *t, const char *empty, const VpcReportLimit *limit)
{
  g_string_append_printf (out, "\n%s (%" G_GUINT64_FORMAT " %s)\n", title, t->distinct,
                          limit != NULL && limit->approximate ? "keys counted, approximate"
                                                              : "distinct");
  if (t->rows->len == 0)
    {
      g_string_append_printf (out, "  %s\n", empty);
      return;
    }
  gboolean ports = key == NULL;
  const char *header_ports[] = { "port", "service", "flows", "packets", "bytes", NULL };
  const char *header_named[] = { key, "flows", "packets", "bytes", NULL };
  const char *header_error[] = { key, "flows", "packets", "bytes", "flows over by at most", NULL };
  gboolean approximate = limit != NULL && limit->approximate;
  TextTable *tt = ports         ? text_table_new (header_ports, 0x1c)
                  : approximate ? text_table_new (header_error, 0x1e)
                                : text_table_new (header_named, 0xe);
  for (guint i = 0; i < t->rows->len; i++)
    {
      const VpcReportRow *row = &g_array_index (t->rows, VpcReportRow, i);
      if (ports)
        text_table_add (tt, g_strdup (row->name), g_strdup (row->service != NULL ? row->service : "-"),
                        u64 (row->tally.flows), u64 (row->tally.packets), u64 (row->tally.bytes));
      else if (approximate)
        text_table_add (tt, geo_address_text (s, row->name), u64 (row->tally.flows),
                        u64 (row->tally.packets), u64 (row->tally.bytes), u64 (row->error.flows));
      else
        text_table_add (tt,
                        strcmp (key, "address") == 0 ? geo_address_text (s, row->name)
                                                     : g_strdup (row->name),
                        u64 (row->tally.flows), u64 (row->tally.packets),
                        u64 (row->tally.bytes));
    }
  text_table_render (tt, out);
}

static char *
feeds_text (char **names)
{
  return g_strjoinv (",", names);
}

/* A threat's interfaces: the first few, then "and N more". */
static char *
interfaces_text (const VpcReportThreat *t, const char *separator)
{
  g_autofree char *named = g_strjoinv (separator, t->interfaces);
  guint shown = g_strv_length (t->interfaces);
  if (t->interface_count <= shown)
    return g_steal_pointer (&named);
  return g_strdup_printf ("%s and %" G_GUINT64_FORMAT " more", named, t->interface_count - shown);
}

static char *
or_dash (const char *text)
{
  return g_strdup (text != NULL ? text : "-");
}

static void
talker_table (GString *out, const VpcReportSummary *s, const char *title, const GArray *rows, guint64 distinct,
              gboolean ports)
{
  g_string_append_printf (out, "\n%s (%" G_GUINT64_FORMAT " distinct)\n", title, distinct);
  if (rows->len == 0)
    {
      g_string_append (out, "  no accepted flows\n");
      return;
    }
  const char *h[] = { ports ? "port" : "address", "flows", "packets", "bytes", "inbound bytes",
                      "outbound bytes", NULL };
  TextTable *tt = text_table_new (h, 0x3e);
  for (guint i = 0; i < rows->len; i++)
    {
      const VpcReportRow *r = &g_array_index (rows, VpcReportRow, i);
      g_autofree char *a = ports ? g_strdup (r->name) : geo_address_text (s, r->name);
      g_autofree char *b = r->peer != NULL ? geo_address_text (s, r->peer) : NULL;
      char *name = r->peer != NULL ? g_strdup_printf ("%s <-> %s", a, b)
                   : r->service != NULL ? g_strdup_printf ("%s (%s)", r->name, r->service)
                                        : g_strdup (a);
      text_table_add (tt, name, u64 (r->tally.flows), u64 (r->tally.packets), u64 (r->tally.bytes),
                      u64 (r->inbound_bytes), u64 (r->outbound_bytes));
    }
  text_table_render (tt, out);
}

/* Top talkers, exposure, egress and the groups. */
static void
daily_tables (GString *out, const VpcReportSummary *s)
{
  g_string_append (out, "\nTop talkers (accepted flows)\n");
  const char *dh[] = { "direction", "flows", "packets", "bytes", NULL };
  TextTable *tt = text_table_new (dh, 0xe);
  for (guint w = 0; w < 3; w++)
    text_table_add (tt, g_strdup (vpc_report_way_name ((VpcReportWay) w)),
                    u64 (s->talker_way[w].flows), u64 (s->talker_way[w].packets),
                    u64 (s->talker_way[w].bytes));
  text_table_render (tt, out);
  struct {
    const char *title;
    const VpcTalkerTable *t;
  } talkers[] = { { "sources", &s->talker_sources },
                  { "destinations", &s->talker_destinations },
                  { "conversations", &s->talker_conversations },
                  { "destination ports", &s->talker_ports } };
  for (guint i = 0; i < G_N_ELEMENTS (talkers); i++)
    for (guint by = 0; by < 2; by++)
      {
        g_autofree char *title = g_strdup_printf ("Top talkers: %s by %s", talkers[i].title,
                                                  by == 0 ? "bytes" : "flows");
        talker_table (out, s, title, by == 0 ? talkers[i].t->by_bytes : talkers[i].t->by_flows,
                      talkers[i].t->distinct, i == 3);
      }

  g_string_append_printf (out,
                          "\nExposure: %" G_GUINT64_FORMAT " interface ports accepting inbound "
                          "connections from public addresses on sensitive ports",
                          s->exposure_count);
  for (guint i = 0; i < s->options.exposure_port_count; i++)
    g_string_append_printf (out, "%c%u", i == 0 ? ' ' : ',', s->options.exposure_ports[i]);
  g_string_append (out, "; ! = a source is on a threat list\n");
  if (s->exposures->len > 0)
    {
      const char *h[] = { "", "interface", "instance", "vpc", "port", "sources", "listed",
                          "flows", "bytes", "first", "last", NULL };
      tt = text_table_new (h, 0x1e0);
      for (guint i = 0; i < s->exposures->len; i++)
        {
          const VpcReportExposure *e = &g_array_index (s->exposures, VpcReportExposure, i);
          text_table_add (tt, g_strdup (e->listed_sources > 0 ? "!" : ""),
                          or_dash (e->place.interface), or_dash (e->place.instance),
                          or_dash (e->place.vpc),
                          g_strdup_printf ("%s/%u", e->protocol_name, e->port), u64 (e->sources),
                          u64 (e->listed_sources), u64 (e->tally.flows), u64 (e->tally.bytes),
                          time_or_dash (e->first_ms), time_or_dash (e->last_ms));
        }
      text_table_render (tt, out);
    }

  g_string_append_printf (out,
                          "\nEgress to public, non-AWS addresses: %" G_GUINT64_FORMAT
                          " bytes in %" G_GUINT64_FORMAT " flows from %" G_GUINT64_FORMAT
                          " interfaces; %" G_GUINT64_FORMAT " at or over %" G_GUINT64_FORMAT
                          " bytes (!)\n",
                          s->egress_total.bytes, s->egress_total.flows, s->egress_interface_count,
                          s->egress_over_threshold, s->options.egress_threshold);
  if (s->egress_interfaces->len > 0)
    {
      const char *h[] = { "", "interface", "instance", "vpc", "destinations", "flows", "packets",
                          "bytes", NULL };
      tt = text_table_new (h, 0xf0);
      for (guint i = 0; i < s->egress_interfaces->len; i++)
        {
          const VpcReportEgress *e = &g_array_index (s->egress_interfaces, VpcReportEgress, i);
          text_table_add (tt, g_strdup (e->over_threshold ? "!" : ""),
                          or_dash (e->place.interface), or_dash (e->place.instance),
                          or_dash (e->place.vpc), u64 (e->destinations), u64 (e->tally.flows),
                          u64 (e->tally.packets), u64 (e->tally.bytes));
        }
      text_table_render (tt, out);
      g_string_append_printf (out, "\nTop egress destinations (%" G_GUINT64_FORMAT
                                   " interface and address pairs)\n",
                              s->egress_destination_count);
      const char *dh2[] = { "interface", "address", "flows", "packets", "bytes", NULL };
      tt = text_table_new (dh2, 0x1c);
      for (guint i = 0; i < s->egress_destinations->len; i++)
        {
          const VpcReportEgress *e = &g_array_index (s->egress_destinations, VpcReportEgress, i);
          text_table_add (tt, or_dash (e->place.interface), geo_address_text (s, e->address),
                          u64 (e->tally.flows), u64 (e->tally.packets), u64 (e->tally.bytes));
        }
      text_table_render (tt, out);
    }

  for (guint k = 0; k < VPC_REPORT_GROUPS; k++)
    {
      const VpcReportGroup *g = &s->groups[k];
      if (g->distinct == 0)
        continue;
      g_string_append_printf (out, "\nTotals per %s (%" G_GUINT64_FORMAT " distinct, %" G_GUINT64_FORMAT
                                   " flows without one)\n",
                              g->key, g->distinct, g->without);
      const char *h[] = { g->key, "flows", "packets", "bytes", "accepted", "rejected",
                          "rejected share", NULL };
      tt = text_table_new (h, 0x7e);
      for (guint i = 0; i < g->rows->len; i++)
        {
          const VpcReportGroupRow *r = &g_array_index (g->rows, VpcReportGroupRow, i);
          text_table_add (tt, g_strdup (r->name), u64 (r->all.flows), u64 (r->all.packets),
                          u64 (r->all.bytes), u64 (r->accepted.flows), u64 (r->rejected.flows),
                          vpc_report_share_text (r->rejected.flows, r->all.flows));
        }
      text_table_render (tt, out);
    }
}

char *
vpc_report_to_table (const VpcReportSummary *s)
{
  GString *out = g_string_new (NULL);
  g_string_append_printf (out, "vpc-report: %" G_GUINT64_FORMAT " flows from %u input(s)",
                          s->all.flows, s->inputs->len);
  if (s->have_time)
    {
      g_autofree char *a = vpc_report_time_text (s->first_ms);
      g_autofree char *b = vpc_report_time_text (s->last_ms);
      g_string_append_printf (out, ", %s to %s", a, b);
    }
  const VpcCounts *c = &s->input_total;
  g_string_append_printf (out,
                          "\n  lines %" G_GUINT64_FORMAT ": headers %" G_GUINT64_FORMAT
                          ", blank %" G_GUINT64_FORMAT ", flows %" G_GUINT64_FORMAT
                          ", NODATA %" G_GUINT64_FORMAT ", SKIPDATA %" G_GUINT64_FORMAT
                          ", malformed %" G_GUINT64_FORMAT "\n",
                          c->lines, c->headers, c->blank, c->flows, c->nodata, c->skipdata,
                          c->malformed);
  if (s->ipfix_records > 0)
    g_string_append_printf (out,
                            "  IPFIX records %" G_GUINT64_FORMAT " (%" G_GUINT64_FORMAT
                            " options records skipped)\n",
                            s->ipfix_records, s->ipfix_options_records);

  g_string_append (out, "\nTotals\n");
  const char *th[] = { "", "flows", "share", "packets", "share", "bytes", "share", NULL };
  TextTable *tt = text_table_new (th, 0x7e);
  struct {
    const char *name;
    const VpcTally *t;
  } totals[] = { { "all", &s->all }, { "accepted", &s->accepted }, { "rejected", &s->rejected },
                 { "no action", &s->no_action } };
  for (guint i = 0; i < G_N_ELEMENTS (totals); i++)
    text_table_add (tt, g_strdup (totals[i].name), u64 (totals[i].t->flows),
                    vpc_report_share_text (totals[i].t->flows, s->all.flows),
                    u64 (totals[i].t->packets),
                    vpc_report_share_text (totals[i].t->packets, s->all.packets),
                    u64 (totals[i].t->bytes),
                    vpc_report_share_text (totals[i].t->bytes, s->all.bytes));
  text_table_render (tt, out);

  text_limits (out, s);
  tally_table (out, s, "Top rejected sources", "address", &s->sources, "no rejected flows",
               &s->limits[0]);
  tally_table (out, s, "Top rejected destination ports", NULL, &s->ports, "no rejected flows with ports",
               NULL);
  if (s->rejected_without_port > 0)
    g_string_append_printf (out, "  (%" G_GUINT64_FORMAT " rejected flows without protocol or port)\n",
                            s->rejected_without_port);
  tally_table (out, s, "Top rejected destinations", "address", &s->destinations, "no rejected flows",
               &s->limits[1]);
  tally_table (out, s, "Top interfaces with rejected flows", "interface", &s->interfaces,
               "no rejected flows with an interface", NULL);

  g_string_append_printf (out,
                          "\nScanners: %" G_GUINT64_FORMAT " sources with rejected flows to >= %u "
                          "ports or >= %u hosts\n",
                          s->scanner_count, s->options.scan_ports, s->options.scan_hosts);
  if (s->scanners->len > 0)
    {
      const char *h[] = { "address", "ports", "hosts", "flows", "accepted", "first", "last", NULL };
      tt = text_table_new (h, 0x1e);
      for (guint i = 0; i < s->scanners->len; i++)
        {
          const VpcReportScanner *r = &g_array_index (s->scanners, VpcReportScanner, i);
          text_table_add (tt, geo_address_text (s, r->address), u64 (r->ports), u64 (r->hosts),
                          u64 (r->rejected.flows), u64 (r->accepted_flows),
                          time_or_dash (r->first_ms), time_or_dash (r->last_ms));
        }
      text_table_render (tt, out);
    }

  g_string_append_printf (out, "\nRejected flows over time (%u s buckets by flow start)\n",
                          s->bucket_seconds);
  guint64 max = 0;
  for (guint i = 0; i < s->buckets->len; i++)
    max = MAX (max, g_array_index (s->buckets, VpcReportBucket, i).tally.flows);
  if (s->buckets->len == 0)
    g_string_append (out, "  no rejected flows with a start time\n");
  for (guint i = 0; i < s->buckets->len; i++)
    {
      const VpcReportBucket *b = &g_array_index (s->buckets, VpcReportBucket, i);
      g_autofree char *when = vpc_report_time_text (b->start_ms);
      guint bar = max > 0 ? (guint) ((b->tally.flows * 40 + max - 1) / max) : 0;
      g_string_append_printf (out, "  %s %8" G_GUINT64_FORMAT " ", when, b->tally.flows);
      for (guint k = 0; k < bar; k++)
        g_string_append_c (out, '#');
      g_string_append_c (out, '\n');
    }
  if (s->rejected_without_time > 0)
    g_string_append_printf (out, "  (%" G_GUINT64_FORMAT " rejected flows without a start time)\n",
                            s->rejected_without_time);

  daily_tables (out, s);
  geo_render_text (out, s);

  if (!s->threats_enabled)
    {
      g_string_append (out, "\nThreats: not checked (--no-threats)\n");
      return g_string_free (out, FALSE);
    }
  g_autofree char *missing = NULL;
  const char *coverage = vpc_report_threat_coverage (s, &missing);
  g_autofree char *missing_text = vpc_report_terminal_text (missing);
  if (strcmp (coverage, "none") == 0)
    {
      g_string_append (out, "\nThreats: NOT CHECKED: no feed could be loaded");
      if (missing[0] != '\0')
        g_string_append_printf (out, " (missing: %s)", missing_text);
      g_string_append_c (out, '\n');
    }
  else if (strcmp (coverage, "partial") == 0)
    g_string_append_printf (out, "\nThreats: checked in part: not loaded: %s\n", missing_text);
  g_string_append_printf (out,
                          "\nThreats: %" G_GUINT64_FORMAT " listed addresses in %" G_GUINT64_FORMAT
                          " flows (%" G_GUINT64_FORMAT " accepted); %" G_GUINT64_FORMAT
                          " flagged (!): accepted traffic with a high-severity address\n",
                          s->threat_addresses, s->threat_flows.flows, s->threat_accepted.flows,
                          s->threat_flagged);
  if (s->threats->len > 0)
    {
      const char *h[] = { "", "address", "severity", "direction", "flows", "accepted", "rejected",
                          "first", "last", "feeds", "interfaces", NULL };
      tt = text_table_new (h, 0x70);
      for (guint i = 0; i < s->threats->len; i++)
        {
          const VpcReportThreat *t = &g_array_index (s->threats, VpcReportThreat, i);
          text_table_add (tt, g_strdup (t->flagged ? "!" : ""), geo_address_text (s, t->address),
                          g_strdup (vpc_severity_name (t->severity)),
                          g_strdup (vpc_threat_direction_name (t->direction)), u64 (t->total.flows),
                          u64 (t->accepted.flows), u64 (t->rejected.flows),
                          time_or_dash (t->first_ms), time_or_dash (t->last_ms),
                          feeds_text (t->feed_names), interfaces_text (t, ","));
        }
      text_table_render (tt, out);
      if (s->threat_addresses > s->threats->len)
        g_string_append_printf (out, "  (%" G_GUINT64_FORMAT " more; --top-threats 0 lists all)\n",
                                s->threat_addresses - s->threats->len);
    }
  g_string_append_printf (out, "\nFeeds (%" G_GUINT64_FORMAT " intervals)\n", s->threat_intervals);
  const char *fh[] = { "feed",    "state",   "severity", "age",   "entries",
                       "garbage", "special", "too wide", "error", NULL };
  tt = text_table_new (fh, 0xf8);
  for (guint i = 0; i < s->feeds->len; i++)
    {
      const VpcReportFeed *f = &g_array_index (s->feeds, VpcReportFeed, i);
      char *age = f->age < 0 ? g_strdup ("-")
                  : f->age < 7200 ? g_strdup_printf ("%" G_GINT64_FORMAT "s", f->age)
                  : f->age < 172800 ? g_strdup_printf ("%" G_GINT64_FORMAT "h", f->age / 3600)
                                    : g_strdup_printf ("%" G_GINT64_FORMAT "d", f->age / 86400);
      text_table_add (tt, g_strdup (f->name), g_strdup (f->state), g_strdup (f->severity), age,
                      u64 (f->entries), u64 (f->garbage), u64 (f->special), u64 (f->too_wide),
                      g_strdup (f->error != NULL ? f->error : ""));
    }
  text_table_render (tt, out);
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------ CSV */

static void
csv_field (GString *out, const char *text)
{
  g_autofree char *valid = vpc_report_csv_text (text);
  if (strpbrk (valid, ",\"\r\n") == NULL)
    {
      g_string_append (out, valid);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = valid; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* One row: the section name, then the fields (NULL-terminated; taken). */
void
csv_row (GString *out, const char *section, ...)
{
  g_string_append (out, section);
  va_list ap;
  va_start (ap, section);
  for (char *field; (field = va_arg (ap, char *)) != NULL;)
    {
      g_string_append_c (out, ',');
      csv_field (out, field);
      g_free (field);
    }
  va_end (ap);
  g_string_append (out, "\r\n");
}

#define S(x) g_strdup (x)

static void
csv_tally_section (GString *out, const char *section, const char *key, const VpcReportTable *t,
                   const VpcReportLimit *limit)
{
  g_string_append (out, "\r\n");
  gboolean approximate = limit != NULL && limit->approximate;
  if (approximate)
    csv_row (out, "section", S (key), S ("flows"), S ("packets"), S ("bytes"), S ("error_flows"),
             S ("error_packets"), S ("error_bytes"), NULL);
  else if (key == NULL)
    csv_row (out, "section", S ("protocol"), S ("protocol_name"), S ("port"), S ("service"),
             S ("flows"), S ("packets"), S ("bytes"), NULL);
  else
    csv_row (out, "section", S (key), S ("flows"), S ("packets"), S ("bytes"), NULL);
  for (guint i = 0; i < t->rows->len; i++)
    {
      const VpcReportRow *row = &g_array_index (t->rows, VpcReportRow, i);
      if (key == NULL)
        csv_row (out, section, u64 (row->protocol), S (row->protocol_name ? row->protocol_name : ""),
                 u64 (row->port), S (row->service ? row->service : ""), u64 (row->tally.flows),
                 u64 (row->tally.packets), u64 (row->tally.bytes), NULL);
      else if (approximate)
        csv_row (out, section, S (row->name), u64 (row->tally.flows), u64 (row->tally.packets),
                 u64 (row->tally.bytes), u64 (row->error.flows), u64 (row->error.packets),
                 u64 (row->error.bytes), NULL);
      else
        csv_row (out, section, S (row->name), u64 (row->tally.flows), u64 (row->tally.packets),
                 u64 (row->tally.bytes), NULL);
    }
}

static char *
ms_or_empty (guint64 ms)
{
  return ms != 0 ? u64 (ms) : g_strdup ("");
}

static void
csv_talkers (GString *out, const char *section, const GArray *rows, int kind)
{
  g_string_append (out, "\r\n");
  if (kind == 0)
    csv_row (out, "section", S ("address"), S ("flows"), S ("packets"), S ("bytes"),
             S ("inbound_bytes"), S ("outbound_bytes"), NULL);
  else if (kind == 1)
    csv_row (out, "section", S ("address_a"), S ("address_b"), S ("flows"), S ("packets"),
             S ("bytes"), S ("inbound_bytes"), S ("outbound_bytes"), NULL);
  else
    csv_row (out, "section", S ("protocol"), S ("protocol_name"), S ("port"), S ("service"),
             S ("flows"), S ("packets"), S ("bytes"), S ("inbound_bytes"), S ("outbound_bytes"),
             NULL);
  for (guint i = 0; i < rows->len; i++)
    {
      const VpcReportRow *r = &g_array_index (rows, VpcReportRow, i);
      if (kind == 0)
        csv_row (out, section, S (r->name), u64 (r->tally.flows), u64 (r->tally.packets),
                 u64 (r->tally.bytes), u64 (r->inbound_bytes), u64 (r->outbound_bytes), NULL);
      else if (kind == 1)
        csv_row (out, section, S (r->name), S (r->peer), u64 (r->tally.flows),
                 u64 (r->tally.packets), u64 (r->tally.bytes), u64 (r->inbound_bytes),
                 u64 (r->outbound_bytes), NULL);
      else
        csv_row (out, section, u64 (r->protocol), S (r->protocol_name ? r->protocol_name : ""),
                 u64 (r->port), S (r->service ? r->service : ""), u64 (r->tally.flows),
                 u64 (r->tally.packets), u64 (r->tally.bytes), u64 (r->inbound_bytes),
                 u64 (r->outbound_bytes), NULL);
    }
}

#define P(x) S ((x) != NULL ? (x) : "")

static void
csv_daily (GString *out, const VpcReportSummary *s)
{
  g_string_append (out, "\r\n");
  csv_row (out, "section", S ("direction"), S ("flows"), S ("packets"), S ("bytes"), NULL);
  for (guint w = 0; w < 3; w++)
    csv_row (out, "talker_directions", S (vpc_report_way_name ((VpcReportWay) w)),
             u64 (s->talker_way[w].flows), u64 (s->talker_way[w].packets),
             u64 (s->talker_way[w].bytes), NULL);
  struct {
    const char *name;
    const VpcTalkerTable *t;
  } talkers[] = { { "sources", &s->talker_sources },
                  { "destinations", &s->talker_destinations },
                  { "conversations", &s->talker_conversations },
                  { "ports", &s->talker_ports } };
  for (guint i = 0; i < G_N_ELEMENTS (talkers); i++)
    for (guint by = 0; by < 2; by++)
      {
        g_autofree char *section = g_strdup_printf ("talker_%s_by_%s", talkers[i].name,
                                                    by == 0 ? "bytes" : "flows");
        csv_talkers (out, section, by == 0 ? talkers[i].t->by_bytes : talkers[i].t->by_flows,
                     i < 2 ? 0 : (int) i - 1);
      }

  g_string_append (out, "\r\n");
  csv_row (out, "section", S ("interface"), S ("instance"), S ("vpc"), S ("protocol"),
           S ("protocol_name"), S ("port"), S ("sources"), S ("listed_sources"), S ("flows"),
           S ("packets"), S ("bytes"), S ("first_ms"), S ("last_ms"), NULL);
  for (guint i = 0; i < s->exposures->len; i++)
    {
      const VpcReportExposure *e = &g_array_index (s->exposures, VpcReportExposure, i);
      csv_row (out, "exposure", P (e->place.interface), P (e->place.instance), P (e->place.vpc),
               u64 (e->protocol), P (e->protocol_name), u64 (e->port), u64 (e->sources),
               u64 (e->listed_sources), u64 (e->tally.flows), u64 (e->tally.packets),
               u64 (e->tally.bytes), ms_or_empty (e->first_ms), ms_or_empty (e->last_ms), NULL);
    }

  g_string_append (out, "\r\n");
  csv_row (out, "section", S ("interface"), S ("instance"), S ("vpc"), S ("destinations"),
           S ("flows"), S ("packets"), S ("bytes"), S ("over_threshold"), NULL);
  for (guint i = 0; i < s->egress_interfaces->len; i++)
    {
      const VpcReportEgress *e = &g_array_index (s->egress_interfaces, VpcReportEgress, i);
      csv_row (out, "egress_interfaces", P (e->place.interface), P (e->place.instance),
               P (e->place.vpc), u64 (e->destinations), u64 (e->tally.flows),
               u64 (e->tally.packets), u64 (e->tally.bytes), S (e->over_threshold ? "yes" : "no"),
               NULL);
    }
  g_string_append (out, "\r\n");
  csv_row (out, "section", S ("interface"), S ("instance"), S ("vpc"), S ("address"), S ("flows"),
           S ("packets"), S ("bytes"), NULL);
  for (guint i = 0; i < s->egress_destinations->len; i++)
    {
      const VpcReportEgress *e = &g_array_index (s->egress_destinations, VpcReportEgress, i);
      csv_row (out, "egress_destinations", P (e->place.interface), P (e->place.instance),
               P (e->place.vpc), S (e->address), u64 (e->tally.flows), u64 (e->tally.packets),
               u64 (e->tally.bytes), NULL);
    }

  for (guint k = 0; k < VPC_REPORT_GROUPS; k++)
    {
      const VpcReportGroup *g = &s->groups[k];
      g_autofree char *section = g_strdup_printf ("group_%s", g->name);
      g_string_append (out, "\r\n");
      csv_row (out, "section", S (g->key), S ("flows"), S ("packets"), S ("bytes"),
               S ("accepted_flows"), S ("accepted_packets"), S ("accepted_bytes"),
               S ("rejected_flows"), S ("rejected_packets"), S ("rejected_bytes"),
               S ("rejected_share"), NULL);
      for (guint i = 0; i < g->rows->len; i++)
        {
          const VpcReportGroupRow *r = &g_array_index (g->rows, VpcReportGroupRow, i);
          csv_row (out, section, S (r->name), u64 (r->all.flows), u64 (r->all.packets),
                   u64 (r->all.bytes), u64 (r->accepted.flows), u64 (r->accepted.packets),
                   u64 (r->accepted.bytes), u64 (r->rejected.flows), u64 (r->rejected.packets),
                   u64 (r->rejected.bytes),
                   g_strdup_printf ("%.6f", vpc_report_share (r->rejected.flows, r->all.flows)),
                   NULL);
        }
    }
}

char *
vpc_report_to_csv (const VpcReportSummary *s)
{
  GString *out = g_string_new (NULL);
  csv_row (out, "section", S ("metric"), S ("flows"), S ("packets"), S ("bytes"), NULL);
  struct {
    const char *name;
    const VpcTally *t;
  } totals[] = { { "all", &s->all }, { "accepted", &s->accepted }, { "rejected", &s->rejected },
                 { "no_action", &s->no_action }, { "threat_flows", &s->threat_flows },
                 { "threat_accepted", &s->threat_accepted } };
  for (guint i = 0; i < G_N_ELEMENTS (totals); i++)
    csv_row (out, "totals", S (totals[i].name), u64 (totals[i].t->flows),
             u64 (totals[i].t->packets), u64 (totals[i].t->bytes), NULL);

  g_string_append (out, "\r\n");
  csv_row (out, "section", S ("name"), S ("kind"), S ("container"), S ("lines"), S ("flows"),
           S ("nodata"), S ("skipdata"), S ("malformed"), S ("bad_payloads"), S ("ipfix_records"),
           S ("error"), NULL);
  for (guint i = 0; i < s->inputs->len; i++)
    {
      const VpcReportInput *in = s->inputs->pdata[i];
      csv_row (out, "inputs", S (in->name), S (in->kind), S (in->container ? in->container : ""),
               u64 (in->counts.lines), u64 (in->counts.flows), u64 (in->counts.nodata),
               u64 (in->counts.skipdata), u64 (in->counts.malformed),
               u64 (in->counts.bad_payloads), u64 (in->ipfix_records),
               S (in->error ? in->error : ""), NULL);
    }

  g_string_append (out, "\r\n");
  csv_row (out, "section", S ("table"), S ("approximate"), S ("keys"), S ("flows"), S ("max_keys"),
           S ("bound"), S ("error"), NULL);
  for (guint i = 0; i < VPC_REPORT_LIMITS; i++)
    {
      const VpcReportLimit *l = &s->limits[i];
      csv_row (out, "limits", S (l->name), S (l->approximate ? "yes" : "no"), u64 (l->keys),
               u64 (l->flows), u64 (l->max_keys), u64 (l->bound), u64 (l->error), NULL);
    }
  csv_row (out, "section", S ("max_pairs"), S ("pairs_refused"), NULL);
  csv_row (out, "limit_pairs", u64 (s->max_pairs), u64 (s->pairs_refused), NULL);
  csv_tally_section (out, "rejected_sources", "address", &s->sources, &s->limits[0]);
  csv_tally_section (out, "rejected_ports", NULL, &s->ports, NULL);
  csv_tally_section (out, "rejected_destinations", "address", &s->destinations, &s->limits[1]);
  csv_tally_section (out, "rejected_interfaces", "interface", &s->interfaces, NULL);

  g_string_append (out, "\r\n");
  csv_row (out, "section", S ("address"), S ("ports"), S ("hosts"), S ("flows"), S ("packets"),
           S ("bytes"), S ("accepted_flows"), S ("first_ms"), S ("last_ms"), NULL);
  for (guint i = 0; i < s->scanners->len; i++)
    {
      const VpcReportScanner *r = &g_array_index (s->scanners, VpcReportScanner, i);
      csv_row (out, "scanners", S (r->address), u64 (r->ports), u64 (r->hosts),
               u64 (r->rejected.flows), u64 (r->rejected.packets), u64 (r->rejected.bytes),
               u64 (r->accepted_flows), ms_or_empty (r->first_ms), ms_or_empty (r->last_ms), NULL);
    }

  g_string_append (out, "\r\n");
  csv_row (out, "section", S ("start_ms"), S ("start"), S ("seconds"), S ("flows"), S ("packets"),
           S ("bytes"), NULL);
  for (guint i = 0; i < s->buckets->len; i++)
    {
      const VpcReportBucket *b = &g_array_index (s->buckets, VpcReportBucket, i);
      csv_row (out, "reject_histogram", u64 (b->start_ms), vpc_report_time_text (b->start_ms),
               u64 (s->bucket_seconds), u64 (b->tally.flows), u64 (b->tally.packets),
               u64 (b->tally.bytes), NULL);
    }

  g_string_append (out, "\r\n");
  csv_row (out, "section", S ("address"), S ("severity"), S ("flagged"), S ("direction"),
           S ("feeds"), S ("flows"), S ("packets"), S ("bytes"), S ("accepted_flows"),
           S ("accepted_packets"), S ("accepted_bytes"), S ("rejected_flows"),
           S ("rejected_packets"), S ("rejected_bytes"), S ("first_ms"), S ("last_ms"),
           S ("interfaces"), S ("interface_count"), NULL);
  for (guint i = 0; i < s->threats->len; i++)
    {
      const VpcReportThreat *t = &g_array_index (s->threats, VpcReportThreat, i);
      csv_row (out, "threats", S (t->address), S (vpc_severity_name (t->severity)),
               S (t->flagged ? "yes" : "no"), S (vpc_threat_direction_name (t->direction)),
               g_strjoinv (" ", t->feed_names), u64 (t->total.flows), u64 (t->total.packets),
               u64 (t->total.bytes), u64 (t->accepted.flows), u64 (t->accepted.packets),
               u64 (t->accepted.bytes), u64 (t->rejected.flows), u64 (t->rejected.packets),
               u64 (t->rejected.bytes), ms_or_empty (t->first_ms), ms_or_empty (t->last_ms),
               g_strjoinv (" ", t->interfaces), u64 (t->interface_count), NULL);
    }

  csv_daily (out, s);
  g_string_append (out, "\r\n");
  geo_render_csv (out, s);

  g_string_append (out, "\r\n");
  g_autofree char *missing = NULL;
  const char *coverage = vpc_report_threat_coverage (s, &missing);
  csv_row (out, "section", S ("coverage"), S ("missing_feeds"), NULL);
  csv_row (out, "threat_coverage", S (coverage), S (missing), NULL);
  g_string_append (out, "\r\n");
  csv_row (out, "section", S ("name"), S ("enabled"), S ("state"), S ("severity"), S ("age"),
           S ("entries"), S ("garbage"), S ("special"), S ("too_wide"), S ("error"),
           S ("over_limit"), NULL);
  for (guint i = 0; i < s->feeds->len; i++)
    {
      const VpcReportFeed *f = &g_array_index (s->feeds, VpcReportFeed, i);
      csv_row (out, "feeds", S (f->name), S (f->enabled ? "yes" : "no"), S (f->state),
               S (f->severity),
               f->age >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, f->age) : g_strdup (""),
               u64 (f->entries), u64 (f->garbage), u64 (f->special), u64 (f->too_wide),
               S (f->error ? f->error : ""), u64 (f->over_limit),
               NULL);
    }
  return g_string_free (out, FALSE);
}
