/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc-report as JSON: the stable document of schema "vpc-report/2" (vpc-report(1) describes every key). */
#include "config.h"

#include "report-private.h"

#include <string.h>

void
json_string (GString *out, const char *s)
{
  if (s == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_autofree char *valid = vpc_report_valid_utf8 (s);
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) valid; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p < 0x20 || *p == 0x7f)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, (char) *p);
    }
  g_string_append_c (out, '"');
}

static void
json_key (GString *out, const char *key)
{
  g_string_append_printf (out, "\"%s\": ", key);
}

static void
json_u64 (GString *out, const char *key, guint64 v)
{
  g_string_append_printf (out, "\"%s\": %" G_GUINT64_FORMAT, key, v);
}

/* "flows": F, "packets": P, "bytes": B */
static void
json_tally_members (GString *out, const VpcTally *t)
{
  g_string_append_printf (out,
                          "\"flows\": %" G_GUINT64_FORMAT ", \"packets\": %" G_GUINT64_FORMAT
                          ", \"bytes\": %" G_GUINT64_FORMAT,
                          t->flows, t->packets, t->bytes);
}

static void
json_tally (GString *out, const char *key, const VpcTally *t)
{
  json_key (out, key);
  g_string_append_c (out, '{');
  json_tally_members (out, t);
  g_string_append_c (out, '}');
}

static void
json_time (GString *out, const char *key, gboolean known, guint64 ms)
{
  if (known)
    json_u64 (out, key, ms);
  else
    g_string_append_printf (out, "\"%s\": null", key);
}

static void
json_counts (GString *out, const VpcCounts *c)
{
  g_string_append_printf (
      out,
      "\"lines\": %" G_GUINT64_FORMAT ", \"headers\": %" G_GUINT64_FORMAT
      ", \"blank\": %" G_GUINT64_FORMAT ", \"flows\": %" G_GUINT64_FORMAT
      ", \"flows_ipv4\": %" G_GUINT64_FORMAT ", \"flows_ipv6\": %" G_GUINT64_FORMAT
      ", \"flows_noaddr\": %" G_GUINT64_FORMAT ", \"nodata\": %" G_GUINT64_FORMAT
      ", \"skipdata\": %" G_GUINT64_FORMAT ", \"malformed\": %" G_GUINT64_FORMAT
      ", \"control_messages\": %" G_GUINT64_FORMAT ", \"bad_payloads\": %" G_GUINT64_FORMAT,
      c->lines, c->headers, c->blank, c->flows, c->flows_ipv4, c->flows_ipv6, c->flows_noaddr,
      c->nodata, c->skipdata, c->malformed, c->control_messages, c->bad_payloads);
}

static void
json_inputs (GString *out, const VpcReportSummary *s)
{
  g_string_append (out, "  \"inputs\": {\n    \"files\": [");
  for (guint i = 0; i < s->inputs->len; i++)
    {
      const VpcReportInput *in = s->inputs->pdata[i];
      g_string_append (out, i == 0 ? "\n      {" : ",\n      {");
      json_key (out, "name");
      json_string (out, in->name);
      g_string_append (out, ", ");
      json_key (out, "kind");
      json_string (out, in->kind);
      g_string_append (out, ", ");
      json_key (out, "container");
      json_string (out, in->container);
      g_string_append_printf (out, ", \"compressed\": %s, ", in->compressed ? "true" : "false");
      json_counts (out, &in->counts);
      g_string_append (out, ", ");
      json_u64 (out, "ipfix_records", in->ipfix_records);
      g_string_append (out, ", ");
      json_u64 (out, "ipfix_options_records", in->ipfix_options_records);
      g_string_append (out, ", ");
      json_key (out, "error");
      json_string (out, in->error);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "\n    ],\n    \"skipped_files\": [");
  for (guint i = 0; i < s->skipped_files->len; i++)
    {
      g_string_append (out, i == 0 ? "\n      " : ",\n      ");
      json_string (out, s->skipped_files->pdata[i]);
    }
  g_string_append (out, "\n    ],\n    \"total\": {");
  g_string_append_printf (out, "\"files\": %u, \"failed\": %u, ", s->inputs->len,
                          s->failed_inputs);
  json_counts (out, &s->input_total);
  g_string_append (out, ", ");
  json_u64 (out, "ipfix_records", s->ipfix_records);
  g_string_append (out, ", ");
  json_u64 (out, "ipfix_options_records", s->ipfix_options_records);
  g_string_append (out, "}\n  },\n");
}

static void
json_totals (GString *out, const VpcReportSummary *s)
{
  g_string_append (out, "  \"time\": {");
  json_time (out, "first", s->have_time, s->first_ms);
  g_string_append (out, ", ");
  json_time (out, "last", s->have_time, s->last_ms);
  g_string_append (out, "},\n  \"totals\": {");
  json_tally_members (out, &s->all);
  g_string_append_printf (out,
                          ", \"flows_ipv4\": %" G_GUINT64_FORMAT ", \"flows_ipv6\": %" G_GUINT64_FORMAT
                          ", \"flows_noaddr\": %" G_GUINT64_FORMAT ",\n    ",
                          s->flows_ipv4, s->flows_ipv6, s->flows_noaddr);
  json_tally (out, "accepted", &s->accepted);
  g_string_append (out, ",\n    ");
  json_tally (out, "rejected", &s->rejected);
  g_string_append (out, ",\n    ");
  json_tally (out, "no_action", &s->no_action);
  g_string_append_printf (out,
                          ",\n    \"rejected_share\": {\"flows\": %.6f, \"packets\": %.6f, "
                          "\"bytes\": %.6f}},\n",
                          vpc_report_share (s->rejected.flows, s->all.flows),
                          vpc_report_share (s->rejected.packets, s->all.packets),
                          vpc_report_share (s->rejected.bytes, s->all.bytes));
}

/* "name": {"distinct": N, [extra,] "top": [rows]} */
static void
json_table (GString *out, const VpcReportSummary *s, const char *name, const char *key, const VpcReportTable *t,
            const char *extra, gboolean last, const VpcReportLimit *limit)
{
  g_string_append_printf (out, "    \"%s\": {\"distinct\": %" G_GUINT64_FORMAT ", %s\"top\": [",
                          name, t->distinct, extra != NULL ? extra : "");
  for (guint i = 0; i < t->rows->len; i++)
    {
      const VpcReportRow *row = &g_array_index (t->rows, VpcReportRow, i);
      g_string_append (out, i == 0 ? "\n      {" : ",\n      {");
      if (key != NULL)
        {
          json_key (out, key);
          json_string (out, row->name);
          if (strcmp (key, "address") == 0)
            geo_json_member (out, s, "geo", row->name);
        }
      else
        {
          g_string_append_printf (out, "\"protocol\": %u, \"protocol_name\": ", row->protocol);
          json_string (out, row->protocol_name);
          g_string_append_printf (out, ", \"port\": %u, \"service\": ", row->port);
          json_string (out, row->service);
        }
      g_string_append (out, ", ");
      json_tally_members (out, &row->tally);
      if (limit != NULL && limit->approximate)
        {
          g_string_append (out, ", ");
          json_tally (out, "error", &row->error);
        }
      g_string_append_c (out, '}');
    }
  g_string_append_printf (out, "%s]}%s\n", t->rows->len > 0 ? "\n    " : "", last ? "" : ",");
}

static void
json_rejects (GString *out, const VpcReportSummary *s)
{
  g_string_append (out, "  \"rejects\": {\n");
  json_table (out, s, "sources", "address", &s->sources, NULL, FALSE, &s->limits[0]);
  g_autofree char *extra = g_strdup_printf ("\"without_port\": %" G_GUINT64_FORMAT ", ",
                                            s->rejected_without_port);
  json_table (out, s, "ports", NULL, &s->ports, extra, FALSE, NULL);
  json_table (out, s, "destinations", "address", &s->destinations, NULL, FALSE, &s->limits[1]);
  json_table (out, s, "interfaces", "interface", &s->interfaces, NULL, FALSE, NULL);
  g_string_append_printf (out,
                          "    \"histogram\": {\"bucket_seconds\": %u, \"without_time\": %" G_GUINT64_FORMAT
                          ", \"buckets\": [",
                          s->bucket_seconds, s->rejected_without_time);
  for (guint i = 0; i < s->buckets->len; i++)
    {
      const VpcReportBucket *b = &g_array_index (s->buckets, VpcReportBucket, i);
      g_string_append (out, i == 0 ? "\n      {" : ",\n      {");
      json_u64 (out, "start", b->start_ms);
      g_string_append (out, ", ");
      json_tally_members (out, &b->tally);
      g_string_append_c (out, '}');
    }
  g_string_append_printf (out, "%s]}\n  },\n", s->buckets->len > 0 ? "\n    " : "");
}

static void
json_scanners (GString *out, const VpcReportSummary *s)
{
  g_string_append_printf (out,
                          "  \"scanners\": {\"min_ports\": %u, \"min_hosts\": %u, \"count\": %" G_GUINT64_FORMAT
                          ", \"top\": [",
                          s->options.scan_ports, s->options.scan_hosts, s->scanner_count);
  for (guint i = 0; i < s->scanners->len; i++)
    {
      const VpcReportScanner *r = &g_array_index (s->scanners, VpcReportScanner, i);
      g_string_append (out, i == 0 ? "\n    {" : ",\n    {");
      json_key (out, "address");
      json_string (out, r->address);
      geo_json_member (out, s, "geo", r->address);
      g_string_append_printf (out, ", \"ports\": %" G_GUINT64_FORMAT ", \"hosts\": %" G_GUINT64_FORMAT ", ",
                              r->ports, r->hosts);
      json_tally_members (out, &r->rejected);
      g_string_append (out, ", ");
      json_u64 (out, "accepted_flows", r->accepted_flows);
      gboolean known = r->first_ms != 0 || r->last_ms != 0;
      g_string_append (out, ", ");
      json_time (out, "first", known, r->first_ms);
      g_string_append (out, ", ");
      json_time (out, "last", known, r->last_ms);
      if (s->limits[0].approximate)
        {
          g_string_append (out, ", ");
          json_tally (out, "error", &r->error);
          g_string_append_printf (out, ", \"ports_error\": %" G_GUINT64_FORMAT
                                       ", \"hosts_error\": %" G_GUINT64_FORMAT,
                                  r->ports_error, r->hosts_error);
        }
      g_string_append_c (out, '}');
    }
  g_string_append_printf (out, "%s]},\n", s->scanners->len > 0 ? "\n  " : "");
}

static void
json_threats (GString *out, const VpcReportSummary *s)
{
  g_autofree char *missing = NULL;
  const char *coverage = vpc_report_threat_coverage (s, &missing);
  g_string_append_printf (out, "  \"threats\": {\"enabled\": %s, \"coverage\": ",
                          s->threats_enabled ? "true" : "false");
  json_string (out, coverage);
  g_string_append (out, ", \"missing_feeds\": [");
  g_auto (GStrv) names = g_strsplit (missing, " ", -1);
  for (guint i = 0; missing[0] != '\0' && names[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      json_string (out, names[i]);
    }
  g_string_append_printf (out, "], \"intervals\": %" G_GUINT64_FORMAT ", \"feeds\": [",
                          s->threat_intervals);
  for (guint i = 0; i < s->feeds->len; i++)
    {
      const VpcReportFeed *f = &g_array_index (s->feeds, VpcReportFeed, i);
      g_string_append (out, i == 0 ? "\n    {" : ",\n    {");
      json_key (out, "name");
      json_string (out, f->name);
      g_string_append_printf (out, ", \"enabled\": %s, \"state\": ", f->enabled ? "true" : "false");
      json_string (out, f->state);
      g_string_append (out, ", \"severity\": ");
      json_string (out, f->severity);
      if (f->age >= 0)
        g_string_append_printf (out, ", \"age\": %" G_GINT64_FORMAT, f->age);
      else
        g_string_append (out, ", \"age\": null");
      g_string_append_printf (out,
                              ", \"entries\": %" G_GUINT64_FORMAT ", \"garbage\": %" G_GUINT64_FORMAT
                              ", \"special\": %" G_GUINT64_FORMAT
                              ", \"too_wide\": %" G_GUINT64_FORMAT
                              ", \"over_limit\": %" G_GUINT64_FORMAT ", \"error\": ",
                              f->entries, f->garbage, f->special, f->too_wide, f->over_limit);
      json_string (out, f->error);
      g_string_append_c (out, '}');
    }
  g_string_append_printf (out, "%s],\n    \"addresses\": %" G_GUINT64_FORMAT
                               ", \"flagged\": %" G_GUINT64_FORMAT ", ",
                          s->feeds->len > 0 ? "\n  " : "", s->threat_addresses, s->threat_flagged);
  json_tally (out, "flows", &s->threat_flows);
  g_string_append (out, ", ");
  json_tally (out, "accepted", &s->threat_accepted);
  g_string_append (out, ",\n    \"list\": [");
  for (guint i = 0; i < s->threats->len; i++)
    {
      const VpcReportThreat *t = &g_array_index (s->threats, VpcReportThreat, i);
      g_string_append (out, i == 0 ? "\n      {" : ",\n      {");
      json_key (out, "address");
      json_string (out, t->address);
      geo_json_member (out, s, "geo", t->address);
      g_string_append_printf (out, ", \"severity\": \"%s\", \"flagged\": %s, \"direction\": \"%s\", \"feeds\": [",
                              vpc_severity_name (t->severity), t->flagged ? "true" : "false",
                              vpc_threat_direction_name (t->direction));
      for (guint k = 0; t->feed_names[k] != NULL; k++)
        {
          if (k > 0)
            g_string_append (out, ", ");
          json_string (out, t->feed_names[k]);
        }
      g_string_append (out, "], ");
      json_tally_members (out, &t->total);
      g_string_append (out, ", ");
      json_tally (out, "accepted", &t->accepted);
      g_string_append (out, ", ");
      json_tally (out, "rejected", &t->rejected);
      gboolean known = t->first_ms != 0 || t->last_ms != 0;
      g_string_append (out, ", ");
      json_time (out, "first", known, t->first_ms);
      g_string_append (out, ", ");
      json_time (out, "last", known, t->last_ms);
      g_string_append (out, ", \"interfaces\": [");
      for (guint k = 0; t->interfaces[k] != NULL; k++)
        {
          if (k > 0)
            g_string_append (out, ", ");
          json_string (out, t->interfaces[k]);
        }
      g_string_append_printf (out, "], \"interface_count\": %" G_GUINT64_FORMAT "}",
                              t->interface_count);
    }
  g_string_append_printf (out, "%s]},\n", s->threats->len > 0 ? "\n    " : "");
}

/* "flows": F, ..., "inbound_bytes": I, "outbound_bytes": O */
static void
json_talker_row (GString *out, const VpcReportSummary *s, const VpcReportRow *row, gboolean ports)
{
  if (row->peer != NULL)
    {
      json_key (out, "address_a");
      json_string (out, row->name);
      geo_json_member (out, s, "geo_a", row->name);
      g_string_append (out, ", ");
      json_key (out, "address_b");
      json_string (out, row->peer);
      geo_json_member (out, s, "geo_b", row->peer);
    }
  else if (ports)
    {
      g_string_append_printf (out, "\"protocol\": %u, \"protocol_name\": ", row->protocol);
      json_string (out, row->protocol_name);
      g_string_append_printf (out, ", \"port\": %u, \"service\": ", row->port);
      json_string (out, row->service);
    }
  else
    {
      json_key (out, "address");
      json_string (out, row->name);
      geo_json_member (out, s, "geo", row->name);
    }
  g_string_append (out, ", ");
  json_tally_members (out, &row->tally);
  g_string_append_printf (out,
                          ", \"inbound_bytes\": %" G_GUINT64_FORMAT
                          ", \"outbound_bytes\": %" G_GUINT64_FORMAT,
                          row->inbound_bytes, row->outbound_bytes);
}

static void
json_talker_rows (GString *out, const VpcReportSummary *s, const char *key, const GArray *rows, gboolean ports)
{
  g_string_append_printf (out, "\"%s\": [", key);
  for (guint i = 0; i < rows->len; i++)
    {
      g_string_append (out, i == 0 ? "\n        {" : ",\n        {");
      json_talker_row (out, s, &g_array_index (rows, VpcReportRow, i), ports);
      g_string_append_c (out, '}');
    }
  g_string_append_printf (out, "%s]", rows->len > 0 ? "\n      " : "");
}

static void
json_talker_table (GString *out, const VpcReportSummary *s, const char *name, const VpcTalkerTable *t, gboolean ports,
                   gboolean last)
{
  g_string_append_printf (out, "    \"%s\": {\"distinct\": %" G_GUINT64_FORMAT ",\n      ", name,
                          t->distinct);
  json_talker_rows (out, s, "by_bytes", t->by_bytes, ports);
  g_string_append (out, ",\n      ");
  json_talker_rows (out, s, "by_flows", t->by_flows, ports);
  g_string_append_printf (out, "}%s\n", last ? "" : ",");
}

static void
json_talkers (GString *out, const VpcReportSummary *s)
{
  g_string_append (out, "  \"talkers\": {\n    \"directions\": {");
  for (guint w = 0; w < 3; w++)
    {
      if (w > 0)
        g_string_append (out, ", ");
      json_tally (out, vpc_report_way_name ((VpcReportWay) w), &s->talker_way[w]);
    }
  g_string_append (out, "},\n");
  json_talker_table (out, s, "sources", &s->talker_sources, FALSE, FALSE);
  json_talker_table (out, s, "destinations", &s->talker_destinations, FALSE, FALSE);
  json_talker_table (out, s, "conversations", &s->talker_conversations, FALSE, FALSE);
  json_talker_table (out, s, "ports", &s->talker_ports, TRUE, TRUE);
  g_string_append (out, "  },\n");
}

static void
json_place (GString *out, const VpcReportPlace *place)
{
  json_key (out, "interface");
  json_string (out, place->interface);
  g_string_append (out, ", ");
  json_key (out, "instance");
  json_string (out, place->instance);
  g_string_append (out, ", ");
  json_key (out, "vpc");
  json_string (out, place->vpc);
}

static void
json_exposure (GString *out, const VpcReportSummary *s)
{
  g_string_append_printf (out, "  \"exposure\": {\"count\": %" G_GUINT64_FORMAT ", \"list\": [",
                          s->exposure_count);
  for (guint i = 0; i < s->exposures->len; i++)
    {
      const VpcReportExposure *e = &g_array_index (s->exposures, VpcReportExposure, i);
      g_string_append (out, i == 0 ? "\n    {" : ",\n    {");
      json_place (out, &e->place);
      g_string_append_printf (out, ", \"protocol\": %u, \"protocol_name\": ", e->protocol);
      json_string (out, e->protocol_name);
      g_string_append_printf (out,
                              ", \"port\": %u, \"sources\": %" G_GUINT64_FORMAT
                              ", \"listed_sources\": %" G_GUINT64_FORMAT ", ",
                              e->port, e->sources, e->listed_sources);
      json_tally_members (out, &e->tally);
      gboolean known = e->first_ms != 0 || e->last_ms != 0;
      g_string_append (out, ", ");
      json_time (out, "first", known, e->first_ms);
      g_string_append (out, ", ");
      json_time (out, "last", known, e->last_ms);
      g_string_append_c (out, '}');
    }
  g_string_append_printf (out, "%s]},\n", s->exposures->len > 0 ? "\n  " : "");
}

static void
json_egress_rows (GString *out, const VpcReportSummary *s, const char *key, const GArray *rows, gboolean interfaces)
{
  g_string_append_printf (out, "\"%s\": [", key);
  for (guint i = 0; i < rows->len; i++)
    {
      const VpcReportEgress *e = &g_array_index (rows, VpcReportEgress, i);
      g_string_append (out, i == 0 ? "\n      {" : ",\n      {");
      json_place (out, &e->place);
      g_string_append (out, ", ");
      if (interfaces)
        g_string_append_printf (out, "\"destinations\": %" G_GUINT64_FORMAT ", ",
                                e->destinations);
      else
        {
          json_key (out, "address");
          json_string (out, e->address);
          geo_json_member (out, s, "geo", e->address);
          g_string_append (out, ", ");
        }
      json_tally_members (out, &e->tally);
      if (interfaces)
        g_string_append_printf (out, ", \"over_threshold\": %s",
                                e->over_threshold ? "true" : "false");
      g_string_append_c (out, '}');
    }
  g_string_append_printf (out, "%s]", rows->len > 0 ? "\n    " : "");
}

static void
json_egress (GString *out, const VpcReportSummary *s)
{
  g_string_append_printf (out, "  \"egress\": {\"threshold\": %" G_GUINT64_FORMAT ", ",
                          s->options.egress_threshold);
  json_tally (out, "total", &s->egress_total);
  g_string_append_printf (out,
                          ", \"interface_count\": %" G_GUINT64_FORMAT
                          ", \"over_threshold\": %" G_GUINT64_FORMAT
                          ", \"destination_count\": %" G_GUINT64_FORMAT ",\n    ",
                          s->egress_interface_count, s->egress_over_threshold,
                          s->egress_destination_count);
  json_egress_rows (out, s, "interfaces", s->egress_interfaces, TRUE);
  g_string_append (out, ",\n    ");
  json_egress_rows (out, s, "destinations", s->egress_destinations, FALSE);
  g_string_append (out, "},\n");
}

static void
json_groups (GString *out, const VpcReportSummary *s)
{
  g_string_append (out, "  \"groups\": {\n");
  for (guint k = 0; k < VPC_REPORT_GROUPS; k++)
    {
      const VpcReportGroup *g = &s->groups[k];
      g_string_append_printf (out,
                              "    \"%s\": {\"distinct\": %" G_GUINT64_FORMAT
                              ", \"without\": %" G_GUINT64_FORMAT ", \"top\": [",
                              g->name, g->distinct, g->without);
      for (guint i = 0; i < g->rows->len; i++)
        {
          const VpcReportGroupRow *r = &g_array_index (g->rows, VpcReportGroupRow, i);
          g_string_append (out, i == 0 ? "\n      {" : ",\n      {");
          json_key (out, g->key);
          json_string (out, r->name);
          g_string_append (out, ", ");
          json_tally_members (out, &r->all);
          g_string_append (out, ", ");
          json_tally (out, "accepted", &r->accepted);
          g_string_append (out, ", ");
          json_tally (out, "rejected", &r->rejected);
          g_string_append_printf (out, ", \"rejected_share\": %.6f}",
                                  vpc_report_share (r->rejected.flows, r->all.flows));
        }
      g_string_append_printf (out, "%s]}%s\n", g->rows->len > 0 ? "\n    " : "",
                              k + 1 < VPC_REPORT_GROUPS ? "," : "");
    }
  g_string_append (out, "  }\n");
}

/* Which tables are approximate, and by how much at most. */
static void
json_limits (GString *out, const VpcReportSummary *s)
{
  g_string_append_printf (out,
                          "  \"limits\": {\"max_keys\": %u, \"max_pairs\": %" G_GUINT64_FORMAT
                          ", \"pairs_refused\": %" G_GUINT64_FORMAT ", \"tables\": [",
                          s->options.max_keys, s->max_pairs, s->pairs_refused);
  for (guint i = 0; i < VPC_REPORT_LIMITS; i++)
    {
      const VpcReportLimit *l = &s->limits[i];
      g_string_append_printf (out,
                              "%s\n    {\"table\": \"%s\", \"approximate\": %s, \"keys\": %" G_GUINT64_FORMAT
                              ", \"flows\": %" G_GUINT64_FORMAT ", \"bound\": %" G_GUINT64_FORMAT
                              ", \"error\": %" G_GUINT64_FORMAT "}",
                              i > 0 ? "," : "", l->name, l->approximate ? "true" : "false", l->keys,
                              l->flows, l->bound, l->error);
    }
  g_string_append (out, "\n  ]},\n");
}

char *
vpc_report_to_json (const VpcReportSummary *s)
{
  GString *out = g_string_new ("{\n");
  g_string_append_printf (out, "  \"schema\": \"%s\",\n  \"generator\": \"vpc-report %s\",\n",
                          VPC_REPORT_SCHEMA, PACKAGE_VERSION);
  g_string_append_printf (out,
                          "  \"options\": {\"top\": %u, \"top_threats\": %u, \"scan_ports\": %u, "
                          "\"scan_hosts\": %u, \"bucket_seconds\": %u, \"exposure_ports\": [",
                          s->options.top, s->options.top_threats, s->options.scan_ports,
                          s->options.scan_hosts, s->options.bucket_seconds);
  for (guint i = 0; i < s->options.exposure_port_count; i++)
    g_string_append_printf (out, "%s%u", i > 0 ? ", " : "", s->options.exposure_ports[i]);
  g_string_append_printf (out, "], \"egress_threshold\": %" G_GUINT64_FORMAT "},\n",
                          s->options.egress_threshold);
  json_inputs (out, s);
  json_totals (out, s);
  json_rejects (out, s);
  json_scanners (out, s);
  json_threats (out, s);
  json_talkers (out, s);
  json_exposure (out, s);
  json_egress (out, s);
  json_limits (out, s);
  geo_render_json (out, s);
  json_groups (out, s);
  g_string_append (out, "}\n");
  return g_string_free (out, FALSE);
}
