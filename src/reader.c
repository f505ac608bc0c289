/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Line reader over zlib's gz* API (plain files pass through unchanged). */
#include "config.h"

#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (256 * 1024)

struct VpcReader {
  char *name;
  gzFile gz;
  char *buf;        /* holds [start, end) unread bytes */
  gsize size;       /* allocated */
  gsize start, end;
  guint64 line_number;
  gboolean eof;     /* nothing more will come from gz */
  gboolean skipping; /* inside an over-long line */
  GError *pending;  /* read error to report once buffered lines are out */
};

VpcReader *
vpc_reader_open (const char *path, GError **error)
{
  gboolean is_stdin = g_strcmp0 (path, "-") == 0;
  int fd = is_stdin ? dup (STDIN_FILENO) : open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", is_stdin ? "<stdin>" : path,
                   g_strerror (saved));
      return NULL;
    }
  if (!is_stdin)
    {
      struct stat st;
      if (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
        {
          close (fd);
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: is a directory", path);
          return NULL;
        }
    }
  gzFile gz = gzdopen (fd, "rb");
  if (gz == NULL)
    {
      close (fd);
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: out of memory", path);
      return NULL;
    }
  gzbuffer (gz, 128 * 1024);

  VpcReader *reader = g_new0 (VpcReader, 1);
  reader->name = g_strdup (is_stdin ? "<stdin>" : path);
  reader->gz = gz;
  reader->size = CHUNK;
  reader->buf = g_malloc (reader->size);
  return reader;
}

void
vpc_reader_free (VpcReader *reader)
{
  if (reader == NULL)
    return;
  if (reader->gz != NULL)
    gzclose_r (reader->gz);
  g_clear_error (&reader->pending);
  g_free (reader->buf);
  g_free (reader->name);
  g_free (reader);
}

const char *
vpc_reader_get_name (const VpcReader *reader)
{
  return reader->name;
}

guint64
vpc_reader_get_line_number (const VpcReader *reader)
{
  return reader->line_number;
}

gboolean
vpc_reader_is_compressed (const VpcReader *reader)
{
  return reader->gz != NULL && !gzdirect (reader->gz);
}

/* Read more bytes after [start, end), compacting or growing the buffer. */
static void
reader_fill (VpcReader *reader)
{
  if (reader->start > 0)
    {
      memmove (reader->buf, reader->buf + reader->start, reader->end - reader->start);
      reader->end -= reader->start;
      reader->start = 0;
    }
  if (reader->end == reader->size)
    {
      reader->size *= 2;
      reader->buf = g_realloc (reader->buf, reader->size);
    }
  int n = gzread (reader->gz, reader->buf + reader->end,
                  (unsigned) MIN (reader->size - reader->end, (gsize) G_MAXINT));
  if (n > 0)
    {
      reader->end += (gsize) n;
      return;
    }
  reader->eof = TRUE;
  int errnum = Z_OK;
  const char *msg = gzerror (reader->gz, &errnum);
  if (errnum == Z_BUF_ERROR)
    g_set_error (&reader->pending, VPC_ERROR, VPC_ERROR_TRUNCATED,
                 "%s: truncated gzip data (unexpected end of file)", reader->name);
  else if (errnum == Z_ERRNO)
    g_set_error (&reader->pending, VPC_ERROR, VPC_ERROR_IO, "%s: %s", reader->name,
                 g_strerror (errno));
  else if (errnum != Z_OK)
    g_set_error (&reader->pending, VPC_ERROR, VPC_ERROR_IO, "%s: corrupt gzip data (%s)",
                 reader->name, msg);
}

gboolean
vpc_reader_next_line (VpcReader *reader, const char **line, gsize *len, GError **error)
{
  for (;;)
    {
      char *data = reader->buf + reader->start;
      gsize avail = reader->end - reader->start;
      char *nl = avail > 0 ? memchr (data, '\n', avail) : NULL;

      if (nl != NULL || (reader->eof && avail > 0))
        {
          gsize n = nl != NULL ? (gsize) (nl - data) : avail;
          reader->start += nl != NULL ? n + 1 : n;
          reader->line_number++;
          if (reader->skipping)
            {
              reader->skipping = FALSE;
              g_set_error (error, VPC_ERROR, VPC_ERROR_MALFORMED,
                           "line longer than %d bytes", VPC_READER_MAX_LINE);
              return FALSE;
            }
          if (n > 0 && data[n - 1] == '\r')
            n--;
          *line = data;
          *len = n;
          return TRUE;
        }
      if (reader->eof)
        {
          if (reader->skipping)
            {
              /* An over-long last line without a newline. */
              reader->skipping = FALSE;
              reader->line_number++;
              g_set_error (error, VPC_ERROR, VPC_ERROR_MALFORMED,
                           "line longer than %d bytes", VPC_READER_MAX_LINE);
              return FALSE;
            }
          if (reader->pending != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&reader->pending));
              return FALSE;
            }
          g_set_error (error, VPC_ERROR, VPC_ERROR_EOF, "%s: end of input", reader->name);
          return FALSE;
        }
      if (avail >= VPC_READER_MAX_LINE)
        {
          /* Drop what we have of the over-long line and keep looking for its end. */
          reader->start = reader->end;
          reader->skipping = TRUE;
        }
      reader_fill (reader);
    }
}

/* ---- input expansion ---- */

static gboolean
name_looks_like_flow_log (const char *name)
{
  return g_str_has_suffix (name, ".log") || g_str_has_suffix (name, ".gz")
         || g_str_has_suffix (name, ".txt");
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static gboolean
walk_directory (const char *dir_path, GPtrArray *paths, GPtrArray *skipped, GError **error)
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
      const char *entry = names->pdata[i];
      g_autofree char *path = g_build_filename (dir_path, entry, NULL);
      struct stat st;
      if (entry[0] == '.')
        {
          g_ptr_array_add (skipped, g_strdup_printf ("%s (hidden)", path));
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
          if (!walk_directory (path, paths, skipped, error))
            return FALSE;
        }
      else if (!S_ISREG (st.st_mode))
        g_ptr_array_add (skipped, g_strdup_printf ("%s (not a regular file)", path));
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
          if (!walk_directory (arg, paths, skipped, &local))
            {
              g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s", local->message);
              g_error_free (local);
              return FALSE;
            }
        }
      else
        g_ptr_array_add (paths, g_strdup (arg));
    }
  return TRUE;
}
