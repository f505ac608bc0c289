/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc-report geography: traffic by country and AS of the external address, and its four renderings. */
#include "config.h"

#include "report-private.h"

#include <arpa/inet.h>
#include <string.h>

/* ------------------------------------------------------------ aggregation */

void
geo_init (VpcReport *report)
{
  report->geo_countries = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  report->geo_networks = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  report->geo_cache = NULL; /* allocated with --geoip */
}

void
geo_clear (VpcReport *report)
{
  g_clear_pointer (&report->geo_countries, g_hash_table_unref);
  g_clear_pointer (&report->geo_networks, g_hash_table_unref);
  g_clear_pointer (&report->geo_cache, g_free);
}

void
vpc_report_set_geoip (VpcReport *report, VpcGeoip *geoip)
{
  report->geoip = geoip;
  report->s->geo_enabled = geoip != NULL;
  if (geoip != NULL && report->geo_cache == NULL)
    report->geo_cache = g_new0 (GeoCacheEntry, GEO_CACHE_SIZE);
}

static GeoStat *
geo_stat_get (GHashTable *table, guint key)
{
  GeoStat *g = g_hash_table_lookup (table, GUINT_TO_POINTER (key));
  if (g == NULL)
    {
      g = g_new0 (GeoStat, 1);
      g_hash_table_insert (table, GUINT_TO_POINTER (key), g);
    }
  return g;
}

void
geo_add_flow (VpcReport *report, const VpcAddr *src, const VpcAddr *dst, int action,
              guint64 packets, guint64 bytes)
{
  if (report->geoip == NULL || action == 0)
    return;
  const VpcAddr *external = src != NULL && !vpc_addr_is_special (src)   ? src
                            : dst != NULL && !vpc_addr_is_special (dst) ? dst
                                                                        : NULL;
  if (external == NULL)
    {
      tally_add (&report->s->geo_internal, packets, bytes);
      return;
    }
  /* A direct-mapped cache of the last lookups: bounded, and most flows'
   * external addresses repeat. */
  guint32 h = 0;
  for (guint i = 0; i < (external->family == 4 ? 4u : 16u); i++)
    h = (h ^ external->bytes[i]) * 16777619u;
  GeoCacheEntry *a = &report->geo_cache[(h ^ (h >> 16)) & (GEO_CACHE_SIZE - 1)];
  if (a->addr.family != external->family
      || memcmp (a->addr.bytes, external->bytes, external->family == 4 ? 4 : 16) != 0)
    {
      VpcGeo geo;
      vpc_geoip_lookup (report->geoip, external, &geo);
      a->addr = *external;
      a->asn = geo.asn;
      a->country[0] = geo.country[0];
      a->country[1] = geo.country[1];
    }
  guint country_key = ((guint) (guint8) a->country[0] << 8) | (guint8) a->country[1];
  GeoStat *c = geo_stat_get (report->geo_countries, country_key);
  GeoStat *n = geo_stat_get (report->geo_networks, a->asn);
  tally_add (action == 1 ? &c->accepted : &c->rejected, packets, bytes);
  tally_add (action == 1 ? &n->accepted : &n->rejected, packets, bytes);
}

/* ----------------------------------------------------------------- finish */

static guint64
geo_flows (const VpcReportGeoRow *r)
{
  return sat_add (r->accepted.flows, r->rejected.flows);
}

/* By flows (accepted and rejected), then bytes, then AS number, then code. */
static gint
geo_row_cmp (gconstpointer pa, gconstpointer pb)
{
  const VpcReportGeoRow *a = pa, *b = pb;
  guint64 fa = geo_flows (a), fb = geo_flows (b);
  if (fa != fb)
    return fa > fb ? -1 : 1;
  guint64 ba = sat_add (a->accepted.bytes, a->rejected.bytes);
  guint64 bb = sat_add (b->accepted.bytes, b->rejected.bytes);
  if (ba != bb)
    return ba > bb ? -1 : 1;
  if (a->asn != b->asn)
    return a->asn < b->asn ? -1 : 1;
  return strcmp (a->code, b->code);
}

static void
geo_row_clear (gpointer p)
{
  VpcReportGeoRow *r = p;
  g_free (r->code);
  g_free (r->name);
}

static void
note_address (VpcReport *report, const char *address)
{
  VpcReportSummary *s = report->s;
  if (address == NULL || g_hash_table_contains (s->geo_addresses, address))
    return;
  /* External addresses only: what a database says of private space is noise. */
  VpcAddr addr = { 0 };
  if (inet_pton (AF_INET, address, addr.bytes) == 1)
    addr.family = 4;
  else if (inet_pton (AF_INET6, address, addr.bytes) == 1)
    addr.family = 6;
  else
    return;
  VpcGeo geo;
  if (vpc_addr_is_special (&addr) || !vpc_geoip_lookup (report->geoip, &addr, &geo))
    return;
  VpcReportAddrGeo *g = g_new0 (VpcReportAddrGeo, 1);
  memcpy (g->country, geo.country, sizeof g->country);
  g->asn = geo.asn;
  g_hash_table_insert (s->geo_addresses, g_strdup (address), g);
}

static void
note_rows (VpcReport *report, const GArray *rows)
{
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      const VpcReportRow *r = &g_array_index (rows, VpcReportRow, i);
      note_address (report, r->name);
      note_address (report, r->peer);
    }
}

void
geo_finish (VpcReport *report)
{
  VpcReportSummary *s = report->s;
  s->geo_countries = g_array_new (FALSE, TRUE, sizeof (VpcReportGeoRow));
  g_array_set_clear_func (s->geo_countries, geo_row_clear);
  s->geo_networks = g_array_new (FALSE, TRUE, sizeof (VpcReportGeoRow));
  g_array_set_clear_func (s->geo_networks, geo_row_clear);
  s->geo_addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (report->geoip == NULL)
    return;
  s->geo_databases = vpc_geoip_describe (report->geoip);

  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, report->geo_countries);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      guint k = GPOINTER_TO_UINT (key);
      const GeoStat *g = value;
      VpcReportGeoRow row = { .accepted = g->accepted, .rejected = g->rejected };
      if (k == 0)
        row.code = g_strdup ("??");
      else
        {
          row.code = g_strdup_printf ("%c%c", (char) (k >> 8), (char) (k & 0xff));
          row.name = g_strdup (vpc_geoip_country_name (report->geoip, row.code));
        }
      g_array_append_val (s->geo_countries, row);
    }
  g_array_sort (s->geo_countries, geo_row_cmp);
  s->geo_country_count = s->geo_countries->len;

  g_hash_table_iter_init (&it, report->geo_networks);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      guint32 asn = GPOINTER_TO_UINT (key);
      const GeoStat *g = value;
      VpcReportGeoRow row = { .asn = asn, .accepted = g->accepted, .rejected = g->rejected };
      row.code = asn != 0 ? g_strdup_printf ("AS%u", asn) : g_strdup ("AS?");
      row.name = asn != 0 ? g_strdup (vpc_geoip_as_name (report->geoip, asn)) : NULL;
      g_array_append_val (s->geo_networks, row);
    }
  g_array_sort (s->geo_networks, geo_row_cmp);
  s->geo_network_count = s->geo_networks->len;
  if (s->geo_networks->len > s->options.top)
    g_array_set_size (s->geo_networks, s->options.top);

  /* Every address a table shows. */
  note_rows (report, s->sources.rows);
  note_rows (report, s->destinations.rows);
  const GArray *talkers[] = { s->talker_sources.by_bytes, s->talker_sources.by_flows,
                              s->talker_destinations.by_bytes, s->talker_destinations.by_flows,
                              s->talker_conversations.by_bytes, s->talker_conversations.by_flows };
  for (guint i = 0; i < G_N_ELEMENTS (talkers); i++)
    note_rows (report, talkers[i]);
  for (guint i = 0; i < s->scanners->len; i++)
    note_address (report, g_array_index (s->scanners, VpcReportScanner, i).address);
  for (guint i = 0; i < s->threats->len; i++)
    note_address (report, g_array_index (s->threats, VpcReportThreat, i).address);
  for (guint i = 0; i < s->egress_destinations->len; i++)
    note_address (report, g_array_index (s->egress_destinations, VpcReportEgress, i).address);
  /* The names, now that every lookup is done. */
  g_hash_table_iter_init (&it, s->geo_addresses);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      VpcReportAddrGeo *g = value;
      g->country_name = g->country[0] != '\0' ? vpc_geoip_country_name (report->geoip, g->country)
                                              : NULL;
      g->as_name = g->asn != 0 ? vpc_geoip_as_name (report->geoip, g->asn) : NULL;
    }
  s->geo_errors = vpc_geoip_get_errors (report->geoip);
}

void
geo_summary_free (VpcReportSummary *s)
{
  g_clear_pointer (&s->geo_databases, g_strfreev);
  g_clear_pointer (&s->geo_countries, g_array_unref);
  g_clear_pointer (&s->geo_networks, g_array_unref);
  g_clear_pointer (&s->geo_addresses, g_hash_table_unref);
}

const VpcReportAddrGeo *
vpc_report_addr_geo (const VpcReportSummary *s, const char *address)
{
  if (!s->geo_enabled || s->geo_addresses == NULL || address == NULL)
    return NULL;
  return g_hash_table_lookup (s->geo_addresses, address);
}

char *
vpc_report_geo_label (const VpcReportSummary *s, const char *address)
{
  const VpcReportAddrGeo *g = vpc_report_addr_geo (s, address);
  if (g == NULL)
    return NULL;
  GString *label = g_string_new (g->country[0] != '\0' ? g->country : "??");
  if (g->asn != 0)
    g_string_append_printf (label, " AS%u", g->asn);
  if (g->as_name != NULL)
    g_string_append_printf (label, " %s", g->as_name);
  return g_string_free (label, FALSE);
}

/* An address as the table and HTML show it: "198.51.100.7 (US AS64500 Example)". */
char *
geo_address_text (const VpcReportSummary *s, const char *address)
{
  g_autofree char *label = vpc_report_geo_label (s, address);
  if (label == NULL)
    return g_strdup (address);
  return g_strdup_printf ("%s (%s)", address, label);
}

/* ------------------------------------------------------------- renderings */

static char *
u64_text (guint64 v)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, v);
}

static const char geo_title[] =
    "Geography and networks (by the external address of each accepted or rejected flow: "
    "its source when public, else its destination)";

void
geo_render_text (GString *out, const VpcReportSummary *s)
{
  if (!s->geo_enabled)
    {
      g_string_append_printf (out, "\nGeography and networks\n  %s\n", VPC_REPORT_GEO_HINT);
      return;
    }
  g_string_append_printf (out, "\n%s\n", geo_title);
  for (guint i = 0; s->geo_databases[i] != NULL; i++)
    {
      g_autofree char *line = vpc_report_terminal_text (s->geo_databases[i]);
      g_string_append_printf (out, "  database %s\n", line);
    }
  g_string_append_printf (out,
                          "  %" G_GUINT64_FORMAT " flows without a public address; %" G_GUINT64_FORMAT
                          " failed lookups\n",
                          s->geo_internal.flows, s->geo_errors);
  for (guint k = 0; k < 2; k++)
    {
      const GArray *rows = k == 0 ? s->geo_countries : s->geo_networks;
      g_string_append_printf (out, "\n%s (%" G_GUINT64_FORMAT " distinct)\n",
                              k == 0 ? "Countries" : "Networks: autonomous systems",
                              k == 0 ? s->geo_country_count : s->geo_network_count);
      if (rows->len == 0)
        {
          g_string_append (out, "  no flow with a public address\n");
          continue;
        }
      const char *h[] = { k == 0 ? "country" : "AS", "name", "accepted flows", "accepted bytes",
                          "rejected flows", "rejected bytes", "rejected share", NULL };
      TextTable *tt = text_table_new (h, 0x7c);
      for (guint i = 0; i < rows->len; i++)
        {
          const VpcReportGeoRow *r = &g_array_index (rows, VpcReportGeoRow, i);
          text_table_add (tt, g_strdup (r->code), g_strdup (r->name != NULL ? r->name : "-"),
                          u64_text (r->accepted.flows), u64_text (r->accepted.bytes),
                          u64_text (r->rejected.flows), u64_text (r->rejected.bytes),
                          vpc_report_share_text (r->rejected.flows, geo_flows (r)));
        }
      text_table_render (tt, out);
    }
}

#define S(x) g_strdup (x)

static int
key_cmp (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

void
geo_render_csv (GString *out, const VpcReportSummary *s)
{
  csv_row (out, "section", S ("enabled"), S ("databases"), S ("failed_lookups"),
           S ("flows_without_public_address"), S ("hint"), NULL);
  if (!s->geo_enabled)
    {
      csv_row (out, "geo_status", S ("no"), S (""), S ("0"), S ("0"), S (VPC_REPORT_GEO_HINT),
               NULL);
      return;
    }
  csv_row (out, "geo_status", S ("yes"), g_strjoinv ("; ", s->geo_databases),
           u64_text (s->geo_errors), u64_text (s->geo_internal.flows), S (""), NULL);
  for (guint k = 0; k < 2; k++)
    {
      const GArray *rows = k == 0 ? s->geo_countries : s->geo_networks;
      const char *section = k == 0 ? "geo_countries" : "geo_networks";
      csv_row (out, "section", S (k == 0 ? "country" : "asn"), S ("name"), S ("accepted_flows"),
               S ("accepted_packets"), S ("accepted_bytes"), S ("rejected_flows"),
               S ("rejected_packets"), S ("rejected_bytes"), NULL);
      for (guint i = 0; i < rows->len; i++)
        {
          const VpcReportGeoRow *r = &g_array_index (rows, VpcReportGeoRow, i);
          csv_row (out, section, k == 0 ? S (r->code) : u64_text (r->asn),
                   S (r->name != NULL ? r->name : ""), u64_text (r->accepted.flows),
                   u64_text (r->accepted.packets), u64_text (r->accepted.bytes),
                   u64_text (r->rejected.flows), u64_text (r->rejected.packets),
                   u64_text (r->rejected.bytes), NULL);
        }
    }
  /* The addresses of every table, to join on (the other sections keep their columns). */
  csv_row (out, "section", S ("address"), S ("country"), S ("country_name"), S ("asn"),
           S ("as_name"), NULL);
  g_autofree gpointer *keys = g_hash_table_get_keys_as_array (s->geo_addresses, NULL);
  guint n = g_hash_table_size (s->geo_addresses);
  qsort (keys, n, sizeof *keys, key_cmp);
  for (guint i = 0; i < n; i++)
    {
      const VpcReportAddrGeo *g = g_hash_table_lookup (s->geo_addresses, keys[i]);
      csv_row (out, "address_geo", S (keys[i]), S (g->country), S (g->country_name ? g->country_name : ""),
               g->asn != 0 ? u64_text (g->asn) : S (""), S (g->as_name ? g->as_name : ""), NULL);
    }
}

static void
json_geo_tally (GString *out, const char *key, const VpcTally *t)
{
  g_string_append_printf (out,
                          "\"%s\": {\"flows\": %" G_GUINT64_FORMAT ", \"packets\": %" G_GUINT64_FORMAT
                          ", \"bytes\": %" G_GUINT64_FORMAT "}",
                          key, t->flows, t->packets, t->bytes);
}

/* , "KEY": {"country": "US", "country_name": ..., "asn": N, "as_name": ...}
 * (null when nothing is known); nothing without --geoip. */
void
geo_json_member (GString *out, const VpcReportSummary *s, const char *key, const char *address)
{
  if (!s->geo_enabled)
    return;
  g_string_append_printf (out, ", \"%s\": ", key);
  const VpcReportAddrGeo *g = vpc_report_addr_geo (s, address);
  if (g == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append (out, "{\"country\": ");
  json_string (out, g->country[0] != '\0' ? g->country : NULL);
  g_string_append (out, ", \"country_name\": ");
  json_string (out, g->country_name);
  if (g->asn != 0)
    g_string_append_printf (out, ", \"asn\": %u, \"as_name\": ", g->asn);
  else
    g_string_append (out, ", \"asn\": null, \"as_name\": ");
  json_string (out, g->as_name);
  g_string_append_c (out, '}');
}

void
geo_render_json (GString *out, const VpcReportSummary *s)
{
  if (!s->geo_enabled)
    {
      g_string_append (out, "  \"geography\": {\"enabled\": false, \"hint\": ");
      json_string (out, VPC_REPORT_GEO_HINT);
      g_string_append (out, "},\n");
      return;
    }
  g_string_append (out, "  \"geography\": {\"enabled\": true, \"databases\": [");
  for (guint i = 0; s->geo_databases[i] != NULL; i++)
    {
      g_string_append (out, i > 0 ? ", " : "");
      json_string (out, s->geo_databases[i]);
    }
  g_string_append_printf (out, "], \"failed_lookups\": %" G_GUINT64_FORMAT ", ", s->geo_errors);
  json_geo_tally (out, "without_public_address", &s->geo_internal);
  g_string_append (out, ",\n");
  for (guint k = 0; k < 2; k++)
    {
      const GArray *rows = k == 0 ? s->geo_countries : s->geo_networks;
      g_string_append_printf (out, "    \"%s\": {\"distinct\": %" G_GUINT64_FORMAT ", \"%s\": [",
                              k == 0 ? "countries" : "networks",
                              k == 0 ? s->geo_country_count : s->geo_network_count,
                              k == 0 ? "rows" : "top");
      for (guint i = 0; i < rows->len; i++)
        {
          const VpcReportGeoRow *r = &g_array_index (rows, VpcReportGeoRow, i);
          g_string_append (out, i == 0 ? "\n      {" : ",\n      {");
          if (k == 0)
            {
              g_string_append (out, "\"country\": ");
              json_string (out, r->asn == 0 && strcmp (r->code, "??") == 0 ? NULL : r->code);
            }
          else if (r->asn != 0)
            g_string_append_printf (out, "\"asn\": %u", r->asn);
          else
            g_string_append (out, "\"asn\": null");
          g_string_append (out, ", \"name\": ");
          json_string (out, r->name);
          g_string_append (out, ", ");
          json_geo_tally (out, "accepted", &r->accepted);
          g_string_append (out, ", ");
          json_geo_tally (out, "rejected", &r->rejected);
          g_string_append_c (out, '}');
        }
      g_string_append_printf (out, "%s]}%s\n", rows->len > 0 ? "\n    " : "", k == 0 ? "," : "");
    }
  g_string_append (out, "  },\n");
}

/* ------------------------------------------------------------------- HTML */

static void
html_text (GString *out, const char *text)
{
  g_autofree char *valid = vpc_report_valid_utf8 (text);
  g_autofree char *escaped = g_markup_escape_text (valid, -1);
  g_string_append (out, escaped);
}

/* After an address in a cell: its country and AS, small. */
void
geo_html_note (GString *out, const VpcReportSummary *s, const char *address)
{
  g_autofree char *label = vpc_report_geo_label (s, address);
  if (label == NULL)
    return;
  g_string_append (out, " <span class=\"geo\">");
  html_text (out, label);
  g_string_append (out, "</span>");
}

#define GEO_CHART_ROWS 20

/* Accepted and rejected flows of the first countries, as stacked bars. */
static void
svg_countries (GString *out, const VpcReportSummary *s)
{
  guint n = MIN (s->geo_countries->len, GEO_CHART_ROWS);
  guint64 max = 1;
  for (guint i = 0; i < n; i++)
    max = MAX (max, geo_flows (&g_array_index (s->geo_countries, VpcReportGeoRow, i)));
  const double label = 190, width = 480, bar = 16, gap = 4;
  g_string_append_printf (out,
                          "<svg id=\"geo-chart\" class=\"chart\" width=\"%.0f\" height=\"%.0f\" "
                          "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n",
                          label + width + 90, n * (bar + gap) + 20);
  for (guint i = 0; i < n; i++)
    {
      const VpcReportGeoRow *r = &g_array_index (s->geo_countries, VpcReportGeoRow, i);
      double y = i * (bar + gap);
      double wa = width * (double) r->accepted.flows / (double) max;
      double wr = width * (double) r->rejected.flows / (double) max;
      g_string_append_printf (out, "<text x=\"0\" y=\"%.0f\">", y + bar - 4);
      html_text (out, r->code);
      if (r->name != NULL)
        {
          g_string_append (out, " ");
          g_autofree char *name = g_utf8_substring (r->name, 0, MIN (g_utf8_strlen (r->name, -1), 24));
          html_text (out, name);
        }
      g_string_append (out, "</text>");
      /* A part is drawn when it has flows (at least a pixel wide). */
      if (r->accepted.flows > 0)
        g_string_append_printf (out,
                                "<rect class=\"acc\" x=\"%.0f\" y=\"%.0f\" width=\"%.1f\" "
                                "height=\"%.0f\"><title>accepted flows: %" G_GUINT64_FORMAT
                                "</title></rect>",
                                label, y, MAX (wa, 1.0), bar, r->accepted.flows);
      if (r->rejected.flows > 0)
        g_string_append_printf (out,
                                "<rect class=\"rej\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" "
                                "height=\"%.0f\"><title>rejected flows: %" G_GUINT64_FORMAT
                                "</title></rect>",
                                label + wa, y, MAX (wr, 1.0), bar, r->rejected.flows);
      g_string_append_printf (out, "<text x=\"%.1f\" y=\"%.0f\">%" G_GUINT64_FORMAT "</text>\n",
                              label + wa + wr + 6, y + bar - 4, geo_flows (r));
    }
  g_string_append_printf (out,
                          "<text x=\"%.0f\" y=\"%.0f\">flows: accepted (green), rejected (red)</text>\n"
                          "</svg>\n",
                          label, n * (bar + gap) + 14);
}

void
geo_render_html (GString *out, const VpcReportSummary *s)
{
  g_string_append (out, "<h2 id=\"geography\">Geography and networks</h2>\n");
  if (!s->geo_enabled)
    {
      g_string_append (out, "<p id=\"geo-hint\" class=\"note\">");
      html_text (out, VPC_REPORT_GEO_HINT);
      g_string_append (out, "</p>\n");
      return;
    }
  g_string_append (out, "<p class=\"note\">By the external address of each accepted or rejected "
                        "flow: its source when public, else its destination. ");
  g_string_append_printf (out, "%" G_GUINT64_FORMAT " flows without a public address, %" G_GUINT64_FORMAT
                               " failed lookups. Databases: ",
                          s->geo_internal.flows, s->geo_errors);
  for (guint i = 0; s->geo_databases[i] != NULL; i++)
    {
      g_string_append (out, i > 0 ? "; " : "");
      html_text (out, s->geo_databases[i]);
    }
  g_string_append (out, ".</p>\n");
  svg_countries (out, s);
  for (guint k = 0; k < 2; k++)
    {
      const GArray *rows = k == 0 ? s->geo_countries : s->geo_networks;
      g_string_append_printf (out, "<h3>%s</h3>\n<p class=\"note\">%" G_GUINT64_FORMAT " distinct</p>\n",
                              k == 0 ? "Countries" : "Networks: autonomous systems",
                              k == 0 ? s->geo_country_count : s->geo_network_count);
      g_string_append_printf (out,
                              "<table id=\"%s\"><tr><th>%s</th><th>name</th>"
                              "<th class=\"n\">accepted flows</th><th class=\"n\">accepted bytes</th>"
                              "<th class=\"n\">rejected flows</th><th class=\"n\">rejected bytes</th></tr>\n",
                              k == 0 ? "geo-countries-table" : "geo-networks-table",
                              k == 0 ? "country" : "AS");
      for (guint i = 0; i < rows->len; i++)
        {
          const VpcReportGeoRow *r = &g_array_index (rows, VpcReportGeoRow, i);
          g_string_append (out, "<tr><td>");
          html_text (out, r->code);
          g_string_append (out, "</td><td>");
          html_text (out, r->name != NULL ? r->name : "-");
          g_string_append_printf (out,
                                  "</td><td class=\"n\">%" G_GUINT64_FORMAT "</td><td class=\"n\">%" G_GUINT64_FORMAT
                                  "</td><td class=\"n\">%" G_GUINT64_FORMAT "</td><td class=\"n\">%" G_GUINT64_FORMAT
                                  "</td></tr>\n",
                                  r->accepted.flows, r->accepted.bytes, r->rejected.flows,
                                  r->rejected.bytes);
        }
      g_string_append (out, "</table>\n");
    }
}
