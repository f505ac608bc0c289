/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The --state file: an append-only list of delivered input files, each named with its identity. */
#include "config.h"

#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct VpcState {
  char *path;
  int fd;              /* opened for appending */
  GHashTable *done;    /* "SIZE MTIME ABSOLUTE-NAME" lines (unescaped name) */
  GHashTable *by_name; /* absolute names of old, identity-less lines */
  GString *unsynced;   /* lines of vpc_state_add_unsynced() not yet written */
  GHashTable *latest;  /* name -> VpcFileIdentity of its last line */
};

void
vpc_file_identity_from_stat (const struct stat *st, VpcFileIdentity *identity)
{
  identity->size = (gint64) st->st_size;
  identity->mtime_ns = (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000)
                       + st->st_mtim.tv_nsec;
}

gboolean
vpc_file_identity_equal (const VpcFileIdentity *a, const VpcFileIdentity *b)
{
  return a->size == b->size && a->mtime_ns == b->mtime_ns;
}

/* A remote input's URL: a scheme (letters, digits, "+-.") and "://". */
static gboolean
remote_name (const char *name)
{
  const char *p = name;
  while (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.')
    p++;
  return p > name && g_ascii_isalpha (name[0]) && strncmp (p, "://", 3) == 0;
}

static char *
state_name (const char *input)
{
  /* A remote object (s3://bucket/key) is named by its URL, not a path. */
  if (remote_name (input))
    return g_strdup (input);
  return g_canonicalize_filename (input, NULL);
}

/* The key of a done input: identity and absolute name. */
static char *
state_key (const char *name, const VpcFileIdentity *identity)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT ".%09" G_GINT64_FORMAT " %s",
                          identity->size, identity->mtime_ns / 1000000000,
                          identity->mtime_ns % 1000000000, name);
}

/* The key as a line of the file: the name escaped. */
static char *
state_line (const char *key)
{
  GString *line = g_string_new (NULL);
  for (const char *c = key; *c != '\0'; c++)
    if (*c == '\\')
      g_string_append (line, "\\\\");
    else if (*c == '\n')
      g_string_append (line, "\\n");
    else
      g_string_append_c (line, *c);
  g_string_append_c (line, '\n');
  return g_string_free (line, FALSE);
}

/* A line (without its newline) into the tables; FALSE if it is none of
 * ours (blank, torn). */
static gboolean
state_parse_line (VpcState *state, const char *line)
{
  if (line[0] == '/')
    {
      g_hash_table_add (state->by_name, g_strdup (line)); /* an older version's line */
      return TRUE;
    }
  gint64 size, seconds, nanoseconds;
  int end = 0;
  if (sscanf (line, "%" G_GINT64_MODIFIER "d %" G_GINT64_MODIFIER "d.%" G_GINT64_MODIFIER "d %n",
              &size, &seconds, &nanoseconds, &end) != 3
      || end == 0 || (line[end] != '/' && !remote_name (line + end)) || size < 0 || nanoseconds < 0
      || nanoseconds > 999999999)
    return FALSE;
  GString *key = g_string_new (NULL);
  g_string_append_len (key, line, end);
  for (const char *c = line + end; *c != '\0'; c++)
    {
      if (*c == '\\' && (c[1] == '\\' || c[1] == 'n'))
        {
          c++;
          g_string_append_c (key, *c == 'n' ? '\n' : '\\');
        }
      else
        g_string_append_c (key, *c);
    }
  VpcFileIdentity identity = { size, seconds * 1000000000 + nanoseconds };
  g_hash_table_insert (state->latest, g_strdup (key->str + end),
                       g_memdup2 (&identity, sizeof identity));
  g_hash_table_add (state->done, g_string_free (key, FALSE));
  return TRUE;
}

static gboolean
state_error (GError **error, const char *path, const char *what)
{
  int saved = errno;
  g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "--state %s: %s: %s", path, what,
               g_strerror (saved));
  return FALSE;
}

/* Write the entries afresh, atomically, without what a crash or an older
 * version left (blank lines, a torn last line). */
static gboolean
state_rewrite (VpcState *state, GError **error)
{
  GString *text = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, state->by_name);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_string_append_printf (text, "%s\n", (const char *) key);
  g_hash_table_iter_init (&iter, state->done);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_autofree char *line = state_line (key);
      g_string_append (text, line);
    }
  g_autoptr (GError) local = NULL;
  gboolean ok = g_file_set_contents_full (state->path, text->str, (gssize) text->len,
                                          G_FILE_SET_CONTENTS_CONSISTENT, 0666, &local);
  g_string_free (text, TRUE);
  if (!ok)
    g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "--state %s", local->message);
  return ok;
}

static VpcState *
state_new (const char *path)
{
  VpcState *state = g_new0 (VpcState, 1);
  state->path = g_strdup (path);
  state->fd = -1;
  state->done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  state->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  state->latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return state;
}

/* The entries of a state file's text (modified in place); TRUE if it
 * holds anything else (blank or torn lines): then it is written afresh.
 * Only whole lines: a line cut short by a crash is not a name. */
static gboolean
state_load (VpcState *state, char *text, gsize len)
{
  gboolean untidy = FALSE;
  char *line = text;
  for (char *nl; (nl = memchr (line, '\n', len - (gsize) (line - text))) != NULL; line = nl + 1)
    {
      *nl = '\0';
      if (!state_parse_line (state, line))
        untidy = TRUE;
    }
  if (line != text + len)
    untidy = TRUE;
  return untidy;
}

VpcState *
vpc_state_new_from_text (const char *text, gsize len)
{
  VpcState *state = state_new ("(memory)");
  g_autofree char *copy = g_strndup (text, len);
  state_load (state, copy, len);
  return state;
}

VpcState *
vpc_state_open (const char *path, GError **error)
{
  g_autoptr (VpcState) state = state_new (path);
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr (GError) local = NULL;
  gboolean untidy = FALSE;
  if (g_file_get_contents (path, &text, &len, &local))
    untidy = state_load (state, text, len);
  else if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "--state %s", local->message);
      return NULL;
    }
  if (untidy && !state_rewrite (state, error))
    return NULL;
  state->fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (state->fd < 0)
    {
      state_error (error, path, "cannot open");
      return NULL;
    }
  return g_steal_pointer (&state);
}

void
vpc_state_free (VpcState *state)
{
  if (state == NULL)
    return;
  if (state->fd >= 0)
    close (state->fd);
  g_hash_table_unref (state->done);
  g_hash_table_unref (state->by_name);
  if (state->unsynced != NULL)
    g_string_free (state->unsynced, TRUE);
  g_hash_table_unref (state->latest);
  g_free (state->path);
  g_free (state);
}

gboolean
vpc_state_contains (const VpcState *state, const char *input, const VpcFileIdentity *identity)
{
  g_autofree char *name = state_name (input);
  if (g_hash_table_contains (state->by_name, name))
    return TRUE;
  g_autofree char *key = state_key (name, identity);
  return g_hash_table_contains (state->done, key);
}

/* Write len bytes of text at the end of the state file. */
static gboolean
state_write (VpcState *state, const char *text, gsize len, GError **error)
{
  gsize done = 0;
  while (done < len)
    {
      ssize_t n = write (state->fd, text + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return state_error (error, state->path, "cannot write");
      done += (gsize) n;
    }
  return TRUE;
}

/* Write len bytes of text at the end of the state file and sync it. */
static gboolean
state_append (VpcState *state, const char *text, gsize len, GError **error)
{
  if (!state_write (state, text, len, error))
    return FALSE;
  if (fdatasync (state->fd) != 0)
    return state_error (error, state->path, "cannot sync");
  return TRUE;
}

gboolean
vpc_state_latest (const VpcState *state, const char *input, VpcFileIdentity *identity)
{
  g_autofree char *name = state_name (input);
  const VpcFileIdentity *found = g_hash_table_lookup (state->latest, name);
  if (found == NULL)
    return FALSE;
  *identity = *found;
  return TRUE;
}

gboolean
vpc_state_add (VpcState *state, const char *input, const VpcFileIdentity *identity,
               GError **error)
{
  g_autofree char *name = state_name (input);
  char *key = state_key (name, identity);
  g_hash_table_insert (state->latest, g_strdup (name), g_memdup2 (identity, sizeof *identity));
  if (!g_hash_table_add (state->done, key) || state->fd < 0) /* a state from text: memory only */
    return TRUE;
  g_autofree char *line = state_line (key);
  return state_append (state, line, strlen (line), error);
}

/* Unsynced lines are written (not synced) past this much, so that a
 * batch of many inputs does not grow the memory. */
#define UNSYNCED_MAX (64 * 1024)

gboolean
vpc_state_add_unsynced (VpcState *state, const char *input, const VpcFileIdentity *identity,
                        GError **error)
{
  g_autofree char *name = state_name (input);
  char *key = state_key (name, identity);
  g_hash_table_insert (state->latest, g_strdup (name), g_memdup2 (identity, sizeof *identity));
  if (!g_hash_table_add (state->done, key) || state->fd < 0) /* a state from text: memory only */
    return TRUE;
  g_autofree char *line = state_line (key);
  if (state->unsynced == NULL)
    state->unsynced = g_string_new (NULL);
  g_string_append (state->unsynced, line);
  if (state->unsynced->len < UNSYNCED_MAX)
    return TRUE;
  gboolean ok = state_write (state, state->unsynced->str, state->unsynced->len, error);
  g_string_truncate (state->unsynced, 0);
  return ok;
}

gboolean
vpc_state_sync (VpcState *state, GError **error)
{
  if (state->unsynced == NULL || state->unsynced->len == 0)
    return TRUE;
  gboolean ok = state_append (state, state->unsynced->str, state->unsynced->len, error);
  g_string_truncate (state->unsynced, 0);
  return ok;
}
