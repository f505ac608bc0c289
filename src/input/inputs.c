/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Input expansion: command-line paths and directory walks to the list of files to read. */
#include "config.h"

#include "inputs.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

static gboolean
name_looks_like_flow_log (const char *name)
{
  /* Firehose objects have no extension (unless compressed: .gz). */
  return strchr (name, '.') == NULL || g_str_has_suffix (name, ".log")
         || g_str_has_suffix (name, ".gz") || g_str_has_suffix (name, ".txt")
         || g_str_has_suffix (name, ".json") || g_str_has_suffix (name, ".b64")
         || g_str_has_suffix (name, ".parquet"); /* *.log.parquet */
}

/* A name copy tools write under before renaming (rsync's .name.XXXXXX
 * and .*.partial are hidden anyway). */
static gboolean
name_is_temporary (const char *name)
{
  return g_str_has_suffix (name, "~") || g_str_has_suffix (name, ".tmp")
         || g_str_has_suffix (name, ".part") || g_str_has_suffix (name, ".partial");
}

const char *
vpc_inputs_object_skip_reason (const char *key)
{
  g_auto (GStrv) parts = g_strsplit (key, "/", -1);
  guint n = g_strv_length (parts);
  for (guint i = 0; i < n; i++)
    if (parts[i][0] == '.')
      return "hidden";
  const char *base = n > 0 ? parts[n - 1] : key;
  if (name_is_temporary (base))
    return "temporary name";
  if (!name_looks_like_flow_log (base))
    return "not a flow log name";
  return NULL;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static gboolean
walk_directory (const char *dir_path, const gint *interrupted, GPtrArray *paths,
                GPtrArray *skipped, GError **error)
{
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, error);
  if (dir == NULL)
    return FALSE;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      if (interrupted != NULL && g_atomic_int_get (interrupted))
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_INTERRUPTED, "interrupted");
          return FALSE;
        }
      const char *entry = names->pdata[i];
      g_autofree char *path = g_build_filename (dir_path, entry, NULL);
      struct stat st;
      if (entry[0] == '.')
        {
          g_ptr_array_add (skipped, g_strdup_printf ("%s (hidden)", path));
          continue;
        }
      if (lstat (path, &st) == 0 && S_ISLNK (st.st_mode) && stat (path, &st) == 0
          && S_ISDIR (st.st_mode))
        {
          /* A walk never follows links to directories: no loops, no file twice. */
          g_ptr_array_add (skipped,
                           g_strdup_printf ("%s (symbolic link to a directory)", path));
          continue;
        }
      if (stat (path, &st) != 0)
        {
          int saved = errno;
          g_ptr_array_add (skipped, g_strdup_printf ("%s (%s)", path, g_strerror (saved)));
          continue;
        }
      if (S_ISDIR (st.st_mode))
        {
          /* One unreadable subdirectory (or one removed meanwhile) is
           * skipped like an unreadable file, not the end of the walk. */
          g_autoptr (GError) local = NULL;
          if (!walk_directory (path, interrupted, paths, skipped, &local))
            {
              if (g_error_matches (local, VPC_ERROR, VPC_ERROR_INTERRUPTED))
                {
                  g_propagate_error (error, g_steal_pointer (&local));
                  return FALSE;
                }
              g_ptr_array_add (skipped, g_strdup_printf ("%s (directory: %s)", path,
                                                         local->message));
            }
        }
      else if (!S_ISREG (st.st_mode))
        g_ptr_array_add (skipped, g_strdup_printf ("%s (not a regular file)", path));
      else if (name_is_temporary (entry))
        g_ptr_array_add (skipped, g_strdup_printf ("%s (temporary name)", path));
      else if (!name_looks_like_flow_log (entry))
        g_ptr_array_add (skipped, g_strdup_printf ("%s (not a flow log name)", path));
      else
        g_ptr_array_add (paths, g_steal_pointer (&path));
    }
  return TRUE;
}

gboolean
vpc_inputs_expand (const char *const *args, GPtrArray *paths, GPtrArray *skipped, GError **error)
{
  return vpc_inputs_expand_full (args, NULL, paths, skipped, error);
}

gboolean
vpc_inputs_expand_full (const char *const *args, const gint *interrupted, GPtrArray *paths,
                        GPtrArray *skipped, GError **error)
{
  for (; args != NULL && *args != NULL; args++)
    {
      const char *arg = *args;
      struct stat st;
      if (strcmp (arg, "-") == 0)
        {
          g_ptr_array_add (paths, g_strdup (arg));
          continue;
        }
      if (stat (arg, &st) != 0)
        {
          int saved = errno;
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", arg, g_strerror (saved));
          return FALSE;
        }
      if (S_ISDIR (st.st_mode))
        {
          GError *local = NULL;
          if (!walk_directory (arg, interrupted, paths, skipped, &local))
            {
              g_set_error (error, VPC_ERROR,
                           g_error_matches (local, VPC_ERROR, VPC_ERROR_INTERRUPTED)
                               ? VPC_ERROR_INTERRUPTED
                               : VPC_ERROR_IO,
                           "%s", local->message);
              g_error_free (local);
              return FALSE;
            }
        }
      else
        g_ptr_array_add (paths, g_strdup (arg));
    }
  return TRUE;
}
