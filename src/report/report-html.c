/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc-report as one self-contained HTML page: inline CSS and SVG charts, no scripts, no external resources. */
#include "config.h"

#include "report-private.h"

#include <string.h>

/* Text for HTML: valid UTF-8, markup escaped. */
static void
put (GString *out, const char *text)
{
  g_autofree char *valid = vpc_report_valid_utf8 (text);
  g_autofree char *escaped = g_markup_escape_text (valid, -1);
  g_string_append (out, escaped);
}

static void
put_u64 (GString *out, guint64 v)
{
  g_string_append_printf (out, "%" G_GUINT64_FORMAT, v);
}

static void
put_time (GString *out, guint64 ms)
{
  if (ms == 0)
    {
      g_string_append (out, "-");
      return;
    }
  g_autofree char *t = vpc_report_time_text (ms);
  put (out, t);
}

static const char style[] =
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "th,td{padding:.2em .6em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "tr.flagged td{background:#fde2e2;font-weight:bold}"
    ".sev-high{color:#b00020}.sev-medium{color:#b36b00}.sev-low{color:#555}.sev-info{color:#06c}"
    ".note{color:#666;font-size:.9em}"
    "svg{display:block;margin:.5em 0}svg text{font-size:11px;fill:#333}"
    "rect.bar{fill:#c0392b}rect.hbar{fill:#2e86c1}rect.acc{fill:#27ae60}rect.rej{fill:#c0392b}"
    ".geo{color:#666;font-size:.85em}"
    "rect.in{fill:#8e44ad}rect.out{fill:#e67e22}rect.unk{fill:#95a5a6}";

/* Horizontal bars of a top table: label and flows. */
static void
svg_top_bars (GString *out, const char *id, const VpcReportTable *t)
{
  if (t->rows->len == 0)
    return;
  guint64 max = 1;
  for (guint i = 0; i < t->rows->len; i++)
    max = MAX (max, g_array_index (t->rows, VpcReportRow, i).tally.flows);
  guint row_h = 18, label_w = 260, bar_w = 480;
  g_string_append_printf (out,
                          "<svg id=\"%s\" class=\"chart\" width=\"%u\" height=\"%u\" "
                          "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n",
                          id, label_w + bar_w + 80, row_h * t->rows->len + 4);
  for (guint i = 0; i < t->rows->len; i++)
    {
      const VpcReportRow *row = &g_array_index (t->rows, VpcReportRow, i);
      guint w = (guint) ((row->tally.flows * bar_w + max - 1) / max);
      guint y = i * row_h + 2;
      g_string_append_printf (out, "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">", label_w - 6,
                              y + 12);
      put (out, row->name);
      g_string_append_printf (out,
                              "</text><rect class=\"hbar\" x=\"%u\" y=\"%u\" width=\"%u\" "
                              "height=\"%u\"><title>",
                              label_w, y, MAX (w, 1u), row_h - 4);
      put (out, row->name);
      g_string_append_printf (out, ": %" G_GUINT64_FORMAT " flows</title></rect>"
                                   "<text x=\"%u\" y=\"%u\">%" G_GUINT64_FORMAT "</text>\n",
                              row->tally.flows, label_w + MAX (w, 1u) + 4, y + 12, row->tally.flows);
    }
  g_string_append (out, "</svg>\n");
}

/* The reject histogram: one bar per bucket at its place in time. */
static void
svg_histogram (GString *out, const VpcReportSummary *s)
{
  if (s->buckets->len == 0)
    return;
  guint64 step = (guint64) s->bucket_seconds * 1000;
  guint64 first = g_array_index (s->buckets, VpcReportBucket, 0).start_ms;
  guint64 last = g_array_index (s->buckets, VpcReportBucket, s->buckets->len - 1).start_ms;
  guint64 slots = (last - first) / step + 1;
  gboolean by_time = slots <= 2000; /* else bars side by side in order */
  if (!by_time)
    slots = s->buckets->len;
  guint64 max = 1;
  for (guint i = 0; i < s->buckets->len; i++)
    max = MAX (max, g_array_index (s->buckets, VpcReportBucket, i).tally.flows);
  double width = 760, height = 180, left = 50, top = 10;
  double slot_w = width / (double) slots;
  g_string_append_printf (out,
                          "<svg id=\"histogram\" class=\"chart\" width=\"%.0f\" height=\"%.0f\" "
                          "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n"
                          "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#999\"/>\n"
                          "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%" G_GUINT64_FORMAT "</text>\n"
                          "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">0</text>\n",
                          left + width + 10, top + height + 40, left, top + height, left + width,
                          top + height, left - 4, top + 10, max, left - 4, top + height);
  for (guint i = 0; i < s->buckets->len; i++)
    {
      const VpcReportBucket *b = &g_array_index (s->buckets, VpcReportBucket, i);
      guint64 slot = by_time ? (b->start_ms - first) / step : i;
      double h = height * (double) b->tally.flows / (double) max;
      if (h < 1)
        h = 1;
      g_string_append_printf (out,
                              "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                              "height=\"%.2f\"><title>",
                              left + (double) slot * slot_w, top + height - h,
                              MAX (slot_w * 0.9, 0.5), h);
      put_time (out, b->start_ms);
      g_string_append_printf (out, ": %" G_GUINT64_FORMAT " rejected flows</title></rect>\n",
                              b->tally.flows);
    }
  g_string_append_printf (out, "<text x=\"%.0f\" y=\"%.0f\">", left, top + height + 16);
  put_time (out, first);
  g_string_append_printf (out, "</text><text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">",
                          left + width, top + height + 16);
  put_time (out, last + step);
  g_string_append (out, "</text>\n</svg>\n");
}

/* Accepted and rejected flows as one stacked bar. */
static void
svg_share (GString *out, const VpcReportSummary *s)
{
  if (s->all.flows == 0)
    return;
  double w = 760, acc = w * (double) s->accepted.flows / (double) s->all.flows;
  double rej = w * (double) s->rejected.flows / (double) s->all.flows;
  g_string_append_printf (out,
                          "<svg id=\"share\" class=\"chart\" width=\"%.0f\" height=\"24\" "
                          "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">"
                          "<rect class=\"acc\" x=\"0\" y=\"2\" width=\"%.2f\" height=\"20\">"
                          "<title>accepted flows</title></rect>"
                          "<rect class=\"rej\" x=\"%.2f\" y=\"2\" width=\"%.2f\" height=\"20\">"
                          "<title>rejected flows</title></rect></svg>\n",
                          w, acc, acc, rej);
}

static void
tally_cells (GString *out, const VpcTally *t)
{
  g_string_append (out, "<td class=\"n\">");
  put_u64 (out, t->flows);
  g_string_append (out, "</td><td class=\"n\">");
  put_u64 (out, t->packets);
  g_string_append (out, "</td><td class=\"n\">");
  put_u64 (out, t->bytes);
  g_string_append (out, "</td>");
}

/* Which tables are approximate, and by how much at most. */
static void
html_limits (GString *out, const VpcReportSummary *s)
{
  g_string_append (out, "<p id=\"limits\" class=\"note\">");
  gboolean any = FALSE;
  for (guint i = 0; i < VPC_REPORT_LIMITS; i++)
    {
      const VpcReportLimit *l = &s->limits[i];
      if (!l->approximate)
        continue;
      any = TRUE;
      g_string_append_printf (out,
                              "<strong>Approximate:</strong> %s (more than %u distinct keys; "
                              "Space-Saving): a row's flows are at most %" G_GUINT64_FORMAT
                              " over (bound N/k = %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT " = %"
                              G_GUINT64_FORMAT "), never under. ",
                              l->name, s->options.max_keys, l->error, l->flows, l->max_keys, l->bound);
    }
  if (s->pairs_refused > 0)
    {
      any = TRUE;
      g_string_append_printf (out,
                              "Scanners' ports and hosts and exposures' sources may be low by "
                              "at most %" G_GUINT64_FORMAT
                                   " in all. ",
                              s->pairs_refused);
    }
  if (!any)
    g_string_append_printf (out, "All tables exact (up to %u distinct keys each).", s->options.max_keys);
  g_string_append (out, "</p>\n");
}

static void
html_table (GString *out, const VpcReportSummary *s, const char *id, const char *title,
            const char *key, const VpcReportTable *t, const VpcReportLimit *limit)
{
  gboolean approximate = limit != NULL && limit->approximate;
  g_string_append_printf (out, "<h2>%s</h2>\n<p class=\"note\">%" G_GUINT64_FORMAT " distinct</p>\n",
                          title, t->distinct);
  svg_top_bars (out, id, t);
  if (t->rows->len == 0)
    return;
  g_string_append_printf (out, "<table id=\"%s-table\"><tr>", id);
  if (key == NULL)
    g_string_append (out, "<th>port</th><th>service</th>");
  else
    g_string_append_printf (out, "<th>%s</th>", key);
  g_string_append (out, "<th class=\"n\">flows</th><th class=\"n\">packets</th>"
                        "<th class=\"n\">bytes</th>");
  if (approximate)
    g_string_append (out, "<th class=\"n\">flows over by at most</th>");
  g_string_append (out, "</tr>\n");
  for (guint i = 0; i < t->rows->len; i++)
    {
      const VpcReportRow *row = &g_array_index (t->rows, VpcReportRow, i);
      g_string_append (out, "<tr><td>");
      put (out, row->name);
      if (key != NULL && strcmp (key, "address") == 0)
        geo_html_note (out, s, row->name);
      if (key == NULL)
        {
          g_string_append (out, "</td><td>");
          put (out, row->service != NULL ? row->service : "-");
        }
      g_string_append (out, "</td>");
      tally_cells (out, &row->tally);
      if (approximate)
        g_string_append_printf (out, "<td class=\"n\">%" G_GUINT64_FORMAT "</td>", row->error.flows);
      g_string_append (out, "</tr>\n");
    }
  g_string_append (out, "</table>\n");
}

/* ------------------------------------------------- talkers, exposure, egress, groups */

static char *
talker_label (const VpcReportRow *row)
{
  if (row->peer != NULL)
    return g_strdup_printf ("%s \u2194 %s", row->name, row->peer);
  return g_strdup (row->name);
}

/* Horizontal bars by bytes, each split into inbound, outbound and the rest. */
static void
svg_talker_bars (GString *out, const char *id, const GArray *rows)
{
  if (rows->len == 0)
    return;
  guint64 max = 1;
  for (guint i = 0; i < rows->len; i++)
    max = MAX (max, g_array_index (rows, VpcReportRow, i).tally.bytes);
  guint row_h = 18, label_w = 320, bar_w = 420;
  g_string_append_printf (out,
                          "<svg id=\"%s\" class=\"chart\" width=\"%u\" height=\"%u\" "
                          "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n",
                          id, label_w + bar_w + 120, row_h * rows->len + 4);
  for (guint i = 0; i < rows->len; i++)
    {
      const VpcReportRow *row = &g_array_index (rows, VpcReportRow, i);
      g_autofree char *label = talker_label (row);
      double scale = (double) bar_w / (double) max;
      double in = (double) row->inbound_bytes * scale, outb = (double) row->outbound_bytes * scale;
      double total = MAX ((double) row->tally.bytes * scale, 1.0);
      double rest = MAX (total - in - outb, 0.0);
      guint y = i * row_h + 2;
      g_string_append_printf (out, "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">", label_w - 6,
                              y + 12);
      put (out, label);
      g_string_append (out, "</text>");
      struct {
        const char *cls, *what;
        double w;
      } parts[] = { { "in", "inbound", in }, { "out", "outbound", outb }, { "unk", "unknown", rest } };
      double x = label_w;
      gboolean drawn = FALSE;
      for (guint k = 0; k < G_N_ELEMENTS (parts); k++)
        {
          double w = parts[k].w;
          if (w <= 0 && (drawn || k + 1 < G_N_ELEMENTS (parts)))
            continue;
          w = MAX (w, 1.0);
          g_string_append_printf (out,
                                  "<rect class=\"%s\" x=\"%.2f\" y=\"%u\" width=\"%.2f\" "
                                  "height=\"%u\"><title>",
                                  parts[k].cls, x, y, w, row_h - 4);
          put (out, label);
          g_string_append_printf (out, ": %s</title></rect>", parts[k].what);
          x += w;
          drawn = TRUE;
        }
      g_string_append_printf (out, "<text x=\"%.2f\" y=\"%u\">%" G_GUINT64_FORMAT " B</text>\n",
                              x + 4, y + 12, row->tally.bytes);
    }
  g_string_append (out, "</svg>\n");
}

static void
html_talker_rows (GString *out, const VpcReportSummary *s, const char *id, const GArray *rows,
                  const char *key)
{
  if (rows->len == 0)
    {
      g_string_append (out, "<p class=\"note\">No accepted flows.</p>\n");
      return;
    }
  g_string_append_printf (out,
                          "<table id=\"%s\"><tr><th>%s</th><th class=\"n\">flows</th>"
                          "<th class=\"n\">packets</th><th class=\"n\">bytes</th>"
                          "<th class=\"n\">inbound bytes</th><th class=\"n\">outbound bytes</th>"
                          "</tr>\n",
                          id, key);
  for (guint i = 0; i < rows->len; i++)
    {
      const VpcReportRow *row = &g_array_index (rows, VpcReportRow, i);
      g_string_append (out, "<tr><td>");
      put (out, row->name);
      geo_html_note (out, s, row->name);
      if (row->peer != NULL)
        {
          g_string_append (out, " \u2194 ");
          put (out, row->peer);
          geo_html_note (out, s, row->peer);
        }
      if (row->service != NULL)
        {
          g_string_append (out, " (");
          put (out, row->service);
          g_string_append (out, ")");
        }
      g_string_append (out, "</td>");
      tally_cells (out, &row->tally);
      g_string_append_printf (out, "<td class=\"n\">%" G_GUINT64_FORMAT "</td><td class=\"n\">%"
                                   G_GUINT64_FORMAT "</td></tr>\n",
                              row->inbound_bytes, row->outbound_bytes);
    }
  g_string_append (out, "</table>\n");
}

static void
html_talkers (GString *out, const VpcReportSummary *s)
{
  g_string_append (out, "<h2 id=\"talkers\">Top talkers</h2>\n<p class=\"note\">Accepted flows. "
                        "Direction: the flow-direction field where present, else inbound from a "
                        "public to a private address, outbound the other way. Bars: "
                        "<span style=\"color:#8e44ad\">inbound</span>, "
                        "<span style=\"color:#e67e22\">outbound</span>, "
                        "<span style=\"color:#95a5a6\">unknown</span> bytes.</p>\n"
                        "<table id=\"talker-directions-table\"><tr><th>direction</th>"
                        "<th class=\"n\">flows</th><th class=\"n\">packets</th>"
                        "<th class=\"n\">bytes</th></tr>\n");
  for (guint w = 0; w < 3; w++)
    {
      g_string_append_printf (out, "<tr><td>%s</td>", vpc_report_way_name ((VpcReportWay) w));
      tally_cells (out, &s->talker_way[w]);
      g_string_append (out, "</tr>\n");
    }
  g_string_append (out, "</table>\n");
  struct {
    const char *id, *title, *key;
    const VpcTalkerTable *t;
  } tables[] = { { "talker-sources", "Sources", "address", &s->talker_sources },
                 { "talker-destinations", "Destinations", "address", &s->talker_destinations },
                 { "talker-conversations", "Conversations (both directions)", "addresses",
                   &s->talker_conversations },
                 { "talker-ports", "Destination ports", "port", &s->talker_ports } };
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_string_append_printf (out, "<h3>%s</h3>\n<p class=\"note\">%" G_GUINT64_FORMAT
                                   " distinct; by bytes</p>\n",
                              tables[i].title, tables[i].t->distinct);
      svg_talker_bars (out, tables[i].id, tables[i].t->by_bytes);
      g_autofree char *id_bytes = g_strdup_printf ("%s-bytes-table", tables[i].id);
      html_talker_rows (out, s, id_bytes, tables[i].t->by_bytes, tables[i].key);
      g_string_append (out, "<p class=\"note\">by flows</p>\n");
      g_autofree char *id_flows = g_strdup_printf ("%s-flows-table", tables[i].id);
      html_talker_rows (out, s, id_flows, tables[i].t->by_flows, tables[i].key);
    }
}

static void
place_cells (GString *out, const VpcReportPlace *place)
{
  const char *parts[] = { place->interface, place->instance, place->vpc };
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_string_append (out, "<td>");
      put (out, parts[i] != NULL ? parts[i] : "-");
      g_string_append (out, "</td>");
    }
}

static void
html_exposure (GString *out, const VpcReportSummary *s)
{
  g_string_append_printf (out,
                          "<h2 id=\"exposure\">Exposure</h2>\n<p>%" G_GUINT64_FORMAT
                          " interface ports accepted inbound tcp or udp connections from public "
                          "addresses on sensitive ports (",
                          s->exposure_count);
  for (guint i = 0; i < s->options.exposure_port_count; i++)
    g_string_append_printf (out, "%s%u", i > 0 ? ", " : "", s->options.exposure_ports[i]);
  g_string_append (out, "). Rows with a source on a threat list are marked.</p>\n");
  if (s->exposures->len == 0)
    return;
  g_string_append (out, "<table id=\"exposure-table\"><tr><th>interface</th><th>instance</th>"
                        "<th>vpc</th><th>port</th><th class=\"n\">public sources</th>"
                        "<th class=\"n\">listed sources</th><th class=\"n\">flows</th>"
                        "<th class=\"n\">packets</th><th class=\"n\">bytes</th><th>first</th>"
                        "<th>last</th></tr>\n");
  for (guint i = 0; i < s->exposures->len; i++)
    {
      const VpcReportExposure *e = &g_array_index (s->exposures, VpcReportExposure, i);
      g_string_append_printf (out, "<tr%s>", e->listed_sources > 0 ? " class=\"flagged\"" : "");
      place_cells (out, &e->place);
      g_string_append_printf (out, "<td>%s/%u</td><td class=\"n\">%" G_GUINT64_FORMAT
                                   "</td><td class=\"n\">%" G_GUINT64_FORMAT "</td>",
                              e->protocol_name, e->port, e->sources, e->listed_sources);
      tally_cells (out, &e->tally);
      g_string_append (out, "<td>");
      put_time (out, e->first_ms);
      g_string_append (out, "</td><td>");
      put_time (out, e->last_ms);
      g_string_append (out, "</td></tr>\n");
    }
  g_string_append (out, "</table>\n");
}

static void
svg_egress_bars (GString *out, const VpcReportSummary *s)
{
  const GArray *rows = s->egress_interfaces;
  if (rows->len == 0)
    return;
  guint64 max = 1;
  for (guint i = 0; i < rows->len; i++)
    max = MAX (max, g_array_index (rows, VpcReportEgress, i).tally.bytes);
  guint row_h = 18, label_w = 260, bar_w = 480;
  g_string_append_printf (out,
                          "<svg id=\"egress\" class=\"chart\" width=\"%u\" height=\"%u\" "
                          "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n",
                          label_w + bar_w + 240, row_h * rows->len + 4);
  for (guint i = 0; i < rows->len; i++)
    {
      const VpcReportEgress *e = &g_array_index (rows, VpcReportEgress, i);
      const char *name = e->place.interface != NULL ? e->place.interface : "-";
      double w = MAX ((double) e->tally.bytes * bar_w / (double) max, 1.0);
      guint y = i * row_h + 2;
      g_string_append_printf (out, "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">", label_w - 6,
                              y + 12);
      put (out, name);
      g_string_append_printf (out,
                              "</text><rect class=\"%s\" x=\"%u\" y=\"%u\" width=\"%.2f\" "
                              "height=\"%u\"><title>",
                              e->over_threshold ? "rej" : "hbar", label_w, y, w, row_h - 4);
      put (out, name);
      g_string_append_printf (out, ": %" G_GUINT64_FORMAT " bytes</title></rect>"
                                   "<text x=\"%.2f\" y=\"%u\">%" G_GUINT64_FORMAT " B%s</text>\n",
                              e->tally.bytes, label_w + w + 4, y + 12, e->tally.bytes,
                              e->over_threshold ? " (over threshold)" : "");
    }
  g_string_append (out, "</svg>\n");
}

static void
html_egress (GString *out, const VpcReportSummary *s)
{
  g_string_append_printf (out,
                          "<h2 id=\"egress-section\">Egress</h2>\n<p>Accepted outbound traffic to "
                          "public addresses outside AWS (no pkt-dst-aws-service): %" G_GUINT64_FORMAT
                          " bytes in %" G_GUINT64_FORMAT " flows from %" G_GUINT64_FORMAT
                          " interfaces; <strong>%" G_GUINT64_FORMAT "</strong> at or over %"
                          G_GUINT64_FORMAT " bytes (marked).</p>\n",
                          s->egress_total.bytes, s->egress_total.flows, s->egress_interface_count,
                          s->egress_over_threshold, s->options.egress_threshold);
  svg_egress_bars (out, s);
  if (s->egress_interfaces->len == 0)
    return;
  g_string_append (out, "<table id=\"egress-table\"><tr><th>interface</th><th>instance</th>"
                        "<th>vpc</th><th class=\"n\">destinations</th><th class=\"n\">flows</th>"
                        "<th class=\"n\">packets</th><th class=\"n\">bytes</th></tr>\n");
  for (guint i = 0; i < s->egress_interfaces->len; i++)
    {
      const VpcReportEgress *e = &g_array_index (s->egress_interfaces, VpcReportEgress, i);
      g_string_append_printf (out, "<tr%s>", e->over_threshold ? " class=\"flagged\"" : "");
      place_cells (out, &e->place);
      g_string_append_printf (out, "<td class=\"n\">%" G_GUINT64_FORMAT "</td>", e->destinations);
      tally_cells (out, &e->tally);
      g_string_append (out, "</tr>\n");
    }
  g_string_append_printf (out, "</table>\n<h3>Top egress destinations</h3>\n<p class=\"note\">%"
                               G_GUINT64_FORMAT " interface and address pairs</p>\n"
                               "<table id=\"egress-destinations-table\"><tr><th>interface</th>"
                               "<th>address</th><th class=\"n\">flows</th>"
                               "<th class=\"n\">packets</th><th class=\"n\">bytes</th></tr>\n",
                          s->egress_destination_count);
  for (guint i = 0; i < s->egress_destinations->len; i++)
    {
      const VpcReportEgress *e = &g_array_index (s->egress_destinations, VpcReportEgress, i);
      g_string_append (out, "<tr><td>");
      put (out, e->place.interface != NULL ? e->place.interface : "-");
      g_string_append (out, "</td><td>");
      put (out, e->address);
      geo_html_note (out, s, e->address);
      g_string_append (out, "</td>");
      tally_cells (out, &e->tally);
      g_string_append (out, "</tr>\n");
    }
  g_string_append (out, "</table>\n");
}

static void
html_groups (GString *out, const VpcReportSummary *s)
{
  g_string_append (out, "<h2 id=\"groups\">By account, VPC, subnet and interface</h2>\n");
  gboolean any = FALSE;
  for (guint k = 0; k < VPC_REPORT_GROUPS; k++)
    {
      const VpcReportGroup *g = &s->groups[k];
      if (g->distinct == 0)
        continue;
      any = TRUE;
      g_string_append_printf (out,
                              "<h3>Per %s</h3>\n<p class=\"note\">%" G_GUINT64_FORMAT
                              " distinct; %" G_GUINT64_FORMAT " flows without one</p>\n"
                              "<table id=\"group-%s-table\"><tr><th>%s</th>"
                              "<th class=\"n\">flows</th><th class=\"n\">packets</th>"
                              "<th class=\"n\">bytes</th><th class=\"n\">accepted flows</th>"
                              "<th class=\"n\">rejected flows</th><th class=\"n\">rejected share</th>"
                              "</tr>\n",
                              g->key, g->distinct, g->without, g->name, g->key);
      for (guint i = 0; i < g->rows->len; i++)
        {
          const VpcReportGroupRow *r = &g_array_index (g->rows, VpcReportGroupRow, i);
          g_autofree char *share = vpc_report_share_text (r->rejected.flows, r->all.flows);
          g_string_append (out, "<tr><td>");
          put (out, r->name);
          g_string_append (out, "</td>");
          tally_cells (out, &r->all);
          g_string_append_printf (out, "<td class=\"n\">%" G_GUINT64_FORMAT
                                       "</td><td class=\"n\">%" G_GUINT64_FORMAT
                                       "</td><td class=\"n\">%s</td></tr>\n",
                                  r->accepted.flows, r->rejected.flows, share);
        }
      g_string_append (out, "</table>\n");
    }
  if (!any)
    g_string_append (out, "<p class=\"note\">The flows carry no account, VPC, subnet or "
                          "interface field.</p>\n");
}

static void
html_threats (GString *out, const VpcReportSummary *s)
{
  g_string_append (out, "<h2>Threats</h2>\n");
  if (!s->threats_enabled)
    {
      g_string_append (out, "<p>Not checked (--no-threats).</p>\n");
      return;
    }
  g_autofree char *missing = NULL;
  const char *coverage = vpc_report_threat_coverage (s, &missing);
  if (strcmp (coverage, "complete") != 0)
    {
      g_string_append_printf (out, "<p id=\"threat-coverage\" class=\"warn\"><strong>%s</strong>",
                              strcmp (coverage, "none") == 0 ? "Threats NOT CHECKED: no feed could be loaded."
                                                             : "Threats checked in part.");
      if (missing[0] != '\0')
        {
          g_string_append (out, " Not loaded: ");
          put (out, missing);
          g_string_append (out, ".");
        }
      g_string_append (out, "</p>\n");
    }
  g_string_append_printf (out,
                          "<p>%" G_GUINT64_FORMAT " listed addresses in %" G_GUINT64_FORMAT
                          " flows (%" G_GUINT64_FORMAT " accepted). <strong>%" G_GUINT64_FORMAT
                          " flagged</strong>: accepted traffic to or from a high-severity address "
                          "(shown first).</p>\n",
                          s->threat_addresses, s->threat_flows.flows, s->threat_accepted.flows,
                          s->threat_flagged);
  if (s->threats->len > 0)
    {
      g_string_append (out,
                       "<table id=\"threats-table\"><tr><th>address</th><th>severity</th>"
                       "<th>direction</th><th class=\"n\">flows</th><th class=\"n\">accepted</th>"
                       "<th class=\"n\">rejected</th><th class=\"n\">bytes</th><th>first</th>"
                       "<th>last</th><th>feeds</th><th>interfaces</th></tr>\n");
      for (guint i = 0; i < s->threats->len; i++)
        {
          const VpcReportThreat *t = &g_array_index (s->threats, VpcReportThreat, i);
          const char *sev = vpc_severity_name (t->severity);
          g_string_append_printf (out, "<tr%s><td>", t->flagged ? " class=\"flagged\"" : "");
          put (out, t->address);
          geo_html_note (out, s, t->address);
          g_string_append_printf (out, "</td><td class=\"sev-%s\">%s</td><td>%s</td><td class=\"n\">",
                                  sev, sev, vpc_threat_direction_name (t->direction));
          put_u64 (out, t->total.flows);
          g_string_append (out, "</td><td class=\"n\">");
          put_u64 (out, t->accepted.flows);
          g_string_append (out, "</td><td class=\"n\">");
          put_u64 (out, t->rejected.flows);
          g_string_append (out, "</td><td class=\"n\">");
          put_u64 (out, t->total.bytes);
          g_string_append (out, "</td><td>");
          put_time (out, t->first_ms);
          g_string_append (out, "</td><td>");
          put_time (out, t->last_ms);
          g_string_append (out, "</td><td>");
          g_autofree char *feeds = g_strjoinv (", ", t->feed_names);
          put (out, feeds);
          g_string_append (out, "</td><td>");
          g_autofree char *ifs = g_strjoinv (", ", t->interfaces);
          put (out, ifs);
          guint shown = g_strv_length (t->interfaces);
          if (t->interface_count > shown)
            g_string_append_printf (out, " and %" G_GUINT64_FORMAT " more",
                                    t->interface_count - shown);
          g_string_append (out, "</td></tr>\n");
        }
      g_string_append (out, "</table>\n");
    }
  g_string_append_printf (out,
                          "<h3>Feeds</h3>\n<table id=\"feeds-table\"><tr><th>feed</th><th>state</th>"
                          "<th>severity</th><th class=\"n\">age (s)</th><th class=\"n\">entries</th>"
                          "<th class=\"n\">garbage</th><th class=\"n\">special</th>"
                          "<th class=\"n\">too wide</th><th>error</th></tr>\n");
  for (guint i = 0; i < s->feeds->len; i++)
    {
      const VpcReportFeed *f = &g_array_index (s->feeds, VpcReportFeed, i);
      g_string_append (out, "<tr><td>");
      put (out, f->name);
      g_string_append (out, "</td><td>");
      put (out, f->state);
      g_string_append (out, "</td><td>");
      put (out, f->severity);
      g_string_append (out, "</td><td class=\"n\">");
      if (f->age >= 0)
        g_string_append_printf (out, "%" G_GINT64_FORMAT, f->age);
      else
        g_string_append (out, "-");
      g_string_append_printf (out, "</td><td class=\"n\">%" G_GUINT64_FORMAT
                                   "</td><td class=\"n\">%" G_GUINT64_FORMAT
                                   "</td><td class=\"n\">%" G_GUINT64_FORMAT
                                   "</td><td class=\"n\">%" G_GUINT64_FORMAT "</td><td>",
                              f->entries, f->garbage, f->special, f->too_wide);
      put (out, f->error != NULL ? f->error : "");
      g_string_append (out, "</td></tr>\n");
    }
  g_string_append (out, "</table>\n");
}

char *
vpc_report_to_html (const VpcReportSummary *s)
{
  GString *out = g_string_new (NULL);
  g_string_append_printf (out,
                          "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                          "style-src 'unsafe-inline'\">\n<title>vpc-report</title>\n<style>%s</style>\n"
                          "</head>\n<body>\n<h1>VPC Flow Logs: rejects, threats, exposure and talkers</h1>\n<p>",
                          style);
  g_string_append_printf (out, "%" G_GUINT64_FORMAT " flows from %u input(s)", s->all.flows,
                          s->inputs->len);
  if (s->have_time)
    {
      g_string_append (out, ", ");
      put_time (out, s->first_ms);
      g_string_append (out, " to ");
      put_time (out, s->last_ms);
    }
  const VpcCounts *c = &s->input_total;
  g_string_append_printf (out,
                          ".</p>\n<p class=\"note\">%" G_GUINT64_FORMAT " lines read: %" G_GUINT64_FORMAT
                          " NODATA, %" G_GUINT64_FORMAT " SKIPDATA, %" G_GUINT64_FORMAT
                          " malformed; %" G_GUINT64_FORMAT " IPFIX records. vpc-report %s, schema %s.</p>\n",
                          c->lines, c->nodata, c->skipdata, c->malformed, s->ipfix_records,
                          PACKAGE_VERSION, VPC_REPORT_SCHEMA);

  g_string_append (out, "<h2>Totals</h2>\n");
  svg_share (out, s);
  g_string_append (out, "<table id=\"totals-table\"><tr><th></th><th class=\"n\">flows</th>"
                        "<th class=\"n\">packets</th><th class=\"n\">bytes</th>"
                        "<th class=\"n\">share of flows</th></tr>\n");
  struct {
    const char *name;
    const VpcTally *t;
  } totals[] = { { "all", &s->all }, { "accepted", &s->accepted }, { "rejected", &s->rejected },
                 { "no action", &s->no_action } };
  for (guint i = 0; i < G_N_ELEMENTS (totals); i++)
    {
      g_autofree char *share = vpc_report_share_text (totals[i].t->flows, s->all.flows);
      g_string_append_printf (out, "<tr><td>%s</td>", totals[i].name);
      tally_cells (out, totals[i].t);
      g_string_append_printf (out, "<td class=\"n\">%s</td></tr>\n", share);
    }
  g_string_append (out, "</table>\n");

  html_threats (out, s);
  html_exposure (out, s);
  html_egress (out, s);
  html_talkers (out, s);

  g_string_append_printf (out, "<h2>Rejected flows over time</h2>\n<p class=\"note\">%u s per bar, "
                               "by flow start</p>\n",
                          s->bucket_seconds);
  svg_histogram (out, s);

  html_limits (out, s);
  html_table (out, s, "sources", "Top rejected sources", "address", &s->sources, &s->limits[0]);
  html_table (out, s, "ports", "Top rejected destination ports", NULL, &s->ports, NULL);
  html_table (out, s, "destinations", "Top rejected destinations", "address", &s->destinations,
              &s->limits[1]);
  html_table (out, s, "interfaces", "Top interfaces with rejected flows", "interface", &s->interfaces,
              NULL);

  g_string_append_printf (out,
                          "<h2>Scanners</h2>\n<p>%" G_GUINT64_FORMAT " sources whose rejected flows "
                          "reach &ge; %u ports or &ge; %u hosts.</p>\n",
                          s->scanner_count, s->options.scan_ports, s->options.scan_hosts);
  if (s->scanners->len > 0)
    {
      g_string_append (out, "<table id=\"scanners-table\"><tr><th>address</th><th class=\"n\">ports</th>"
                            "<th class=\"n\">hosts</th><th class=\"n\">flows</th>"
                            "<th class=\"n\">accepted flows</th><th>first</th><th>last</th></tr>\n");
      for (guint i = 0; i < s->scanners->len; i++)
        {
          const VpcReportScanner *r = &g_array_index (s->scanners, VpcReportScanner, i);
          g_string_append (out, "<tr><td>");
          put (out, r->address);
          geo_html_note (out, s, r->address);
          g_string_append_printf (out, "</td><td class=\"n\">%" G_GUINT64_FORMAT
                                       "</td><td class=\"n\">%" G_GUINT64_FORMAT
                                       "</td><td class=\"n\">%" G_GUINT64_FORMAT
                                       "</td><td class=\"n\">%" G_GUINT64_FORMAT "</td><td>",
                                  r->ports, r->hosts, r->rejected.flows, r->accepted_flows);
          put_time (out, r->first_ms);
          g_string_append (out, "</td><td>");
          put_time (out, r->last_ms);
          g_string_append (out, "</td></tr>\n");
        }
      g_string_append (out, "</table>\n");
    }

  html_groups (out, s);
  geo_render_html (out, s);

  g_string_append (out, "<h2>Inputs</h2>\n<table id=\"inputs-table\"><tr><th>input</th><th>kind</th>"
                        "<th class=\"n\">lines</th><th class=\"n\">flows</th>"
                        "<th class=\"n\">malformed</th><th>error</th></tr>\n");
  for (guint i = 0; i < s->inputs->len; i++)
    {
      const VpcReportInput *in = s->inputs->pdata[i];
      g_string_append (out, "<tr><td>");
      put (out, in->name);
      g_string_append (out, "</td><td>");
      put (out, in->container != NULL ? in->container : in->kind);
      g_string_append_printf (out, "</td><td class=\"n\">%" G_GUINT64_FORMAT
                                   "</td><td class=\"n\">%" G_GUINT64_FORMAT
                                   "</td><td class=\"n\">%" G_GUINT64_FORMAT "</td><td>",
                              in->counts.lines, in->counts.flows, in->counts.malformed);
      put (out, in->error != NULL ? in->error : "");
      g_string_append (out, "</td></tr>\n");
    }
  g_string_append (out, "</table>\n</body>\n</html>\n");
  return g_string_free (out, FALSE);
}
