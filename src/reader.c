/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Line reader: plain or gzip (inflated by ISA-L), unwrapped from its container, in a thread of its own. */
#include "config.h"

#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <isa-l/igzip_lib.h>

#include "container.h"

/* Reading and decompression run in a thread of their own (the "source"),
 * which fills CHUNK-sized buffers and hands them over a bounded queue, so
 * inflating one input overlaps with parsing it on a second core.  The
 * source state is shared and reference-counted: a reader freed while the
 * source is still blocked in read() (a pipe that stays open) leaves it to
 * finish and free itself. */
#define CHUNK (256 * 1024)
#define CHUNKS 4 /* in flight: bounds the memory at CHUNKS * CHUNK */

/* A decoded container (JSON, base64) arrives as entries: each a record or
 * an event of the container, its text at data + offset. */
typedef struct {
  VpcItemKind kind;
  guint32 len;
  gsize offset;
  guint64 line;
} Entry;

#define MAX_ENTRIES 16384 /* per chunk */

typedef struct {
  char *data;
  gsize len;       /* bytes of data used */
  gboolean last;   /* end of input (then source->error tells why if it broke) */
  GArray *entries; /* Entry; empty for text */
} Chunk;

#define IN_CHUNK (128 * 1024)

typedef struct {
  gint refs;
  int fd;
  char *name;
  char *path;         /* to open again after a rotation (VPC_READER_FOLLOW) */
  gboolean follow;
  gboolean live;      /* hand over what was read at once */
  gboolean rotated;   /* the path now names another file */
  char last_byte;     /* of the text read so far */
  gint truncations, rotations;
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
  gint container;     /* VpcContainer: forced, or detected before the first chunk is queued */
  Chunk *out;         /* decoded containers: the chunk being filled */
  GError *error;      /* why the input ended, if not cleanly; set before the last chunk */
} Source;

struct VpcReader {
  char *name;
  VpcReaderFlags flags;
  gboolean waited;  /* live: AGAIN was returned, now wait before the next */
  Source *source;
  GThread *thread;
  VpcContainer container; /* known from the first chunk on */
  char *dir_stream;       /* CloudWatch export: the stream named by the directory */
  /* Decoded containers: the chunk being read, and where. */
  Chunk *current;
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

static Chunk *
chunk_new (void)
{
  Chunk *chunk = g_new0 (Chunk, 1);
  chunk->data = g_malloc (CHUNK);
  chunk->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  return chunk;
}

static void
chunk_free (gpointer data)
{
  Chunk *chunk = data;
  g_free (chunk->data);
  if (chunk->entries != NULL)
    g_array_unref (chunk->entries);
  g_free (chunk);
}

/* Give a chunk back to the source, empty. */
static void
chunk_recycle (Source *source, Chunk *chunk)
{
  chunk->len = 0;
  chunk->last = FALSE;
  if (chunk->entries != NULL)
    g_array_set_size (chunk->entries, 0);
  g_async_queue_push (source->empty, chunk);
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
  g_free (source->path);
  g_free (source);
}

/* How often a followed file is looked at when nothing new is in it. */
#define FOLLOW_POLL_US 100000

/* A followed file is at its end: TRUE to read it again (it grew, was
 * truncated, or maybe grew after being renamed away), FALSE to end this
 * file (the reader is gone, or the path names a new file: rotated). */
static gboolean
source_follow_wait (Source *source)
{
  if (g_atomic_int_get (&source->abandoned))
    return FALSE;
  if (source->rotated)
    return FALSE; /* read to its end once more after the rename was seen */
  struct stat fd_st, path_st;
  if (fstat (source->fd, &fd_st) == 0 && S_ISREG (fd_st.st_mode))
    {
      off_t offset = lseek (source->fd, 0, SEEK_CUR);
      if (offset > fd_st.st_size)
        {
          lseek (source->fd, 0, SEEK_SET);
          g_atomic_int_inc (&source->truncations);
          return TRUE;
        }
      if (stat (source->path, &path_st) == 0
          && (path_st.st_ino != fd_st.st_ino || path_st.st_dev != fd_st.st_dev))
        {
          source->rotated = TRUE;
          return TRUE;
        }
    }
  g_usleep (FOLLOW_POLL_US);
  return !g_atomic_int_get (&source->abandoned);
}

/* read() into buf, retrying on EINTR; -1 sets source->error.  Following
 * a file, its end waits for more. */
static gssize
source_read_raw (Source *source, void *buf, gsize len)
{
  for (;;)
    {
      gssize n = read (source->fd, buf, len);
      if (n == 0 && source->follow && source_follow_wait (source))
        continue;
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

/* An empty chunk to fill; NULL if the reader is gone. */
static Chunk *
source_take_chunk (Source *source)
{
  Chunk *chunk = g_async_queue_pop (source->empty);
  if (g_atomic_int_get (&source->abandoned))
    {
      chunk_free (chunk);
      return NULL;
    }
  return chunk;
}

/* Enough to see the first line, for detection. */
#define DETECT_BYTES 4096

/* Decode the first bytes of the input into out (CHUNK bytes): at least
 * its first non-blank line or DETECT_BYTES, unless it ends sooner.
 * Returns the count, or -1 for an error before any data. */
static gssize
source_decode_first (Source *source, char *out)
{
  gsize have = 0;
  while (have < DETECT_BYTES)
    {
      gssize n = source_decode (source, (guint8 *) out + have, CHUNK - have);
      if (n <= 0)
        return have > 0 || n == 0 ? (gssize) have : -1;
      have += (gsize) n;
      if (source->error != NULL)
        break;
      gboolean text_seen = FALSE;
      for (gsize i = 0; i < have; i++)
        if (out[i] == '\n' && text_seen)
          return (gssize) have;
        else if (!g_ascii_isspace (out[i]))
          text_seen = TRUE;
    }
  return (gssize) have;
}

/* Text and CloudWatch export inputs: the bytes as they are.  Returns the
 * chunk to go on with (empty), or NULL if the reader is gone. */
static Chunk *
source_run_text (Source *source, Chunk *chunk, gssize n)
{
  while (n > 0)
    {
      chunk->len = (gsize) n;
      source->last_byte = chunk->data[n - 1];
      g_async_queue_push (source->full, chunk);
      if ((chunk = source_take_chunk (source)) == NULL)
        return NULL;
      /* After data that came with an error, the error. */
      n = source->error != NULL ? -1 : source_decode (source, (guint8 *) chunk->data, CHUNK);
    }
  return chunk;
}

/* The decoder's items become entries of the output chunk. */
static gboolean
source_item (VpcItemKind kind, const char *text, gsize len, guint64 line, gpointer data)
{
  Source *source = data;
  static const char too_long[] = "log event message longer than 256 KiB";
  if (len > CHUNK)
    {
      if (kind == VPC_ITEM_RECORD)
        {
          kind = VPC_ITEM_MALFORMED;
          text = too_long;
          len = sizeof too_long - 1;
        }
      else
        len = CHUNK;
    }
  Chunk *out = source->out;
  if (out->len + len > CHUNK || out->entries->len >= MAX_ENTRIES)
    {
      g_async_queue_push (source->full, out);
      source->out = out = source_take_chunk (source);
      if (out == NULL)
        return FALSE;
    }
  Entry entry = { kind, (guint32) len, out->len, line };
  memcpy (out->data + out->len, text, len);
  out->len += len;
  g_array_append_val (out->entries, entry);
  return TRUE;
}

/* Hand the entries decoded so far over; FALSE if the reader is gone. */
static gboolean
source_hand_over (Source *source)
{
  g_async_queue_push (source->full, source->out);
  source->out = source_take_chunk (source);
  return source->out != NULL;
}

/* JSON and base64 inputs: decoded into entries.  chunk holds the first n
 * decoded bytes.  Returns the chunk to go on with (it may hold entries),
 * or NULL if the reader is gone. */
static Chunk *
source_run_decoder (Source *source, VpcContainer container, Chunk *chunk, gssize n)
{
  g_autofree char *in = chunk->data; /* the chunk becomes the first output */
  chunk->data = g_malloc (CHUNK);
  source->out = chunk;
  g_autoptr (VpcDecoder) decoder = vpc_decoder_new (container, source_item, source);
  gboolean go = TRUE;
  while (n > 0)
    {
      go = vpc_decoder_feed (decoder, in, (gsize) n);
      if (!go || source->error != NULL)
        break;
      if (source->live && source->out->entries->len > 0 && !source_hand_over (source))
        return NULL;
      n = source_decode (source, (guint8 *) in, CHUNK);
    }
  if (go && n == 0 && source->error == NULL)
    go = vpc_decoder_finish (decoder);
  if (!go)
    return NULL; /* the reader is gone */
  return g_steal_pointer (&source->out);
}

/* The followed path names a new file: end the last line of this one, and
 * open that.  Returns the chunk to go on with, or NULL if the reader is
 * gone; source->error is set if the new file cannot be opened. */
static Chunk *
source_next_file (Source *source, Chunk *chunk)
{
  if (chunk->len == 0 && source->last_byte != '\n' && source->last_byte != '\0')
    {
      chunk->data[0] = '\n';
      chunk->len = 1;
    }
  if (chunk->len > 0)
    {
      g_async_queue_push (source->full, chunk);
      if ((chunk = source_take_chunk (source)) == NULL)
        return NULL;
    }
  int fd = open (source->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (&source->error, VPC_ERROR, VPC_ERROR_IO, "%s: cannot open it again: %s",
                   source->name, g_strerror (saved));
      return chunk;
    }
  close (source->fd);
  source->fd = fd;
  source->rotated = FALSE;
  source->in_eof = FALSE;
  source->member_done = FALSE;
  source->last_byte = '\0';
  g_atomic_int_inc (&source->rotations);
  return chunk;
}

static gpointer
source_thread (gpointer data)
{
  Source *source = data;
  Chunk *chunk = source_take_chunk (source);
  while (chunk != NULL)
    {
      gboolean ok = source_detect (source);
      g_atomic_int_set (&source->compressed, source->gzip);
      gssize n = ok ? source_decode_first (source, chunk->data) : -1;
      VpcContainer container = (VpcContainer) source->container;
      if (container == VPC_CONTAINER_AUTO)
        container = vpc_container_detect (chunk->data, n > 0 ? (gsize) n : 0);
      g_atomic_int_set (&source->container, (gint) container);
      if (container == VPC_CONTAINER_JSON || container == VPC_CONTAINER_BASE64)
        chunk = source_run_decoder (source, container, chunk, n);
      else
        chunk = source_run_text (source, chunk, n);
      if (chunk == NULL || !source->rotated || source->error != NULL)
        break;
      chunk = source_next_file (source, chunk);
      if (source->error != NULL)
        break;
    }
  if (chunk != NULL)
    {
      chunk->last = TRUE;
      g_async_queue_push (source->full, chunk);
    }
  source_unref (source);
  return NULL;
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
  source->path = g_strdup (path);
  source->follow = (flags & VPC_READER_FOLLOW) && !is_stdin;
  source->live = (flags & VPC_READER_LIVE) != 0;
  source->container = (gint) container;
  source->full = g_async_queue_new_full (chunk_free);
  source->empty = g_async_queue_new_full (chunk_free);
  for (int i = 0; i < CHUNKS; i++)
    g_async_queue_push (source->empty, chunk_new ());

  VpcReader *reader = g_new0 (VpcReader, 1);
  reader->name = g_strdup (source->name);
  reader->flags = flags;
  reader->container = VPC_CONTAINER_AUTO;
  reader->stream = g_string_new (NULL);
  if (!is_stdin)
    {
      /* CloudWatch export objects are <task>/<stream>/000000.gz. */
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *base = g_path_get_basename (dir);
      if (strcmp (base, ".") != 0 && strcmp (base, G_DIR_SEPARATOR_S) != 0)
        reader->dir_stream = g_strndup (base, vpc_stream_interface_id_length (base, strlen (base)));
    }
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
  if (reader->current != NULL)
    {
      if (reader->current->last)
        reader->eof = TRUE;
      chunk_recycle (source, g_steal_pointer (&reader->current));
    }
  while ((chunk = g_async_queue_try_pop (source->full)) != NULL)
    {
      if (chunk->last)
        reader->eof = TRUE;
      chunk_recycle (source, chunk);
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
  g_free (reader->dir_stream);
  g_string_free (reader->stream, TRUE);
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

/* How long a live reader waits for a chunk before saying VPC_ERROR_AGAIN. */
#define LIVE_WAIT_US 250000

/* The next chunk from the source; NULL (VPC_ERROR_AGAIN) if the reader is
 * live and none came. */
static Chunk *
reader_take_chunk (VpcReader *reader, GError **error)
{
  GAsyncQueue *full = reader->source->full;
  if (!(reader->flags & VPC_READER_LIVE))
    return g_async_queue_pop (full);
  Chunk *chunk = reader->waited ? g_async_queue_timeout_pop (full, LIVE_WAIT_US)
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
  Source *source = reader->source;
  Chunk *chunk = reader_take_chunk (reader, error);
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
      chunk_recycle (source, chunk);
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
  chunk_recycle (source, chunk);
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
  Source *source = reader->source;
  for (;;)
    {
      Chunk *chunk = reader->current;
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
          chunk_recycle (source, chunk);
          continue;
        }
      const Entry *entry = &g_array_index (chunk->entries, Entry, reader->entry++);
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
