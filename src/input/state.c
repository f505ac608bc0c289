/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The --state file: an append-only list of completed input files. */
#include "config.h"

#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

struct VpcState {
  char *path;
  int fd;           /* opened for appending */
  GHashTable *done; /* absolute names */
};

static char *
state_key (const char *input)
{
  return g_canonicalize_filename (input, NULL);
}

static gboolean
state_error (GError **error, const char *path, const char *what)
{
  int saved = errno;
  g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "--state %s: %s: %s", path, what,
               g_strerror (saved));
  return FALSE;
}

/* The names in a state file's text: only whole lines, as a line cut short
 * by a crash is not a name. */
static void
state_load (VpcState *state, const char *text, gsize len)
{
  const char *line = text;
  for (const char *nl; (nl = memchr (line, '\n', len - (gsize) (line - text))) != NULL;
       line = nl + 1)
    if (nl > line && *line != '\0')
      g_hash_table_add (state->done, g_strndup (line, (gsize) (nl - line)));
}

static VpcState *
state_new (const char *path)
{
  VpcState *state = g_new0 (VpcState, 1);
  state->path = g_strdup (path);
  state->fd = -1;
  state->done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return state;
}

VpcState *
vpc_state_new_from_text (const char *text, gsize len)
{
  VpcState *state = state_new ("(memory)");
  state_load (state, text, len);
  return state;
}

VpcState *
vpc_state_open (const char *path, GError **error)
{
  g_autoptr (VpcState) state = state_new (path);
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr (GError) local = NULL;
  if (g_file_get_contents (path, &text, &len, &local))
    state_load (state, text, len);
  else if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "--state %s", local->message);
      return NULL;
    }
  state->fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (state->fd < 0)
    {
      state_error (error, path, "cannot open");
      return NULL;
    }
  /* A line a crash cut short is ended, so that the next name starts afresh. */
  if (len > 0 && text[len - 1] != '\n' && write (state->fd, "\n", 1) != 1)
    {
      state_error (error, path, "cannot write");
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
  g_free (state->path);
  g_free (state);
}

gboolean
vpc_state_contains (const VpcState *state, const char *input)
{
  g_autofree char *key = state_key (input);
  return g_hash_table_contains (state->done, key);
}

gboolean
vpc_state_add (VpcState *state, const char *input, GError **error)
{
  char *key = state_key (input);
  if (!g_hash_table_add (state->done, key) || state->fd < 0)
    return TRUE;
  g_autofree char *line = g_strconcat (key, "\n", NULL);
  gsize len = strlen (line), done = 0;
  while (done < len)
    {
      ssize_t n = write (state->fd, line + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return state_error (error, state->path, "cannot write");
      done += (gsize) n;
    }
  if (fdatasync (state->fd) != 0)
    return state_error (error, state->path, "cannot sync");
  return TRUE;
}
