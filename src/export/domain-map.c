/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Observation domain IDs per source: FNV-1a of the ID, collisions moved to the next free number. */
#include "config.h"

#include "domain-map.h"

#include <string.h>

#include "output-path.h"

struct VpcDomainMap {
  GMutex lock;
  GHashTable *by_key; /* char* -> GUINT_TO_POINTER (id) */
  GHashTable *used;   /* GUINT_TO_POINTER (id) -> the key (borrowed from by_key) */
  guint collisions;
  const VpcDiag *diag;
  char *path; /* vpc_domain_map_set_file(), or NULL */
};

static const char *const from_names[] = { "none", "account", "vpc", "region", "interface",
                                          "flow-log" };

const char *
vpc_domain_from_name (VpcDomainFrom from)
{
  return from_names[from];
}

gboolean
vpc_domain_from_parse (const char *text, VpcDomainFrom *from)
{
  for (guint i = 0; i < G_N_ELEMENTS (from_names); i++)
    if (strcmp (text, from_names[i]) == 0)
      {
        *from = (VpcDomainFrom) i;
        return TRUE;
      }
  return FALSE;
}

VpcDomainMap *
vpc_domain_map_new (const VpcDiag *diag)
{
  VpcDomainMap *map = g_new0 (VpcDomainMap, 1);
  g_mutex_init (&map->lock);
  map->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  map->used = g_hash_table_new (NULL, NULL);
  map->diag = diag;
  return map;
}

void
vpc_domain_map_free (VpcDomainMap *map)
{
  if (map == NULL)
    return;
  g_hash_table_unref (map->used);
  g_hash_table_unref (map->by_key);
  g_mutex_clear (&map->lock);
  g_free (map->path);
  g_free (map);
}

guint32
vpc_domain_id_for_key (const char *key, gsize len)
{
  guint32 h = 2166136261u;
  for (gsize i = 0; i < len; i++)
    {
      h ^= (guint8) key[i];
      h *= 16777619u;
    }
  return h != 0 ? h : 1;
}

/* Key a printable ID: letters, digits, '-', '_', '.', ':', '/' (what the
 * four fields hold); anything else is not taken as a key. */
static gboolean
key_is_clean (const char *key, gsize len)
{
  if (len == 0 || len > 128)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (key[i]) && strchr ("-_.:/", key[i]) == NULL)
      return FALSE;
  return TRUE;
}

gboolean
vpc_domain_map_load (VpcDomainMap *map, const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "--observation-domain-map: %s",
                   local->message);
      return FALSE;
    }
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      if (line[0] == '\0' || line[0] == '#')
        continue;
      char *space = strpbrk (line, " \t");
      guint64 id = 0;
      if (space != NULL)
        *space = '\0';
      const char *key = space != NULL ? g_strstrip (space + 1) : "";
      if (space == NULL || !g_ascii_string_to_unsigned (line, 10, 1, G_MAXUINT32, &id, NULL)
          || !key_is_clean (key, strlen (key)))
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                       "%s:%u: expected 'ID KEY' (ID 1 to 4294967295, KEY an account, VPC, "
                       "region, interface or flow log ID)",
                       path, i + 1);
          return FALSE;
        }
      if (g_hash_table_contains (map->used, GUINT_TO_POINTER ((guint32) id))
          || g_hash_table_contains (map->by_key, key))
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "%s:%u: ID %" G_GUINT64_FORMAT
                       " or key %s given twice", path, i + 1, id, key);
          return FALSE;
        }
      char *copy = g_strdup (key);
      g_hash_table_insert (map->by_key, copy, GUINT_TO_POINTER ((guint32) id));
      g_hash_table_insert (map->used, GUINT_TO_POINTER ((guint32) id), copy);
    }
  return TRUE;
}

const char *
vpc_domain_key (VpcDomainFrom from, const VpcFlow *flow, guint64 mask, gsize *len)
{
  const fbVarfield_t *field = NULL;
  switch (from)
    {
    case VPC_DOMAIN_FROM_NONE:
    case VPC_DOMAIN_FROM_FLOW_LOG:
      return NULL;
    case VPC_DOMAIN_FROM_ACCOUNT:
    case VPC_DOMAIN_FROM_VPC:
    case VPC_DOMAIN_FROM_REGION:
      {
        int el = from == VPC_DOMAIN_FROM_ACCOUNT ? VPC_EL_ACCOUNT_ID
                 : from == VPC_DOMAIN_FROM_VPC   ? VPC_EL_VPC_ID
                                                 : VPC_EL_REGION;
        if (mask & (G_GUINT64_CONSTANT (1) << el))
          field = &flow->text[el - VPC_EL_FIRST_TEXT];
        break;
      }
    case VPC_DOMAIN_FROM_INTERFACE:
      if (mask & (G_GUINT64_CONSTANT (1) << VPC_EL_IF_NAME))
        field = &flow->interfaceName;
      break;
    }
  if (field == NULL || field->len == 0)
    return NULL;
  *len = field->len;
  return (const char *) field->buf;
}

const char *
vpc_domain_flow_log_id (const char *path, gsize *len)
{
  const char *name = strrchr (path, '/');
  name = name != NULL ? name + 1 : path;
  /* ACCOUNT _ vpcflowlogs _ REGION _ FLOWLOGID _ ... */
  const char *account_end = strchr (name, '_');
  if (account_end == NULL || account_end == name
      || strncmp (account_end, "_vpcflowlogs_", 13) != 0)
    return NULL;
  const char *region_end = strchr (account_end + 13, '_');
  if (region_end == NULL || region_end == account_end + 13)
    return NULL;
  const char *id = region_end + 1;
  gsize n = 0;
  while (g_ascii_isalnum (id[n]) || id[n] == '-')
    n++;
  if (id[n] != '_' || n <= 3 || strncmp (id, "fl-", 3) != 0 || !key_is_clean (id, n))
    return NULL;
  *len = n;
  return id;
}

/* The map into its file (the lock held). */
static gboolean
map_write (VpcDomainMap *map, GError **error);

gboolean
vpc_domain_map_set_file (VpcDomainMap *map, const char *path, GError **error)
{
  g_mutex_lock (&map->lock);
  g_free (map->path);
  map->path = g_strdup (path);
  gboolean ok = map_write (map, error);
  g_mutex_unlock (&map->lock);
  return ok;
}

guint32
vpc_domain_map_lookup (VpcDomainMap *map, const char *key, gsize len, guint32 fallback)
{
  guint32 id = fallback;
  g_autoptr (GError) error = NULL;
  if (!vpc_domain_map_lookup_full (map, key, len, fallback, &id, &error))
    vpc_diag_emit (map->diag, "%s", error->message);
  return id;
}

gboolean
vpc_domain_map_lookup_full (VpcDomainMap *map, const char *key, gsize len, guint32 fallback,
                            guint32 *id_out, GError **error)
{
  *id_out = fallback;
  if (key == NULL || !key_is_clean (key, len))
    return TRUE;
  char stack[129];
  memcpy (stack, key, len);
  stack[len] = '\0';
  g_mutex_lock (&map->lock);
  gpointer found;
  if (g_hash_table_lookup_extended (map->by_key, stack, NULL, &found))
    {
      g_mutex_unlock (&map->lock);
      *id_out = GPOINTER_TO_UINT (found);
      return TRUE;
    }
  guint32 id = vpc_domain_id_for_key (key, len);
  const char *other = NULL;
  while (g_hash_table_contains (map->used, GUINT_TO_POINTER (id)))
    {
      if (other == NULL)
        other = g_hash_table_lookup (map->used, GUINT_TO_POINTER (id));
      id = id == G_MAXUINT32 ? 1 : id + 1;
    }
  if (other != NULL)
    {
      map->collisions++;
      vpc_diag_emit (map->diag,
                     "observation domain of %s: its ID %u is %s's already; it gets %u (keep "
                     "it with --observation-domain-map)",
                     stack, vpc_domain_id_for_key (key, len), other, id);
    }
  char *copy = g_strdup (stack);
  g_hash_table_insert (map->by_key, copy, GUINT_TO_POINTER (id));
  g_hash_table_insert (map->used, GUINT_TO_POINTER (id), copy);
  gboolean ok = map_write (map, error);
  g_mutex_unlock (&map->lock);
  *id_out = id;
  return ok;
}

static gint
compare_ids (gconstpointer a, gconstpointer b)
{
  guint32 x = GPOINTER_TO_UINT (*(gpointer const *) a), y = GPOINTER_TO_UINT (*(gpointer const *) b);
  return x < y ? -1 : x > y;
}

/* The IDs, sorted (the lock held). */
static GPtrArray *
sorted_ids (VpcDomainMap *map)
{
  GPtrArray *ids = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer id;
  g_hash_table_iter_init (&iter, map->used);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_ptr_array_add (ids, id);
  g_ptr_array_sort (ids, compare_ids);
  return ids;
}

/* The map as text (the lock held). */
static char *
map_to_text (VpcDomainMap *map)
{
  g_autoptr (GPtrArray) ids = sorted_ids (map);
  GString *out = g_string_new ("# vpc2ipfix --observation-domain-map: ID KEY\n");
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (out, "%u %s\n", GPOINTER_TO_UINT (ids->pdata[i]),
                            (const char *) g_hash_table_lookup (map->used, ids->pdata[i]));
  return g_string_free (out, FALSE);
}

static gboolean
map_write (VpcDomainMap *map, GError **error)
{
  if (map->path == NULL)
    return TRUE;
  g_autofree char *text = map_to_text (map);
  if (!vpc_output_path_write (map->path, text, strlen (text), error))
    {
      g_prefix_error (error, "--observation-domain-map: ");
      return FALSE;
    }
  return TRUE;
}

char *
vpc_domain_map_to_text (VpcDomainMap *map)
{
  g_mutex_lock (&map->lock);
  char *text = map_to_text (map);
  g_mutex_unlock (&map->lock);
  return text;
}

char *
vpc_domain_map_to_json (VpcDomainMap *map)
{
  g_mutex_lock (&map->lock);
  g_autoptr (GPtrArray) ids = sorted_ids (map);
  GString *out = g_string_new ("{");
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (out, "%s\"%s\": %u", i == 0 ? "" : ", ",
                            (const char *) g_hash_table_lookup (map->used, ids->pdata[i]),
                            GPOINTER_TO_UINT (ids->pdata[i]));
  g_string_append_c (out, '}');
  g_mutex_unlock (&map->lock);
  return g_string_free (out, FALSE);
}

guint
vpc_domain_map_get_size (VpcDomainMap *map)
{
  g_mutex_lock (&map->lock);
  guint n = g_hash_table_size (map->by_key);
  g_mutex_unlock (&map->lock);
  return n;
}

guint
vpc_domain_map_get_collisions (VpcDomainMap *map)
{
  g_mutex_lock (&map->lock);
  guint n = map->collisions;
  g_mutex_unlock (&map->lock);
  return n;
}
