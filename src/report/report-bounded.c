/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vpc-report's tables of bounded size: exact up to a number of keys, then Space-Saving. */
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

/* The key's bytes, 8 at a time, mixed (splitmix64's finaliser). */
static guint
entry_hash (gconstpointer p)
{
  const BoundedEntry *e = p;
  guint64 h = G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) ^ e->key_len;
  gsize i = 0;
  for (; i + 8 <= e->key_len; i += 8)
    {
      guint64 x;
      memcpy (&x, e->key + i, 8);
      h = (h ^ x) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
      h ^= h >> 29;
    }
  if (i < e->key_len)
    {
      guint64 x = 0;
      memcpy (&x, e->key + i, e->key_len - i);
      h = (h ^ x) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
    }
  h ^= h >> 30;
  h *= G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  h ^= h >> 27;
  h *= G_GUINT64_CONSTANT (0x94d049bb133111eb);
  h ^= h >> 31;
  return (guint) h;
}

static gboolean
entry_equal (gconstpointer pa, gconstpointer pb)
{
  const BoundedEntry *a = pa, *b = pb;
  return a->key_len == b->key_len
         && (a->key_len == 0 || memcmp (a->key, b->key, a->key_len) == 0); /* empty: maybe NULL */
}

static void
entry_free (gpointer p, gpointer data)
{
  BoundedEntry *e = p;
  GDestroyNotify clear = data;
  if (clear != NULL)
    clear (e);
  g_free (e->key);
  g_free (e);
}

void
bounded_init (BoundedTable *t, guint max_keys, gsize entry_size, BoundedTakeFunc take,
              GDestroyNotify clear)
{
  t->index = g_hash_table_new (entry_hash, entry_equal);
  t->heap = NULL;
  t->entry_size = MAX (entry_size, sizeof (BoundedEntry));
  t->take = take;
  t->clear = clear;
  t->max_keys = MAX (max_keys, 1);
  t->inserted = 0;
  t->next_slot = 1;
  t->flows = 0;
}

void
bounded_clear (BoundedTable *t)
{
  if (t->index != NULL)
    {
      GHashTableIter it;
      gpointer key;
      g_hash_table_iter_init (&it, t->index);
      while (g_hash_table_iter_next (&it, &key, NULL))
        entry_free (key, (gpointer) t->clear);
    }
  g_clear_pointer (&t->index, g_hash_table_unref);
  g_clear_pointer (&t->heap, g_free);
}

static inline gboolean
heap_less (BoundedEntry *const *heap, guint i, guint j)
{
  return heap[i]->flows < heap[j]->flows;
}

static inline void
heap_swap (BoundedEntry **heap, guint i, guint j)
{
  BoundedEntry *x = heap[i];
  heap[i] = heap[j];
  heap[j] = x;
  heap[i]->heap = i;
  heap[j]->heap = j;
}

static void
heap_down (BoundedTable *t, guint i)
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
heap_build (BoundedTable *t)
{
  t->heap = g_new (BoundedEntry *, t->max_keys);
  GHashTableIter it;
  gpointer key;
  guint n = 0;
  g_hash_table_iter_init (&it, t->index);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      BoundedEntry *e = key;
      e->heap = n;
      t->heap[n++] = e;
    }
  g_assert (n == t->max_keys);
  for (guint i = n / 2; i-- > 0;)
    heap_down (t, i);
}

BoundedEntry *
bounded_lookup (const BoundedTable *t, const void *key, gsize len)
{
  BoundedEntry probe = { .key = (guint8 *) key, .key_len = (guint32) len };
  return g_hash_table_lookup (t->index, &probe);
}

BoundedEntry *
bounded_get (BoundedTable *t, const void *key, gsize len, gboolean *fresh)
{
  BoundedEntry *e = bounded_lookup (t, key, len);
  if (fresh != NULL)
    *fresh = e == NULL;
  if (e != NULL)
    return e;
  t->inserted++;
  if (g_hash_table_size (t->index) < t->max_keys)
    {
      e = g_malloc0 (t->entry_size);
      e->key = g_memdup2 (key, len);
      e->key_len = (guint32) len;
      e->slot = t->next_slot++;
      g_hash_table_add (t->index, e);
      return e;
    }
  /* Full: the entry with the fewest flows becomes this key's, counts and all. */
  if (t->heap == NULL)
    heap_build (t);
  e = t->heap[0];
  g_hash_table_remove (t->index, e);
  if (e->key_len != len)
    {
      g_free (e->key);
      e->key = g_malloc (len);
      e->key_len = (guint32) len;
    }
  memcpy (e->key, key, len);
  e->inherited = e->flows;
  if (t->take != NULL)
    t->take (e);
  g_hash_table_add (t->index, e);
  return e;
}

void
bounded_counted (BoundedTable *t, BoundedEntry *e)
{
  e->flows++;
  t->flows++;
  if (t->heap != NULL)
    heap_down (t, e->heap);
}

gboolean
bounded_is_approximate (const BoundedTable *t)
{
  return t->heap != NULL;
}

guint64
bounded_error_bound (const BoundedTable *t)
{
  guint64 worst = 0;
  if (t->heap == NULL)
    return 0;
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, t->index);
  while (g_hash_table_iter_next (&it, &key, NULL))
    worst = MAX (worst, ((const BoundedEntry *) key)->inherited);
  return worst;
}

void
bounded_limit (const BoundedTable *t, const char *name, VpcReportLimit *limit)
{
  limit->name = name;
  limit->approximate = bounded_is_approximate (t);
  limit->keys = t->inserted;
  limit->flows = t->flows;
  limit->max_keys = t->max_keys;
  limit->bound = t->flows / t->max_keys;
  limit->error = bounded_error_bound (t);
}

gsize
addr_key (const VpcAddr *a, guint8 *key)
{
  gsize n = a->family == 4 ? 4 : 16;
  key[0] = a->family;
  memcpy (key + 1, a->bytes, n);
  return n + 1;
}

gsize
addr_of_key (const guint8 *key, gsize len, VpcAddr *a)
{
  memset (a, 0, sizeof *a);
  if (len < 1)
    return 0;
  gsize n = key[0] == 4 ? 4 : 16;
  if (len < n + 1)
    return 0;
  a->family = key[0];
  memcpy (a->bytes, key + 1, n);
  return n + 1;
}

/* ------------------------------------------------------ rejected addresses */

static void
rej_take (BoundedEntry *head)
{
  RejStat *e = (RejStat *) head;
  e->inherited = e->tally;
  e->inherited_ports = e->ports;
  e->inherited_hosts = e->hosts;
}

void
rej_table_init (RejTable *t, guint max_keys)
{
  bounded_init (t, max_keys, sizeof (RejStat), rej_take, NULL);
}

void
rej_table_clear (RejTable *t)
{
  bounded_clear (t);
}

RejStat *
rej_table_get (RejTable *t, const VpcAddr *addr)
{
  guint8 key[17];
  gsize len = addr_key (addr, key);
  RejStat *e = (RejStat *) bounded_get (t, key, len, NULL);
  e->addr = *addr;
  return e;
}

void
rej_table_counted (RejTable *t, RejStat *e)
{
  bounded_counted (t, &e->head);
}

RejStat *
rej_table_lookup (const RejTable *t, const VpcAddr *addr)
{
  guint8 key[17];
  gsize len = addr_key (addr, key);
  return (RejStat *) bounded_lookup (t, key, len);
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
