/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc-report's daily view summarised: talkers, exposure, egress and groups sorted and cut to --top. */
#include "config.h"

#include "report-private.h"

#include <string.h>

#define CMP_DESC(x, y) \
  do \
    { \
      if ((x) != (y)) \
        return (x) > (y) ? -1 : 1; \
    } \
  while (0)

/* Bytes first, then flows and packets. */
static int
tally_cmp_bytes (const VpcTally *a, const VpcTally *b)
{
  CMP_DESC (a->bytes, b->bytes);
  CMP_DESC (a->flows, b->flows);
  CMP_DESC (a->packets, b->packets);
  return 0;
}

/* NULL sorts first. */
static int
text_cmp (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return (a != NULL) - (b != NULL);
  return strcmp (a, b);
}

static int
place_cmp (const Place *a, const Place *b)
{
  int c = text_cmp (a->interface, b->interface);
  if (c == 0)
    c = text_cmp (a->instance, b->instance);
  if (c == 0)
    c = text_cmp (a->vpc, b->vpc);
  return c;
}

/* A talker being sorted: its row (owned until appended) and its key. */
typedef struct {
  VpcReportRow row;
  const VpcAddr *a, *b; /* addresses (b: conversations) */
  guint port_key;
} TalkItem;

static int
talk_key_cmp (const TalkItem *x, const TalkItem *y)
{
  if (x->a != NULL)
    {
      int c = addr_cmp (x->a, y->a);
      if (c == 0 && x->b != NULL)
        c = addr_cmp (x->b, y->b);
      return c;
    }
  return x->port_key < y->port_key ? -1 : x->port_key > y->port_key;
}

static int
talk_by_bytes (gconstpointer pa, gconstpointer pb)
{
  const TalkItem *x = pa, *y = pb;
  int c = tally_cmp_bytes (&x->row.tally, &y->row.tally);
  return c != 0 ? c : talk_key_cmp (x, y);
}

static int
talk_by_flows (gconstpointer pa, gconstpointer pb)
{
  const TalkItem *x = pa, *y = pb;
  int c = tally_cmp (&x->row.tally, &y->row.tally);
  return c != 0 ? c : talk_key_cmp (x, y);
}

static GArray *
rows_new (void)
{
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (VpcReportRow));
  g_array_set_clear_func (rows, row_clear);
  return rows;
}

static void
row_fill (VpcReportRow *row, const TalkItem *item)
{
  *row = item->row;
  if (item->a != NULL)
    {
      row->name = addr_text (item->a);
      if (item->b != NULL)
        row->peer = addr_text (item->b);
      return;
    }
  row->protocol = (guint8) (item->port_key >> 16);
  row->port = (guint16) item->port_key;
  row->protocol_name = protocol_name (row->protocol);
  row->service = service_name (row->protocol, row->port);
  row->name = row->protocol_name != NULL ? g_strdup_printf ("%s/%u", row->protocol_name, row->port)
                                         : g_strdup_printf ("%u/%u", row->protocol, row->port);
}

/* The first top items of items in cmp order, into rows.  A small top keeps
 * a sorted array of the best so far (one comparison for most items) instead
 * of sorting everything. */
static void
top_rows (GArray *items, guint top, GCompareFunc cmp, GArray *rows)
{
  if ((guint64) top * 16 >= items->len)
    {
      g_array_sort (items, cmp);
      for (guint i = 0; i < items->len && i < top; i++)
        {
          VpcReportRow row;
          row_fill (&row, &g_array_index (items, TalkItem, i));
          g_array_append_val (rows, row);
        }
      return;
    }
  g_autoptr (GArray) best = g_array_sized_new (FALSE, FALSE, sizeof (TalkItem), top + 1);
  for (guint i = 0; i < items->len; i++)
    {
      const TalkItem *item = &g_array_index (items, TalkItem, i);
      if (best->len == top && cmp (item, &g_array_index (best, TalkItem, top - 1)) >= 0)
        continue;
      guint at = best->len;
      while (at > 0 && cmp (item, &g_array_index (best, TalkItem, at - 1)) < 0)
        at--;
      g_array_insert_val (best, at, *item);
      if (best->len > top)
        g_array_set_size (best, top);
    }
  for (guint i = 0; i < best->len; i++)
    {
      VpcReportRow row;
      row_fill (&row, &g_array_index (best, TalkItem, i));
      g_array_append_val (rows, row);
    }
}

/* The first top rows of items by bytes and by flows. */
static void
talk_table (GArray *items, guint top, VpcTalkerTable *table)
{
  table->distinct = items->len;
  table->by_bytes = rows_new ();
  table->by_flows = rows_new ();
  top_rows (items, top, talk_by_bytes, table->by_bytes);
  top_rows (items, top, talk_by_flows, table->by_flows);
}

static void
finish_talkers (VpcReport *report)
{
  VpcReportSummary *s = report->s;
  guint top = s->options.top;
  g_autoptr (GArray) src = g_array_new (FALSE, TRUE, sizeof (TalkItem));
  g_autoptr (GArray) dst = g_array_new (FALSE, TRUE, sizeof (TalkItem));
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, report->addrs);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const AddrStat *a = key;
      if (a->talk == NULL)
        continue;
      if (a->talk->sent.flows > 0)
        {
          TalkItem item = { .row = { .tally = a->talk->sent, .inbound_bytes = a->talk->sent_in,
                                     .outbound_bytes = a->talk->sent_out },
                            .a = &a->addr };
          g_array_append_val (src, item);
        }
      if (a->talk->received.flows > 0)
        {
          TalkItem item = { .row = { .tally = a->talk->received,
                                     .inbound_bytes = a->talk->received_in,
                                     .outbound_bytes = a->talk->received_out },
                            .a = &a->addr };
          g_array_append_val (dst, item);
        }
    }
  talk_table (src, top, &s->talker_sources);
  talk_table (dst, top, &s->talker_destinations);

  g_autoptr (GArray) conv = g_array_new (FALSE, TRUE, sizeof (TalkItem));
  g_hash_table_iter_init (&iter, report->conversations);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const Conversation *c = key;
      TalkItem item = { .row = { .tally = c->tally, .inbound_bytes = c->inbound_bytes,
                                 .outbound_bytes = c->outbound_bytes },
                        .a = &c->a->addr, .b = &c->b->addr };
      g_array_append_val (conv, item);
    }
  talk_table (conv, top, &s->talker_conversations);

  g_autoptr (GArray) ports = g_array_new (FALSE, TRUE, sizeof (TalkItem));
  g_hash_table_iter_init (&iter, report->talk_ports);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const PortTalk *p = value;
      TalkItem item = { .row = { .tally = p->tally, .inbound_bytes = p->inbound_bytes,
                                 .outbound_bytes = p->outbound_bytes },
                        .port_key = GPOINTER_TO_UINT (key) };
      g_array_append_val (ports, item);
    }
  talk_table (ports, top, &s->talker_ports);
}

static void
place_copy (VpcReportPlace *out, const Place *place)
{
  out->interface = g_strdup (place->interface);
  out->instance = g_strdup (place->instance);
  out->vpc = g_strdup (place->vpc);
}

static void
place_clear (VpcReportPlace *place)
{
  g_free (place->interface);
  g_free (place->instance);
  g_free (place->vpc);
}

static void
exposure_clear (gpointer p)
{
  place_clear (&((VpcReportExposure *) p)->place);
}

static void
egress_clear (gpointer p)
{
  VpcReportEgress *e = p;
  place_clear (&e->place);
  g_free (e->address);
}

/* By distinct sources, then flows, packets, bytes, then the place and port. */
static int
exposure_cmp (gconstpointer pa, gconstpointer pb)
{
  const ExposureStat *a = *(ExposureStat *const *) pa, *b = *(ExposureStat *const *) pb;
  CMP_DESC (a->sources, b->sources);
  int c = tally_cmp (&a->tally, &b->tally);
  if (c == 0)
    c = place_cmp (a->place, b->place);
  if (c == 0)
    c = (a->key & 0xffffff) < (b->key & 0xffffff) ? -1 : (a->key & 0xffffff) > (b->key & 0xffffff);
  return c;
}

static void
finish_exposure (VpcReport *report)
{
  VpcReportSummary *s = report->s;
  g_autoptr (GPtrArray) items = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, report->exposures);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (items, key);
  g_ptr_array_sort (items, exposure_cmp);
  s->exposure_count = items->len;
  s->exposures = g_array_new (FALSE, TRUE, sizeof (VpcReportExposure));
  g_array_set_clear_func (s->exposures, exposure_clear);
  for (guint i = 0; i < items->len && i < s->options.top; i++)
    {
      const ExposureStat *e = items->pdata[i];
      VpcReportExposure row = { .protocol = (guint8) (e->key >> 16), .port = (guint16) e->key,
                                .sources = e->sources, .listed_sources = e->listed_sources,
                                .tally = e->tally, .first_ms = e->first_ms,
                                .last_ms = e->last_ms };
      row.protocol_name = protocol_name (row.protocol);
      place_copy (&row.place, e->place);
      g_array_append_val (s->exposures, row);
    }
}

static int
egress_place_cmp (gconstpointer pa, gconstpointer pb)
{
  const Place *a = *(Place *const *) pa, *b = *(Place *const *) pb;
  int c = tally_cmp_bytes (&a->egress, &b->egress);
  return c != 0 ? c : place_cmp (a, b);
}

static int
egress_dest_cmp (gconstpointer pa, gconstpointer pb)
{
  const EgressStat *a = *(EgressStat *const *) pa, *b = *(EgressStat *const *) pb;
  int c = tally_cmp_bytes (&a->tally, &b->tally);
  if (c == 0)
    c = place_cmp (a->place, b->place);
  if (c == 0)
    c = addr_cmp (&a->addr->addr, &b->addr->addr);
  return c;
}

static void
finish_egress (VpcReport *report)
{
  VpcReportSummary *s = report->s;
  s->egress_interfaces = g_array_new (FALSE, TRUE, sizeof (VpcReportEgress));
  g_array_set_clear_func (s->egress_interfaces, egress_clear);
  s->egress_destinations = g_array_new (FALSE, TRUE, sizeof (VpcReportEgress));
  g_array_set_clear_func (s->egress_destinations, egress_clear);

  g_autoptr (GPtrArray) places = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, report->places);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const Place *p = value;
      if (p->egress.flows == 0)
        continue;
      g_ptr_array_add (places, value);
      s->egress_over_threshold += p->egress.bytes >= s->options.egress_threshold;
    }
  g_ptr_array_sort (places, egress_place_cmp);
  s->egress_interface_count = places->len;
  for (guint i = 0; i < places->len && i < s->options.top; i++)
    {
      const Place *p = places->pdata[i];
      VpcReportEgress row = { .destinations = p->egress_destinations, .tally = p->egress,
                              .over_threshold = p->egress.bytes >= s->options.egress_threshold };
      place_copy (&row.place, p);
      g_array_append_val (s->egress_interfaces, row);
    }

  g_autoptr (GPtrArray) dests = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, report->egress);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (dests, key);
  g_ptr_array_sort (dests, egress_dest_cmp);
  s->egress_destination_count = dests->len;
  for (guint i = 0; i < dests->len && i < s->options.top; i++)
    {
      const EgressStat *e = dests->pdata[i];
      VpcReportEgress row = { .address = addr_text (&e->addr->addr), .tally = e->tally };
      place_copy (&row.place, e->place);
      g_array_append_val (s->egress_destinations, row);
    }
}

static void
group_row_clear (gpointer p)
{
  g_free (((VpcReportGroupRow *) p)->name);
}

static int
group_cmp (gconstpointer pa, gconstpointer pb)
{
  const GroupStat *a = *(GroupStat *const *) pa, *b = *(GroupStat *const *) pb;
  int c = tally_cmp (&a->all, &b->all);
  return c != 0 ? c : strcmp (a->name, b->name);
}

static void
finish_groups (VpcReport *report)
{
  static const char *const names[VPC_REPORT_GROUPS][2] = {
    { "accounts", "account" }, { "vpcs", "vpc" }, { "subnets", "subnet" },
    { "interfaces", "interface" },
  };
  VpcReportSummary *s = report->s;
  for (guint k = 0; k < VPC_REPORT_GROUPS; k++)
    {
      VpcReportGroup *g = &s->groups[k];
      g->name = names[k][0];
      g->key = names[k][1];
      g->without = report->group_without[k];
      g->rows = g_array_new (FALSE, TRUE, sizeof (VpcReportGroupRow));
      g_array_set_clear_func (g->rows, group_row_clear);
      g_autoptr (GPtrArray) items = g_ptr_array_new ();
      GHashTableIter iter;
      gpointer value;
      g_hash_table_iter_init (&iter, report->groups[k]);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_ptr_array_add (items, value);
      g_ptr_array_sort (items, group_cmp);
      g->distinct = items->len;
      for (guint i = 0; i < items->len && i < s->options.top; i++)
        {
          const GroupStat *st = items->pdata[i];
          VpcReportGroupRow row = { .name = g_strdup (st->name), .all = st->all,
                                    .accepted = st->accepted, .rejected = st->rejected };
          g_array_append_val (g->rows, row);
        }
    }
}

void
talkers_finish (VpcReport *report)
{
  finish_talkers (report);
  finish_exposure (report);
  finish_egress (report);
  finish_groups (report);
}

void
talkers_summary_free (VpcReportSummary *s)
{
  VpcTalkerTable *tables[] = { &s->talker_sources, &s->talker_destinations,
                               &s->talker_conversations, &s->talker_ports };
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_clear_pointer (&tables[i]->by_bytes, g_array_unref);
      g_clear_pointer (&tables[i]->by_flows, g_array_unref);
    }
  g_clear_pointer (&s->exposures, g_array_unref);
  g_clear_pointer (&s->egress_interfaces, g_array_unref);
  g_clear_pointer (&s->egress_destinations, g_array_unref);
  for (guint i = 0; i < VPC_REPORT_GROUPS; i++)
    g_clear_pointer (&s->groups[i].rows, g_array_unref);
}
