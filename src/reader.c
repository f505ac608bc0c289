/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Line reader: plain or gzip (inflated by ISA-L in a thread of its own) to lines. */
#include "config.h"

#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <isa-l/igzip_lib.h>

/* Reading and decompression run in a thread of their own (the "source"),
 * which fills CHUNK-sized buffers and hands them over a bounded queue, so
 * inflating one input overlaps with parsing it on a second core.  The
 * source state is shared and reference-counted: a reader freed while the
 * source is still blocked in read() (a pipe that stays open) leaves it to
 * finish and free itself. */
#define CHUNK (256 * 1024)
#define CHUNKS 4 /* in flight: bounds the memory at CHUNKS * CHUNK */

typedef struct {
  char *data;
  gsize len; /* 0 = end of input (then source->error tells why) */
} Chunk;

#define IN_CHUNK (128 * 1024)

typedef struct {
  gint refs;
  int fd;
  char *name;
  /* Decoding state, used by the source thread only. */
  gboolean gzip;
  gboolean in_eof;
  gboolean member_done;
  guint8 *in;         /* compressed input, or the first bytes of a plain one */
  struct inflate_state inflate;
  GAsyncQueue *full;  /* Chunk*, source -> reader */
  GAsyncQueue *empty; /* Chunk*, reader -> source */
  gint abandoned;     /* the reader is gone: stop */
  gint compressed;    /* set before the first chunk is queued */
  GError *error;      /* why the input ended, if not cleanly; set before the last chunk */
} Source;

struct VpcReader {
  char *name;
  Source *source;
  GThread *thread;
  char *buf;        /* holds [start, end) unread bytes */
  gsize size;       /* allocated */
  gsize start, end;
  guint64 line_number;
  gboolean eof;     /* nothing more will come from the source */
  gboolean skipping; /* inside an over-long line */
  GError *pending;  /* read error to report once buffered lines are out */
};

static void
chunk_free (gpointer data)
{
  Chunk *chunk = data;
  g_free (chunk->data);
  g_free (chunk);
}

static void
source_unref (Source *source)
{
  if (!g_atomic_int_dec_and_test (&source->refs))
    return;
  close (source->fd);
  g_free (source->in);
  g_async_queue_unref (source->full);
  g_async_queue_unref (source->empty);
  g_clear_error (&source->error);
  g_free (source->name);
  g_free (source);
}

/* read() into buf, retrying on EINTR; -1 sets source->error. */
static gssize
source_read_raw (Source *source, void *buf, gsize len)
{
  for (;;)
    {
      gssize n = read (source->fd, buf, len);
      if (n >= 0)
        return n;
      if (errno == EINTR)
        continue;
      int saved = errno;
      g_set_error (&source->error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", source->name,
                   g_strerror (saved));
      return -1;
    }
}

/* Look at the first bytes: gzip (1f 8b) is inflated with ISA-L, anything
 * else passes through. */
static gboolean
source_detect (Source *source)
{
  gsize have = 0;
  while (have < 2)
    {
      gssize n = source_read_raw (source, source->in + have, IN_CHUNK - have);
      if (n < 0)
        return FALSE;
      if (n == 0)
        {
          source->in_eof = TRUE;
          break;
        }
      have += (gsize) n;
    }
  source->gzip = have >= 2 && source->in[0] == 0x1f && source->in[1] == 0x8b;
  isal_inflate_init (&source->inflate);
  source->inflate.crc_flag = ISAL_GZIP;
  source->inflate.next_in = source->in;
  source->inflate.avail_in = (uint32_t) have;
  return TRUE;
}

/* Up to len decoded bytes into out: > 0 data, 0 end of input, -1 error
 * (source->error set).  Concatenated gzip members are one stream. */
static gssize
source_decode (Source *source, guint8 *out, gsize len)
{
  struct inflate_state *st = &source->inflate;
  if (!source->gzip)
    {
      if (st->avail_in > 0) /* the bytes read by source_detect */
        {
          gsize n = MIN (len, st->avail_in);
          memcpy (out, st->next_in, n);
          st->next_in += n;
          st->avail_in -= (uint32_t) n;
          return (gssize) n;
        }
      return source->in_eof ? 0 : source_read_raw (source, out, len);
    }
  for (;;)
    {
      if (st->avail_in == 0 && !source->in_eof)
        {
          gssize n = source_read_raw (source, source->in, IN_CHUNK);
          if (n < 0)
            return -1;
          source->in_eof = n == 0;
          st->next_in = source->in;
          st->avail_in = (uint32_t) n;
        }
      if (source->member_done)
        {
          if (st->avail_in == 0)
            return 0; /* clean end after the last member */
          /* Another member follows. */
          uint8_t *next_in = st->next_in;
          uint32_t avail_in = st->avail_in;
          isal_inflate_reset (st);
          st->crc_flag = ISAL_GZIP;
          st->next_in = next_in;
          st->avail_in = avail_in;
          source->member_done = FALSE;
        }
      st->next_out = out;
      st->avail_out = (uint32_t) MIN (len, (gsize) G_MAXUINT32);
      int ret = isal_inflate (st);
      gsize produced = len - st->avail_out;
      if (ret < 0)
        {
          g_set_error (&source->error, VPC_ERROR, VPC_ERROR_IO, "%s: corrupt gzip data (%s)",
                       source->name,
                       ret == ISAL_INCORRECT_CHECKSUM ? "checksum mismatch"
                       : ret == ISAL_INVALID_WRAPPER  ? "bad gzip header"
                                                      : "invalid deflate data");
          return produced > 0 ? (gssize) produced : -1;
        }
      if (st->block_state == ISAL_BLOCK_FINISH)
        source->member_done = TRUE;
      if (produced > 0)
        return (gssize) produced;
      if (source->in_eof && st->avail_in == 0 && !source->member_done)
        {
          g_set_error (&source->error, VPC_ERROR, VPC_ERROR_TRUNCATED,
                       "%s: truncated gzip data (unexpected end of file)", source->name);
          return -1;
        }
    }
}

static gpointer
source_thread (gpointer data)
{
  Source *source = data;
  gboolean ok = source_detect (source);
  g_atomic_int_set (&source->compressed, source->gzip);
  for (;;)
    {
      Chunk *chunk = g_async_queue_pop (source->empty);
      if (g_atomic_int_get (&source->abandoned))
        {
          chunk_free (chunk);
          break;
        }
      gssize n = ok ? source_decode (source, (guint8 *) chunk->data, CHUNK) : -1;
      if (n > 0 && source->error != NULL)
        ok = FALSE; /* data before an error: deliver it, then the error */
      if (n <= 0)
        {
          chunk->len = 0;
          g_async_queue_push (source->full, chunk);
          break;
        }
      chunk->len = (gsize) n;
      g_async_queue_push (source->full, chunk);
    }
  source_unref (source);
  return NULL;
}

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
  Source *source = g_new0 (Source, 1);
  source->refs = 2; /* the reader and the thread */
  source->fd = fd;
  source->in = g_malloc (IN_CHUNK);
  source->name = g_strdup (is_stdin ? "<stdin>" : path);
  source->full = g_async_queue_new_full (chunk_free);
  source->empty = g_async_queue_new_full (chunk_free);
  for (int i = 0; i < CHUNKS; i++)
    {
      Chunk *chunk = g_new0 (Chunk, 1);
      chunk->data = g_malloc (CHUNK);
      g_async_queue_push (source->empty, chunk);
    }

  VpcReader *reader = g_new0 (VpcReader, 1);
  reader->name = g_strdup (source->name);
  reader->source = source;
  reader->size = CHUNK;
  reader->buf = g_malloc (reader->size);
  reader->thread = g_thread_new ("vpc-reader", source_thread, source);
  return reader;
}

void
vpc_reader_free (VpcReader *reader)
{
  if (reader == NULL)
    return;
  Source *source = reader->source;
  g_atomic_int_set (&source->abandoned, 1);
  /* Wake the source if it waits for a buffer; free what it handed over. */
  Chunk *chunk;
  while ((chunk = g_async_queue_try_pop (source->full)) != NULL)
    {
      gboolean last = chunk->len == 0;
      g_async_queue_push (source->empty, chunk);
      if (last)
        reader->eof = TRUE;
    }
  if (reader->eof)
    g_thread_join (reader->thread); /* it has returned or is about to */
  else
    {
      /* Maybe blocked in read(): let it end on its own. */
      g_async_queue_push (source->empty, g_new0 (Chunk, 1));
      g_thread_unref (reader->thread);
    }
  source_unref (source);
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
  return g_atomic_int_get (&reader->source->compressed);
}

/* Append the next chunk from the source after [start, end), compacting or
 * growing the buffer. */
static void
reader_fill (VpcReader *reader)
{
  Source *source = reader->source;
  Chunk *chunk = g_async_queue_pop (source->full);
  if (chunk->len == 0)
    {
      reader->eof = TRUE;
      if (source->error != NULL)
        reader->pending = g_error_copy (source->error);
      g_async_queue_push (source->empty, chunk);
      return;
    }
  if (reader->start > 0)
    {
      memmove (reader->buf, reader->buf + reader->start, reader->end - reader->start);
      reader->end -= reader->start;
      reader->start = 0;
    }
  while (reader->size - reader->end < chunk->len)
    {
      reader->size *= 2;
      reader->buf = g_realloc (reader->buf, reader->size);
    }
  memcpy (reader->buf + reader->end, chunk->data, chunk->len);
  reader->end += chunk->len;
  g_async_queue_push (source->empty, chunk);
}

gboolean
vpc_reader_next_line (VpcReader *reader, char **line, gsize *len, GError **error)
{
  for (;;)
    {
      char *data = reader->buf + reader->start;
      gsize avail = reader->end - reader->start;
      char *nl = avail > 0 ? memchr (data, '\n', avail) : NULL;

      if (nl == NULL && reader->eof && avail > 0 && reader->pending != NULL)
        {
          /* The input broke inside this line: it never ended, so it is not
           * a line.  The error that follows names the input. */
          reader->start = reader->end;
          continue;
        }
      if (nl != NULL || (reader->eof && avail > 0))
        {
          gsize n = nl != NULL ? (gsize) (nl - data) : avail;
          reader->start += nl != NULL ? n + 1 : n;
          reader->line_number++;
          if (reader->skipping || n > VPC_READER_MAX_LINE)
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
