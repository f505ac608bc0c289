/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Line reader: plain or gzip (inflated by ISA-L), unwrapped from its container, in a thread of its own. */
#include "config.h"

#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "source.h"

struct VpcReader {
  char *name;
  VpcReaderFlags flags;
  gboolean waited;  /* live: AGAIN was returned, now wait before the next */
  VpcSource *source;
  GThread *thread;
  VpcContainer container; /* known from the first chunk on */
  char *dir_stream;       /* CloudWatch export: the stream named by the directory */
  /* Decoded containers: the chunk being read, and where. */
  VpcChunk *current;
  guint entry;
  GString *stream;        /* the stream of the records being returned */
  gboolean container_entries; /* reading entries, not lines */
  char *buf;        /* holds [start, end) unread bytes */
  gsize size;       /* allocated */
  gsize start, end;
  guint64 line_number;
  gboolean eof;     /* nothing more will come from the source */
  gboolean skipping; /* inside an over-long line */
  GError *pending;  /* read error to report once buffered lines are out */
};

/* A reader taking the reader's reference to source; path (NULL for
 * standard input and memory) may name a CloudWatch export stream. */
static VpcReader *
reader_new (VpcSource *source, const char *path, VpcReaderFlags flags)
{
  VpcReader *reader = g_new0 (VpcReader, 1);
  reader->name = g_strdup (source->name);
  reader->flags = flags;
  reader->container = VPC_CONTAINER_AUTO;
  reader->stream = g_string_new (NULL);
  if (path != NULL)
    {
      /* CloudWatch export objects are <task>/<stream>/000000.gz (a regular file's
       * directory names its stream). */
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *base = g_path_get_basename (dir);
      if (strcmp (base, ".") != 0 && strcmp (base, G_DIR_SEPARATOR_S) != 0)
        reader->dir_stream = g_strndup (base, vpc_stream_interface_id_length (base, strlen (base)));
    }
  reader->source = source;
  reader->size = CHUNK;
  reader->buf = g_malloc (reader->size);
  return reader;
}

/* A regular file up to this size is read at once, in the caller's
 * thread, when it is plain text: no reading thread for it (many small
 * objects: S3 trees, SQS-driven runs). */
#define SMALL_INPUT (64 * 1024)

/* A reader over the small regular file fd (at its start), read whole
 * now, when it is flow-log text (not gzip, Parquet nor a container to
 * decode, which could grow past its size): the same lines as the reading
 * thread gives.  NULL otherwise, fd back at its start; on a read error
 * too (the reading thread reports it). */
static VpcReader *
reader_open_small (int fd, const char *path, VpcContainer container, VpcReaderFlags flags)
{
  g_autofree guint8 *data = g_malloc (SMALL_INPUT + 1);
  gsize len = 0;
  for (;;)
    {
      gssize n = read (fd, data + len, SMALL_INPUT + 1 - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      len += (gsize) n;
      if (len > SMALL_INPUT)
        break;
    }
  VpcContainer effective
      = container != VPC_CONTAINER_AUTO ? container : vpc_container_detect ((char *) data, len);
  if (len > SMALL_INPUT || (len >= 2 && data[0] == 0x1f && data[1] == 0x8b)
      || (effective != VPC_CONTAINER_TEXT && effective != VPC_CONTAINER_CLOUDWATCH_EXPORT)
      || lseek (fd, 0, SEEK_END) != (off_t) len)
    {
      if (lseek (fd, 0, SEEK_SET) != 0)
        g_warn_if_reached (); /* a regular file */
      return NULL;
    }
  close (fd);
  VpcSource *source = vpc_source_new_memory (data, len, path, container);
  source->mem_owned = g_steal_pointer (&data);
  VpcReader *reader = reader_new (source, path, flags);
  vpc_source_thread (source); /* decodes it all into the full queue, then returns */
  return reader;
}

VpcReader *
vpc_reader_open (const char *path, VpcContainer container, GError **error)
{
  return vpc_reader_open_full (path, container, 0, error);
}

VpcReader *
vpc_reader_open_full (const char *path, VpcContainer container, VpcReaderFlags flags,
                      GError **error)
{
  return vpc_reader_open_named (path, NULL, container, flags, error);
}

VpcReader *
vpc_reader_open_named (const char *path, const char *name, VpcContainer container,
                       VpcReaderFlags flags, GError **error)
{
  gboolean is_stdin = g_strcmp0 (path, "-") == 0;
  int fd = is_stdin ? dup (STDIN_FILENO) : open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", name != NULL ? name : is_stdin ? "<stdin>" : path,
                   g_strerror (saved));
      return NULL;
    }
  struct stat st;
  gboolean regular = !is_stdin && fstat (fd, &st) == 0 && S_ISREG (st.st_mode);
  if (!is_stdin && fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
    {
      close (fd);
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: is a directory", path);
      return NULL;
    }
  if (regular && !(flags & (VPC_READER_FOLLOW | VPC_READER_LIVE)) && st.st_size <= SMALL_INPUT)
    {
      VpcReader *reader = reader_open_small (fd, path, container, flags);
      if (reader != NULL)
        return reader;
    }
  /* Only a regular file is followed; a stream (a pipe, a device) ends when
   * it closes. */
  VpcSource *source = vpc_source_new (fd, name != NULL ? name : is_stdin ? "<stdin>" : path,
                                      path, container, (flags & VPC_READER_FOLLOW) && regular,
                                      (flags & VPC_READER_LIVE) != 0);
  VpcReader *reader = reader_new (source, name != NULL ? name : regular ? path : NULL, flags);
  reader->thread = g_thread_new ("vpc-reader", vpc_source_thread, source);
  return reader;
}

VpcReader *
vpc_reader_open_memory (const char *name, const void *data, gsize len, VpcContainer container)
{
  VpcSource *source = vpc_source_new_memory (data, len, name, container);
  VpcReader *reader = reader_new (source, NULL, 0);
  vpc_source_thread (source); /* decodes it all into the full queue, then returns */
  return reader;
}

void
vpc_reader_free (VpcReader *reader)
{
  if (reader == NULL)
    return;
  VpcSource *source = reader->source;
  g_atomic_int_set (&source->abandoned, 1);
  /* Wake the source if it waits for a buffer; free what it handed over. */
  VpcChunk *chunk;
  if (reader->current != NULL)
    {
      if (reader->current->last)
        reader->eof = TRUE;
      vpc_chunk_recycle (source, g_steal_pointer (&reader->current));
    }
  while ((chunk = g_async_queue_try_pop (source->full)) != NULL)
    {
      if (chunk->last)
        reader->eof = TRUE;
      vpc_chunk_recycle (source, chunk);
    }
  if (reader->thread == NULL)
    ; /* over memory: the source ran in vpc_reader_open_memory() */
  else if (reader->eof)
    g_thread_join (reader->thread); /* it has returned or is about to */
  else
    {
      /* Maybe blocked in read(): let it end on its own. */
      g_async_queue_push (source->empty, g_new0 (VpcChunk, 1));
      g_thread_unref (reader->thread);
    }
  vpc_source_unref (source);
  g_clear_error (&reader->pending);
  g_free (reader->buf);
  g_free (reader->name);
  g_free (reader->dir_stream);
  g_string_free (reader->stream, TRUE);
  g_free (reader);
}

gboolean
vpc_reader_path_is_stream (const char *path)
{
  struct stat st;
  return strcmp (path, "-") == 0
         || (stat (path, &st) == 0 && !S_ISREG (st.st_mode) && !S_ISDIR (st.st_mode));
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
vpc_reader_is_threaded (const VpcReader *reader)
{
  return reader->thread != NULL;
}

gboolean
vpc_reader_is_compressed (const VpcReader *reader)
{
  return g_atomic_int_get (&reader->source->compressed);
}

VpcContainer
vpc_reader_get_container (const VpcReader *reader)
{
  return (VpcContainer) g_atomic_int_get (&reader->source->container);
}

guint
vpc_reader_get_truncations (const VpcReader *reader)
{
  return (guint) g_atomic_int_get (&reader->source->truncations);
}

guint
vpc_reader_get_rotations (const VpcReader *reader)
{
  return (guint) g_atomic_int_get (&reader->source->rotations);
}

/* How long a live reader waits for a chunk before saying VPC_ERROR_AGAIN
 * (the caller looks at signals then). */
#define LIVE_WAIT_US 100000

/* The next chunk from the source; NULL (VPC_ERROR_AGAIN) if the reader is
 * live and none came. */
static VpcChunk *
reader_take_chunk (VpcReader *reader, GError **error)
{
  GAsyncQueue *full = reader->source->full;
  if (!(reader->flags & VPC_READER_LIVE))
    return g_async_queue_pop (full);
  VpcChunk *chunk = reader->waited ? g_async_queue_timeout_pop (full, LIVE_WAIT_US)
                                : g_async_queue_try_pop (full);
  reader->waited = chunk == NULL;
  if (chunk == NULL)
    g_set_error (error, VPC_ERROR, VPC_ERROR_AGAIN, "%s: no line yet", reader->name);
  return chunk;
}

/* Append the next chunk from the source after [start, end), compacting or
 * growing the buffer.  FALSE: VPC_ERROR_AGAIN. */
static gboolean
reader_fill (VpcReader *reader, GError **error)
{
  VpcSource *source = reader->source;
  VpcChunk *chunk = reader_take_chunk (reader, error);
  if (chunk == NULL)
    return FALSE;
  if (reader->container == VPC_CONTAINER_AUTO)
    reader->container = (VpcContainer) g_atomic_int_get (&source->container);
  if (chunk->entries->len > 0)
    {
      reader->current = chunk; /* a decoded container: read as entries */
      reader->entry = 0;
      return TRUE;
    }
  if (chunk->last)
    {
      reader->eof = TRUE;
      if (source->error != NULL)
        reader->pending = g_error_copy (source->error);
      vpc_chunk_recycle (source, chunk);
      return TRUE;
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
  vpc_chunk_recycle (source, chunk);
  return TRUE;
}

/* The end of the input: the error that stopped it, or VPC_ERROR_EOF. */
static gboolean
reader_end (VpcReader *reader, GError **error)
{
  if (reader->pending != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&reader->pending));
      return FALSE;
    }
  g_set_error (error, VPC_ERROR, VPC_ERROR_EOF, "%s: end of input", reader->name);
  return FALSE;
}

/* The next entry of a decoded container. */
static gboolean
reader_next_entry (VpcReader *reader, VpcLine *line, GError **error)
{
  VpcSource *source = reader->source;
  for (;;)
    {
      VpcChunk *chunk = reader->current;
      if (chunk == NULL)
        {
          if (reader->eof)
            return reader_end (reader, error);
          chunk = reader->current = reader_take_chunk (reader, error);
          if (chunk == NULL)
            return FALSE;
          reader->entry = 0;
        }
      if (reader->entry >= chunk->entries->len)
        {
          if (chunk->last)
            {
              reader->eof = TRUE;
              if (source->error != NULL)
                reader->pending = g_error_copy (source->error);
            }
          reader->current = NULL;
          vpc_chunk_recycle (source, chunk);
          continue;
        }
      const VpcEntry *entry = &g_array_index (chunk->entries, VpcEntry, reader->entry++);
      char *text = chunk->data + entry->offset;
      reader->line_number = entry->line;
      switch (entry->kind)
        {
        case VPC_ITEM_STREAM:
          g_string_truncate (reader->stream, 0);
          g_string_append_len (reader->stream, text, entry->len);
          continue;
        case VPC_ITEM_RECORD:
          line->text = text;
          line->len = entry->len;
          line->stream = reader->stream->len > 0 ? reader->stream->str : NULL;
          line->stream_len = reader->stream->len;
          return TRUE;
        case VPC_ITEM_MALFORMED:
          g_set_error (error, VPC_ERROR, VPC_ERROR_MALFORMED, "%.*s", (int) entry->len, text);
          return FALSE;
        case VPC_ITEM_BAD_PAYLOAD:
          g_set_error (error, VPC_ERROR, VPC_ERROR_BAD_PAYLOAD, "%.*s", (int) entry->len, text);
          return FALSE;
        case VPC_ITEM_CONTROL:
          g_set_error (error, VPC_ERROR, VPC_ERROR_CONTROL_MESSAGE, "%.*s", (int) entry->len,
                       text);
          return FALSE;
        }
    }
}

gboolean
vpc_reader_next_line (VpcReader *reader, VpcLine *line, GError **error)
{
  for (;;)
    {
      if (reader->container_entries || reader->current != NULL)
        {
          reader->container_entries = TRUE;
          return reader_next_entry (reader, line, error);
        }
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
          line->stream = NULL;
          line->stream_len = 0;
          if (reader->container == VPC_CONTAINER_CLOUDWATCH_EXPORT)
            {
              gsize skip = vpc_cloudwatch_export_prefix (data, n);
              gsize blank = 0;
              while (blank < n && g_ascii_isspace (data[blank]))
                blank++;
              if (skip == 0 && blank < n)
                {
                  g_set_error (error, VPC_ERROR, VPC_ERROR_MALFORMED,
                               "line does not start with a CloudWatch export timestamp");
                  return FALSE;
                }
              data += skip;
              n -= skip;
              line->stream = reader->dir_stream;
              line->stream_len = reader->dir_stream != NULL ? strlen (reader->dir_stream) : 0;
            }
          line->text = data;
          line->len = n;
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
          return reader_end (reader, error);
        }
      if (avail >= VPC_READER_MAX_LINE)
        {
          /* Drop what we have of the over-long line and keep looking for its end. */
          reader->start = reader->end;
          reader->skipping = TRUE;
        }
      if (!reader_fill (reader, error))
        return FALSE;
    }
}
