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
place_cmp (const VpcReportPlace *a, const VpcReportPlace *b)
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
  guint addresses; /* 1: address a; 2: addresses a, b (conversations); 0: port_key */
  VpcAddr a, b;
  guint port_key;
} TalkItem;

static int
talk_key_cmp (const TalkItem *x, const TalkItem *y)
{
  if (x->addresses > 0)
    {
      int c = addr_cmp (&x->a, &y->a);
      if (c == 0 && x->addresses > 1)
        c = addr_cmp (&x->b, &y->b);
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
  if (item->addresses > 0)
    {
      row->name = addr_text (&item->a);
      if (item->addresses > 1)
        row->peer = addr_text (&item->b);
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
talk_table (GArray *items, guint64 distinct, guint top, VpcTalkerTable *table)
{
  table->distinct = distinct;
  table->by_bytes = rows_new ();
  table->by_flows = rows_new ();
  top_rows (items, top, talk_by_bytes, table->by_bytes);
  top_rows (items, top, talk_by_flows, table->by_flows);
}

/* Every entry of a TalkStat table as items. */
static void
talk_items (const BoundedTable *t, guint addresses, guint top, VpcTalkerTable *table)
{
  g_autoptr (GArray) items = g_array_new (FALSE, TRUE, sizeof (TalkItem));
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, t->index);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const TalkStat *e = key;
      TalkItem item = { .row = { .tally = e->tally, .inbound_bytes = e->inbound_bytes,
                                 .outbound_bytes = e->outbound_bytes, .error = e->inherited },
                        .addresses = addresses };
      if (addresses > 0)
        {
          gsize used = addr_of_key (e->head.key, e->head.key_len, &item.a);
          if (addresses > 1)
            addr_of_key (e->head.key + used, e->head.key_len - used, &item.b);
        }
      else
        item.port_key = ((guint) e->head.key[0] << 16) | ((guint) e->head.key[1] << 8)
                        | e->head.key[2];
      g_array_append_val (items, item);
    }
  talk_table (items, t->inserted, top, table);
}

static void
finish_talkers (VpcReport *report)
{
  VpcReportSummary *s = report->s;
  guint top = s->options.top;
  talk_items (&report->talk_src, 1, top, &s->talker_sources);
  talk_items (&report->talk_dst, 1, top, &s->talker_destinations);
  talk_items (&report->conversations, 2, top, &s->talker_conversations);
  talk_items (&report->talk_ports, 0, top, &s->talker_ports);
}

/* One text of a place key (key_part in report-talkers.c): NULL for "-|". */
static char *
place_key_text (const guint8 *key, gsize len, gsize *at)
{
  gsize i = *at;
  if (i < len && key[i] == '-')
    {
      *at = MIN (i + 2, len);
      return NULL;
    }
  gsize n = 0;
  while (i < len && key[i] >= '0' && key[i] <= '9')
    n = n * 10 + (key[i++] - '0');
  i++; /* ':' */
  n = MIN (n, len > i ? len - i : 0);
  char *text = g_strndup ((const char *) key + MIN (i, len), n);
  *at = MIN (i + n + 1, len);
  return text;
}

/* The place of a key starting with a place key; the length of that part. */
static gsize
place_of_key (const BoundedEntry *e, VpcReportPlace *place)
{
  gsize at = 0;
  place->interface = place_key_text (e->key, e->key_len, &at);
  place->instance = place_key_text (e->key, e->key_len, &at);
  place->vpc = place_key_text (e->key, e->key_len, &at);
  return at;
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

/* An entry being sorted with its place. */
typedef struct {
  const BoundedEntry *e;
  VpcReportPlace place;
  guint port_key;  /* exposure */
  VpcAddr addr;    /* egress destinations */
} PlaceItem;

static void
place_item_clear (gpointer p)
{
  place_clear (&((PlaceItem *) p)->place);
}

static GArray *
place_items (const BoundedTable *t, gboolean port, gboolean addr)
{
  GArray *items = g_array_new (FALSE, TRUE, sizeof (PlaceItem));
  g_array_set_clear_func (items, place_item_clear);
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, t->index);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      PlaceItem item = { .e = key };
      gsize at = place_of_key (item.e, &item.place);
      const guint8 *rest = item.e->key + at;
      gsize left = item.e->key_len - at;
      if (port && left >= 3)
        item.port_key = ((guint) rest[0] << 16) | ((guint) rest[1] << 8) | rest[2];
      if (addr)
        addr_of_key (rest, left, &item.addr);
      g_array_append_val (items, item);
    }
  return items;
}

/* By distinct sources, then flows, packets, bytes, then the place and port. */
static int
exposure_cmp (gconstpointer pa, gconstpointer pb)
{
  const PlaceItem *x = pa, *y = pb;
  const ExposureStat *a = (const ExposureStat *) x->e, *b = (const ExposureStat *) y->e;
  CMP_DESC (a->sources, b->sources);
  int c = tally_cmp (&a->tally, &b->tally);
  if (c == 0)
    c = place_cmp (&x->place, &y->place);
  if (c == 0)
    c = x->port_key < y->port_key ? -1 : x->port_key > y->port_key;
  return c;
}

static void
finish_exposure (VpcReport *report)
{
  VpcReportSummary *s = report->s;
  g_autoptr (GArray) items = place_items (&report->exposures, TRUE, FALSE);
  g_array_sort (items, exposure_cmp);
  s->exposure_count = report->exposures.inserted;
  s->exposures = g_array_new (FALSE, TRUE, sizeof (VpcReportExposure));
  g_array_set_clear_func (s->exposures, exposure_clear);
  for (guint i = 0; i < items->len && i < s->options.top; i++)
    {
      PlaceItem *item = &g_array_index (items, PlaceItem, i);
      const ExposureStat *e = (const ExposureStat *) item->e;
      VpcReportExposure row = { .protocol = (guint8) (item->port_key >> 16),
                                .port = (guint16) item->port_key,
                                .sources = e->sources, .listed_sources = e->listed_sources,
                                .tally = e->tally, .first_ms = e->first_ms,
                                .last_ms = e->last_ms, .place = item->place };
      memset (&item->place, 0, sizeof item->place); /* moved into the row */
      row.protocol_name = protocol_name (row.protocol);
      g_array_append_val (s->exposures, row);
    }
}

static int
egress_place_cmp (gconstpointer pa, gconstpointer pb)
{
  const PlaceItem *x = pa, *y = pb;
  int c = tally_cmp_bytes (&((const Place *) x->e)->egress, &((const Place *) y->e)->egress);
  return c != 0 ? c : place_cmp (&x->place, &y->place);
}

static int
egress_dest_cmp (gconstpointer pa, gconstpointer pb)
{
  const PlaceItem *x = pa, *y = pb;
  int c = tally_cmp_bytes (&((const EgressStat *) x->e)->tally,
                           &((const EgressStat *) y->e)->tally);
  if (c == 0)
    c = place_cmp (&x->place, &y->place);
  if (c == 0)
    c = addr_cmp (&x->addr, &y->addr);
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

  g_autoptr (GArray) places = place_items (&report->places, FALSE, FALSE);
  for (guint i = 0; i < places->len; i++)
    {
      const Place *p = (const Place *) g_array_index (places, PlaceItem, i).e;
      s->egress_over_threshold += p->egress.bytes >= s->options.egress_threshold;
    }
  g_array_sort (places, egress_place_cmp);
  s->egress_interface_count = report->places.inserted;
  for (guint i = 0; i < places->len && i < s->options.top; i++)
    {
      PlaceItem *item = &g_array_index (places, PlaceItem, i);
      const Place *p = (const Place *) item->e;
      VpcReportEgress row = { .destinations = p->egress_destinations, .tally = p->egress,
                              .over_threshold = p->egress.bytes >= s->options.egress_threshold,
                              .place = item->place };
      memset (&item->place, 0, sizeof item->place);
      g_array_append_val (s->egress_interfaces, row);
    }

  g_autoptr (GArray) dests = place_items (&report->egress, FALSE, TRUE);
  g_array_sort (dests, egress_dest_cmp);
  s->egress_destination_count = report->egress.inserted;
  for (guint i = 0; i < dests->len && i < s->options.top; i++)
    {
      PlaceItem *item = &g_array_index (dests, PlaceItem, i);
      const EgressStat *e = (const EgressStat *) item->e;
      VpcReportEgress row = { .address = addr_text (&item->addr), .tally = e->tally,
                              .place = item->place };
      memset (&item->place, 0, sizeof item->place);
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
  if (c != 0)
    return c;
  gsize common = MIN (a->head.key_len, b->head.key_len);
  c = common > 0 ? memcmp (a->head.key, b->head.key, common) : 0; /* an empty key may be NULL */
  return c != 0 ? c : (a->head.key_len > b->head.key_len) - (a->head.key_len < b->head.key_len);
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
      gpointer key;
      g_hash_table_iter_init (&iter, report->groups[k].index);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (items, key);
      g_ptr_array_sort (items, group_cmp);
      g->distinct = report->groups[k].inserted;
      for (guint i = 0; i < items->len && i < s->options.top; i++)
        {
          const GroupStat *st = items->pdata[i];
          VpcReportGroupRow row = { .name = g_strndup ((const char *) st->head.key,
                                                             st->head.key_len), .all = st->all,
                                    .accepted = st->accepted, .rejected = st->rejected };
          g_array_append_val (g->rows, row);
        }
    }
}

/* The limits of the tables here (limits[2..]; report-summary.c fills the first two). */
static void
finish_limits (VpcReport *report)
{
  static const char *const group_names[VPC_REPORT_GROUPS] = {
    "group_accounts", "group_vpcs", "group_subnets", "group_interfaces",
  };
  VpcReportLimit *l = report->s->limits;
  bounded_limit (&report->talk_src, "talker_sources", &l[2]);
  bounded_limit (&report->talk_dst, "talker_destinations", &l[3]);
  bounded_limit (&report->conversations, "talker_conversations", &l[4]);
  bounded_limit (&report->talk_ports, "talker_ports", &l[5]);
  bounded_limit (&report->exposures, "exposure", &l[6]);
  bounded_limit (&report->places, "egress_interfaces", &l[7]);
  bounded_limit (&report->egress, "egress_destinations", &l[8]);
  for (guint i = 0; i < VPC_REPORT_GROUPS; i++)
    bounded_limit (&report->groups[i], group_names[i], &l[9 + i]);
}

void
talkers_finish (VpcReport *report)
{
  finish_limits (report);
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
