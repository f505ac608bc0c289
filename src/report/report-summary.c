/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc-report's summary: the tables report.c filled, sorted and cut into a VpcReportSummary. */
#include "config.h"

#include "report-private.h"

#include <netdb.h>
#include <string.h>
#include <arpa/inet.h>

#define BIT(i) (G_GUINT64_CONSTANT (1) << (i))

/* ------------------------------------------------------------------- finish */

char *
addr_text (const VpcAddr *a)
{
  char buf[INET6_ADDRSTRLEN];
  inet_ntop (a->family == 4 ? AF_INET : AF_INET6, a->bytes, buf, sizeof buf);
  return g_strdup (buf);
}

/* Addresses in order: IPv4 before IPv6, then by their bytes. */
int
addr_cmp (const VpcAddr *a, const VpcAddr *b)
{
  if (a->family != b->family)
    return a->family < b->family ? -1 : 1;
  return memcmp (a->bytes, b->bytes, a->family == 4 ? 4 : 16);
}

#define CMP_DESC(x, y) \
  do \
    { \
      if ((x) != (y)) \
        return (x) > (y) ? -1 : 1; \
    } \
  while (0)

int
tally_cmp (const VpcTally *a, const VpcTally *b)
{
  CMP_DESC (a->flows, b->flows);
  CMP_DESC (a->packets, b->packets);
  CMP_DESC (a->bytes, b->bytes);
  return 0;
}

/* Sorting entries: the key (address, port key, name) breaks ties. */
typedef struct {
  VpcTally tally;
  const RejStat *addr;
  guint port_key;
  const char *name;
} SortItem;

static int
sort_by_tally (gconstpointer pa, gconstpointer pb)
{
  const SortItem *a = pa, *b = pb;
  int c = tally_cmp (&a->tally, &b->tally);
  if (c != 0)
    return c;
  if (a->addr != NULL)
    return addr_cmp (&a->addr->addr, &b->addr->addr);
  if (a->name != NULL)
    return strcmp (a->name, b->name);
  return a->port_key < b->port_key ? -1 : a->port_key > b->port_key;
}

static const struct {
  guint8 number;
  const char *name;
} protocol_names[] = {
  { 1, "icmp" }, { 2, "igmp" }, { 4, "ipip" }, { 6, "tcp" }, { 17, "udp" }, { 41, "ipv6" },
  { 47, "gre" }, { 50, "esp" }, { 51, "ah" }, { 58, "ipv6-icmp" }, { 132, "sctp" },
};

const char *
protocol_name (guint8 number)
{
  for (guint i = 0; i < G_N_ELEMENTS (protocol_names); i++)
    if (protocol_names[i].number == number)
      return protocol_names[i].name;
  return NULL;
}

/* The services database (/etc/services, Debian's netbase) for tcp, udp
 * and sctp ports. */
char *
service_name (guint8 protocol, guint16 port)
{
  const char *proto = protocol == 6 ? "tcp" : protocol == 17 ? "udp" : protocol == 132 ? "sctp" : NULL;
  if (proto == NULL)
    return NULL;
  struct servent *se = getservbyport (htons (port), proto);
  return se != NULL ? g_strdup (se->s_name) : NULL;
}

void
row_clear (gpointer p)
{
  VpcReportRow *row = p;
  g_free (row->name);
  g_free (row->peer);
  g_free (row->service);
}

static void
table_init (VpcReportTable *table)
{
  table->rows = g_array_new (FALSE, TRUE, sizeof (VpcReportRow));
  g_array_set_clear_func (table->rows, row_clear);
}

static void
finish_addr_tables (VpcReport *report)
{
  VpcReportSummary *s = report->s;
  g_autoptr (GArray) src = g_array_new (FALSE, TRUE, sizeof (SortItem));
  g_autoptr (GArray) dst = g_array_new (FALSE, TRUE, sizeof (SortItem));
  g_autoptr (GArray) scan = g_array_new (FALSE, TRUE, sizeof (SortItem));
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, report->rej_src.index);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const RejStat *a = value;
      SortItem item = { .tally = a->tally, .addr = a };
      g_array_append_val (src, item);
      if (a->ports >= s->options.scan_ports || a->hosts >= s->options.scan_hosts)
        {
          /* Scanners: by distinct ports + hosts, then rejected flows. */
          SortItem si = { .tally = { a->ports + a->hosts, a->tally.flows, a->tally.packets },
                          .addr = a };
          g_array_append_val (scan, si);
        }
    }
  g_hash_table_iter_init (&iter, report->rej_dst.index);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const RejStat *a = value;
      SortItem item = { .tally = a->tally, .addr = a };
      g_array_append_val (dst, item);
    }
  g_array_sort (src, sort_by_tally);
  g_array_sort (dst, sort_by_tally);
  g_array_sort (scan, sort_by_tally);
  struct {
    GArray *items;
    VpcReportTable *table;
    const RejTable *rej;
    const char *name;
  } t[] = { { src, &s->sources, &report->rej_src, "rejected_sources" },
            { dst, &s->destinations, &report->rej_dst, "rejected_destinations" } };
  for (guint k = 0; k < G_N_ELEMENTS (t); k++)
    {
      const RejTable *rej = t[k].rej;
      bounded_limit (rej, t[k].name, &s->limits[k]);
      t[k].table->distinct = rej->inserted;
      for (guint i = 0; i < t[k].items->len && i < s->options.top; i++)
        {
          const SortItem *item = &g_array_index (t[k].items, SortItem, i);
          VpcReportRow row = { .name = addr_text (&item->addr->addr), .tally = item->tally,
                               .error = item->addr->inherited };
          g_array_append_val (t[k].table->rows, row);
        }
    }
  s->max_pairs = report->max_pairs;
  s->pairs_refused = report->pairs_refused;
  s->scanner_count = scan->len;
  for (guint i = 0; i < scan->len && i < s->options.top; i++)
    {
      const RejStat *a = g_array_index (scan, SortItem, i).addr;
      /* Its accepted flows: the talkers' sources (within their bound when approximate). */
      guint8 akey[17];
      const TalkStat *accepted
        = (const TalkStat *) bounded_lookup (&report->talk_src, akey, addr_key (&a->addr, akey));
      VpcReportScanner row = { .address = addr_text (&a->addr), .ports = a->ports,
                               .hosts = a->hosts, .rejected = a->tally,
                               .accepted_flows = accepted != NULL ? accepted->tally.flows : 0,
                               .first_ms = a->first_ms, .last_ms = a->last_ms,
                               .error = a->inherited, .ports_error = a->inherited_ports,
                               .hosts_error = a->inherited_hosts };
      g_array_append_val (s->scanners, row);
    }
}

static void
finish_ports (VpcReport *report)
{
  VpcReportSummary *s = report->s;
  g_autoptr (GArray) items = g_array_new (FALSE, TRUE, sizeof (SortItem));
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, report->ports);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      SortItem item = { .tally = *(VpcTally *) value, .port_key = GPOINTER_TO_UINT (key) };
      g_array_append_val (items, item);
    }
  g_array_sort (items, sort_by_tally);
  s->ports.distinct = items->len;
  for (guint i = 0; i < items->len && i < s->options.top; i++)
    {
      const SortItem *item = &g_array_index (items, SortItem, i);
      VpcReportRow row = { .protocol = (guint8) (item->port_key >> 16),
                           .port = (guint16) item->port_key, .tally = item->tally };
      row.protocol_name = protocol_name (row.protocol);
      row.service = service_name (row.protocol, row.port);
      row.name = row.protocol_name != NULL ? g_strdup_printf ("%s/%u", row.protocol_name, row.port)
                                           : g_strdup_printf ("%u/%u", row.protocol, row.port);
      g_array_append_val (s->ports.rows, row);
    }
}

static void
finish_interfaces (VpcReport *report)
{
  VpcReportSummary *s = report->s;
  g_autoptr (GArray) items = g_array_new (FALSE, TRUE, sizeof (SortItem));
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, report->interfaces);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const NamedTally *n = value;
      SortItem item = { .tally = n->tally, .name = n->name };
      g_array_append_val (items, item);
    }
  g_array_sort (items, sort_by_tally);
  s->interfaces.distinct = items->len;
  for (guint i = 0; i < items->len && i < s->options.top; i++)
    {
      const SortItem *item = &g_array_index (items, SortItem, i);
      VpcReportRow row = { .name = g_strdup (item->name), .tally = item->tally };
      g_array_append_val (s->interfaces.rows, row);
    }
}

/* Bucket sizes the automatic choice picks from (seconds). */
static const guint auto_buckets[] = { 60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
                                      86400, 604800 };
#define AUTO_MAX_BUCKETS 60

static int
bucket_cmp (gconstpointer pa, gconstpointer pb)
{
  const VpcReportBucket *a = pa, *b = pb;
  return a->start_ms < b->start_ms ? -1 : a->start_ms > b->start_ms;
}

static void
finish_histogram (VpcReport *report)
{
  VpcReportSummary *s = report->s;
  guint unit = report->bucket_unit;
  guint size = unit;
  if (s->options.bucket_seconds == 0 && g_hash_table_size (report->buckets) > 0)
    {
      gint64 lo = G_MAXINT64, hi = G_MININT64;
      GHashTableIter iter;
      gpointer key;
      g_hash_table_iter_init (&iter, report->buckets);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          gint64 i = ((Bucket *) key)->index;
          lo = MIN (lo, i);
          hi = MAX (hi, i);
        }
      /* The smallest size giving at most AUTO_MAX_BUCKETS buckets from the
       * first reject to the last (the largest size otherwise). */
      for (guint k = 0; k < G_N_ELEMENTS (auto_buckets); k++)
        {
          size = auto_buckets[k];
          guint64 f = size / unit;
          if ((guint64) (hi / (gint64) f - lo / (gint64) f) + 1 <= AUTO_MAX_BUCKETS)
            break;
        }
    }
  s->bucket_seconds = size;
  /* Re-bucket the stored units into size (a multiple of the unit). */
  g_autoptr (GHashTable) merged = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, report->buckets);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const Bucket *b = key;
      gint64 index = b->index / (gint64) (size / unit);
      Bucket *m = g_hash_table_lookup (merged, &index);
      if (m == NULL)
        {
          m = g_new0 (Bucket, 1);
          m->index = index;
          g_hash_table_add (merged, m);
        }
      m->tally.flows += b->tally.flows;
      m->tally.packets = sat_add (m->tally.packets, b->tally.packets);
      m->tally.bytes = sat_add (m->tally.bytes, b->tally.bytes);
    }
  g_hash_table_iter_init (&iter, merged);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const Bucket *m = key;
      VpcReportBucket out = { .start_ms = (guint64) m->index * size * 1000u, .tally = m->tally };
      g_array_append_val (s->buckets, out);
    }
  g_array_sort (s->buckets, bucket_cmp);
}

static void
threat_clear (gpointer p)
{
  VpcReportThreat *t = p;
  g_free (t->address);
  g_strfreev (t->feed_names);
  g_strfreev (t->interfaces);
}

typedef struct {
  const AddrStat *addr;
  gboolean flagged;
} ThreatItem;

static int
threat_cmp (gconstpointer pa, gconstpointer pb)
{
  const ThreatItem *a = pa, *b = pb;
  CMP_DESC (a->flagged, b->flagged);
  CMP_DESC (a->addr->threat->severity, b->addr->threat->severity);
  int c = tally_cmp (&a->addr->threat->total, &b->addr->threat->total);
  if (c != 0)
    return c;
  return addr_cmp (&a->addr->addr, &b->addr->addr);
}

static int
str_ptr_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
finish_threats (VpcReport *report, VpcFeeds *feeds)
{
  VpcReportSummary *s = report->s;
  if (feeds != NULL)
    for (guint i = 0; i < vpc_feeds_get_count (feeds); i++)
      {
        const VpcFeed *f = vpc_feeds_get (feeds, i);
        VpcReportFeed row = { .name = g_strdup (f->name),
                              .state = vpc_feed_state_name (f->state),
                              .severity = vpc_severity_name (f->severity),
                              .enabled = f->enabled, .age = f->age, .entries = f->entries,
                              .garbage = f->garbage, .special = f->special,
                              .too_wide = f->too_wide, .over_limit = f->over_limit,
                              .error = g_strdup (f->error) };
        g_array_append_val (s->feeds, row);
      }
  if (report->db != NULL)
    s->threat_intervals = vpc_threat_db_get_interval_count (report->db);
  g_autoptr (GArray) items = g_array_new (FALSE, TRUE, sizeof (ThreatItem));
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, report->addrs);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const AddrStat *a = key;
      if (a->threat == NULL)
        continue;
      ThreatItem item = { a, a->threat->accepted.flows > 0
                                 && a->threat->severity >= VPC_SEVERITY_HIGH };
      g_array_append_val (items, item);
      s->threat_flagged += item.flagged;
    }
  g_array_sort (items, threat_cmp);
  s->threat_addresses = items->len;
  guint limit = s->options.top_threats > 0 ? s->options.top_threats : G_MAXUINT;
  for (guint i = 0; i < items->len && i < limit; i++)
    {
      const ThreatItem *item = &g_array_index (items, ThreatItem, i);
      const ThreatStat *t = item->addr->threat;
      VpcReportThreat row = { .address = addr_text (&item->addr->addr), .feeds = t->feeds,
                              .severity = t->severity, .direction = t->direction,
                              .flagged = item->flagged, .total = t->total,
                              .accepted = t->accepted, .rejected = t->rejected,
                              .first_ms = t->first_ms, .last_ms = t->last_ms };
      g_autoptr (GPtrArray) names = g_ptr_array_new ();
      for (guint b = 0; b < VPC_THREAT_MAX_FEEDS; b++)
        if (t->feeds & BIT (b))
          {
            const VpcFeed *f = feeds != NULL && b < vpc_feeds_get_count (feeds)
                                   ? vpc_feeds_get (feeds, b)
                                   : NULL;
            g_ptr_array_add (names, f != NULL ? g_strdup (f->name) : g_strdup_printf ("feed%u", b));
          }
      g_ptr_array_add (names, NULL);
      row.feed_names = (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
      guint n = 0;
      row.interfaces = (char **) g_hash_table_get_keys_as_array (t->interfaces, &n);
      for (guint k = 0; k < n; k++)
        row.interfaces[k] = g_strdup (row.interfaces[k]);
      qsort (row.interfaces, n, sizeof (char *), str_ptr_cmp);
      row.interface_count = n;
      for (guint k = VPC_REPORT_THREAT_INTERFACES; k < n; k++)
        g_clear_pointer (&row.interfaces[k], g_free);
      g_array_append_val (s->threats, row);
    }
}

static void
scanner_clear (gpointer p)
{
  g_free (((VpcReportScanner *) p)->address);
}

static void
feed_clear (gpointer p)
{
  VpcReportFeed *f = p;
  g_free (f->name);
  g_free (f->error);
}

VpcReportSummary *
vpc_report_finish (VpcReport *report, VpcFeeds *feeds)
{
  VpcReportSummary *s = report->s;
  table_init (&s->sources);
  table_init (&s->ports);
  table_init (&s->destinations);
  table_init (&s->interfaces);
  s->scanners = g_array_new (FALSE, TRUE, sizeof (VpcReportScanner));
  g_array_set_clear_func (s->scanners, scanner_clear);
  s->buckets = g_array_new (FALSE, TRUE, sizeof (VpcReportBucket));
  s->feeds = g_array_new (FALSE, TRUE, sizeof (VpcReportFeed));
  g_array_set_clear_func (s->feeds, feed_clear);
  s->threats = g_array_new (FALSE, TRUE, sizeof (VpcReportThreat));
  g_array_set_clear_func (s->threats, threat_clear);

  for (guint i = 0; i < s->inputs->len; i++)
    {
      const VpcReportInput *input = s->inputs->pdata[i];
      vpc_counts_add (&s->input_total, &input->counts);
      s->ipfix_records += input->ipfix_records;
      s->ipfix_options_records += input->ipfix_options_records;
      s->failed_inputs += input->error != NULL;
    }
  finish_addr_tables (report);
  finish_ports (report);
  finish_interfaces (report);
  finish_histogram (report);
  finish_threats (report, feeds);
  talkers_finish (report);
  geo_finish (report);
  report->s = NULL;
  return s;
}

void
vpc_report_summary_free (VpcReportSummary *s)
{
  if (s == NULL)
    return;
  g_ptr_array_unref (s->inputs);
  g_ptr_array_unref (s->skipped_files);
  VpcReportTable *tables[] = { &s->sources, &s->ports, &s->destinations, &s->interfaces };
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    if (tables[i]->rows != NULL)
      g_array_unref (tables[i]->rows);
  GArray *arrays[] = { s->scanners, s->buckets, s->feeds, s->threats };
  for (guint i = 0; i < G_N_ELEMENTS (arrays); i++)
    if (arrays[i] != NULL)
      g_array_unref (arrays[i]);
  talkers_summary_free (s);
  geo_summary_free (s);
  g_free (s);
}
