/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc-report's address tables of bounded size: exact up to a number of keys, then Space-Saving. */
#include "config.h"

#include "report-private.h"

#include <string.h>

/*
 * Space-Saving (Metwally, Agrawal, El Abbadi 2005), weighted by flows: with
 * the table full, a new key takes the place of the entry with the fewest
 * flows and inherits its counts.  With N flows counted and k entries, the
 * smallest count is at most N / k at any time, so a row's flows exceed the
 * key's true flows by at most the count it inherited (kept per entry, shown
 * as the row's error), which is at most N / k; a key with more than N / k
 * flows is always in the table.  Until the table is full nothing is
 * inherited and every count is exact.  The heap orders the entries by flows
 * once the table is full (built then in O(k); each count then costs
 * O(log k)).
 */

static guint
rej_hash (gconstpointer p)
{
  const VpcAddr *a = p;
  guint64 x, y = 0;
  memcpy (&x, a->bytes, 8);
  if (a->family == 6)
    memcpy (&y, a->bytes + 8, 8);
  else
    x &= G_GUINT64_CONSTANT (0xffffffff);
  x ^= y * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) + a->family;
  x ^= x >> 30;
  x *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x ^= x >> 27;
  x *= G_GUINT64_CONSTANT (0x94d049bb133111eb);
  x ^= x >> 31;
  return (guint) x;
}

static gboolean
rej_equal (gconstpointer pa, gconstpointer pb)
{
  const VpcAddr *a = pa, *b = pb;
  return a->family == b->family && memcmp (a->bytes, b->bytes, a->family == 4 ? 4 : 16) == 0;
}

void
rej_table_init (RejTable *t, guint max_keys)
{
  t->index = g_hash_table_new_full (rej_hash, rej_equal, NULL, g_free);
  t->heap = NULL;
  t->max_keys = MAX (max_keys, 1);
  t->inserted = 0;
  t->next_slot = 1;
  t->flows = 0;
}

void
rej_table_clear (RejTable *t)
{
  g_clear_pointer (&t->index, g_hash_table_unref);
  g_clear_pointer (&t->heap, g_free);
}

static inline gboolean
heap_less (RejStat *const *heap, guint i, guint j)
{
  return heap[i]->tally.flows < heap[j]->tally.flows;
}

static inline void
heap_swap (RejStat **heap, guint i, guint j)
{
  RejStat *x = heap[i];
  heap[i] = heap[j];
  heap[j] = x;
  heap[i]->heap = i;
  heap[j]->heap = j;
}

static void
heap_down (RejTable *t, guint i)
{
  guint n = t->max_keys;
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i;
      if (l < n && heap_less (t->heap, l, m))
        m = l;
      if (r < n && heap_less (t->heap, r, m))
        m = r;
      if (m == i)
        return;
      heap_swap (t->heap, i, m);
      i = m;
    }
}

static void
heap_build (RejTable *t)
{
  t->heap = g_new (RejStat *, t->max_keys);
  GHashTableIter it;
  gpointer value;
  guint n = 0;
  g_hash_table_iter_init (&it, t->index);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      RejStat *e = value;
      e->heap = n;
      t->heap[n++] = e;
    }
  g_assert (n == t->max_keys);
  for (guint i = n / 2; i-- > 0;)
    heap_down (t, i);
}

RejStat *
rej_table_get (RejTable *t, const VpcAddr *addr)
{
  RejStat *e = g_hash_table_lookup (t->index, addr);
  if (e != NULL)
    return e;
  t->inserted++;
  if (g_hash_table_size (t->index) < t->max_keys)
    {
      e = g_new0 (RejStat, 1);
      e->addr = *addr;
      e->slot = t->next_slot++;
      g_hash_table_insert (t->index, &e->addr, e);
      return e;
    }
  /* Full: the entry with the fewest flows becomes this key's, counts and all. */
  if (t->heap == NULL)
    heap_build (t);
  e = t->heap[0];
  g_hash_table_steal (t->index, &e->addr);
  e->addr = *addr;
  e->inherited = e->tally;
  e->inherited_ports = e->ports;
  e->inherited_hosts = e->hosts;
  g_hash_table_insert (t->index, &e->addr, e);
  return e;
}

void
rej_table_counted (RejTable *t, RejStat *e)
{
  t->flows++;
  if (t->heap != NULL)
    heap_down (t, e->heap);
}

RejStat *
rej_table_lookup (const RejTable *t, const VpcAddr *addr)
{
  return g_hash_table_lookup (t->index, addr);
}

gboolean
rej_table_is_approximate (const RejTable *t)
{
  return t->heap != NULL;
}

guint64
rej_table_error_bound (const RejTable *t)
{
  guint64 worst = 0;
  if (t->heap == NULL)
    return 0;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, t->index);
  while (g_hash_table_iter_next (&it, NULL, &value))
    worst = MAX (worst, ((const RejStat *) value)->inherited.flows);
  return worst;
}

/* ------------------------------------------------------------- pair sets */

gboolean
pair_set_add (VpcReport *report, U64Set *set, guint64 key)
{
  if (set->count < report->max_pairs)
    return u64set_add (set, key);
  /* Full: a known pair is still found; a new one is not stored nor counted. */
  if (!u64set_contains (set, key))
    report->pairs_refused++;
  return FALSE;
}
