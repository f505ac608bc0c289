/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The reader's source thread: read (following a file if asked), inflate with ISA-L, detect the container, decode it into chunks. */
#include "config.h"

#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parquet.h"

VpcChunk *
vpc_chunk_new (void)
{
  VpcChunk *chunk = g_new0 (VpcChunk, 1);
  chunk->data = g_malloc (CHUNK);
  chunk->entries = g_array_new (FALSE, FALSE, sizeof (VpcEntry));
  return chunk;
}

void
vpc_chunk_free (gpointer data)
{
  VpcChunk *chunk = data;
  g_free (chunk->data);
  if (chunk->entries != NULL)
    g_array_unref (chunk->entries);
  g_free (chunk);
}

/* Give a chunk back to the source, empty. */
void
vpc_chunk_recycle (VpcSource *source, VpcChunk *chunk)
{
  chunk->len = 0;
  chunk->last = FALSE;
  if (chunk->entries != NULL)
    g_array_set_size (chunk->entries, 0);
  g_async_queue_push (source->empty, chunk);
}

/* A source with chunks empty chunks to fill. */
static VpcSource *
source_new (int fd, const char *name, const char *path, VpcContainer container,
            gboolean follow, gboolean live, int chunks)
{
  VpcSource *source = g_new0 (VpcSource, 1);
  source->refs = 2; /* the reader and the thread */
  source->fd = fd;
  source->in = g_malloc (IN_CHUNK);
  source->name = g_strdup (name);
  source->path = g_strdup (path);
  source->follow = follow;
  source->live = live;
  source->container = (gint) container;
  source->full = g_async_queue_new_full (vpc_chunk_free);
  source->empty = g_async_queue_new_full (vpc_chunk_free);
  for (int i = 0; i < chunks; i++)
    g_async_queue_push (source->empty, vpc_chunk_new ());
  return source;
}

VpcSource *
vpc_source_new (int fd, const char *name, const char *path, VpcContainer container,
                gboolean follow, gboolean live)
{
  return source_new (fd, name, path, container, follow, live, CHUNKS);
}

VpcSource *
vpc_source_new_memory (const void *data, gsize len, const char *name, VpcContainer container)
{
  /* More chunks are made as they are needed (source_take_chunk). */
  VpcSource *source = source_new (-1, name, name, container, FALSE, FALSE, 1);
  source->mem = data != NULL ? data : (const guint8 *) "";
  source->mem_len = len;
  return source;
}

void
vpc_source_unref (VpcSource *source)
{
  if (!g_atomic_int_dec_and_test (&source->refs))
    return;
  if (source->fd >= 0)
    close (source->fd);
  g_free (source->in);
  g_free (source->mem_owned);
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
source_follow_wait (VpcSource *source)
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

/* At the end of a file not followed: whether it ends there because it
 * shrank below what was read of it (truncated while being read, which
 * sets source->error), rather than because it was read to its end. */
static gboolean
source_truncated (VpcSource *source)
{
  struct stat st;
  if (fstat (source->fd, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;
  off_t offset = lseek (source->fd, 0, SEEK_CUR);
  if (offset <= st.st_size)
    return FALSE;
  g_set_error (&source->error, VPC_ERROR, VPC_ERROR_TRUNCATED,
               "%s: truncated while being read (%jd bytes read, %jd left in the file)",
               source->name, (intmax_t) offset, (intmax_t) st.st_size);
  return TRUE;
}

/* read() into buf, retrying on EINTR; -1 sets source->error.  Following
 * a file, its end waits for more (a truncation is taken as a new start);
 * otherwise a file that shrank below what was read is an error. */
static gssize
source_read_raw (VpcSource *source, void *buf, gsize len)
{
  if (source->mem != NULL)
    {
      gsize n = MIN (len, source->mem_len - source->mem_pos);
      memcpy (buf, source->mem + source->mem_pos, n);
      source->mem_pos += n;
      return (gssize) n;
    }
  for (;;)
    {
      gssize n = read (source->fd, buf, len);
      if (n == 0 && source->follow && source_follow_wait (source))
        continue;
      if (n == 0 && !source->follow && source_truncated (source))
        return -1;
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
source_detect (VpcSource *source)
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
source_decode (VpcSource *source, guint8 *out, gsize len)
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
static VpcChunk *
source_take_chunk (VpcSource *source)
{
  VpcChunk *chunk;
  if (source->mem != NULL) /* nobody else takes chunks: never wait */
    {
      if ((chunk = g_async_queue_try_pop (source->empty)) == NULL)
        chunk = vpc_chunk_new ();
    }
  else
    chunk = g_async_queue_pop (source->empty);
  if (g_atomic_int_get (&source->abandoned))
    {
      vpc_chunk_free (chunk);
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
source_decode_first (VpcSource *source, char *out)
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
static VpcChunk *
source_run_text (VpcSource *source, VpcChunk *chunk, gssize n)
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
  VpcSource *source = data;
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
  VpcChunk *out = source->out;
  if (out->len + len > CHUNK || out->entries->len >= MAX_ENTRIES)
    {
      g_async_queue_push (source->full, out);
      source->out = out = source_take_chunk (source);
      if (out == NULL)
        return FALSE;
    }
  VpcEntry entry = { kind, (guint32) len, out->len, line };
  memcpy (out->data + out->len, text, len);
  out->len += len;
  g_array_append_val (out->entries, entry);
  return TRUE;
}

/* Hand the entries decoded so far over; FALSE if the reader is gone. */
static gboolean
source_hand_over (VpcSource *source)
{
  g_async_queue_push (source->full, source->out);
  source->out = source_take_chunk (source);
  return source->out != NULL;
}

/* JSON and base64 inputs: decoded into entries.  chunk holds the first n
 * decoded bytes.  Returns the chunk to go on with (it may hold entries),
 * or NULL if the reader is gone. */
static VpcChunk *
source_run_decoder (VpcSource *source, VpcContainer container, VpcChunk *chunk, gssize n)
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
static VpcChunk *
source_next_file (VpcSource *source, VpcChunk *chunk)
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

/* A Parquet file ("PAR1" at its start, not gzip-compressed as a whole). */
static gboolean
source_is_parquet (VpcSource *source)
{
  return !source->gzip && source->inflate.avail_in >= 4
         && memcmp (source->in, VPC_PARQUET_MAGIC, 4) == 0;
}

/* A Parquet file: its rows as flow-log text lines (parquet.h), read with
 * pread() (a pipe cannot be read: the footer is at the end).  Returns the
 * chunk to go on with, or NULL if the reader is gone; source->error is set
 * if the file is refused or broken (after the lines read before it). */
static VpcChunk *
source_run_parquet (VpcSource *source, VpcChunk *chunk)
{
  g_atomic_int_set (&source->container, (gint) VPC_CONTAINER_PARQUET);
  g_autoptr (VpcParquet) parquet = vpc_parquet_open (source->fd, source->name, &source->error);
  if (parquet == NULL)
    return chunk;
  g_autoptr (GString) text = g_string_sized_new (CHUNK + 4096);
  gsize done = 0;
  gboolean more = TRUE;
  while (more || done < text->len)
    {
      if (done == text->len)
        {
          g_string_truncate (text, 0);
          done = 0;
          g_autoptr (GError) local = NULL;
          more = vpc_parquet_read_lines (parquet, text, CHUNK, &local);
          if (!more && !g_error_matches (local, VPC_ERROR, VPC_ERROR_EOF))
            source->error = g_steal_pointer (&local);
          continue;
        }
      gsize n = MIN ((gsize) CHUNK, text->len - done);
      memcpy (chunk->data, text->str + done, n);
      done += n;
      chunk->len = n;
      source->last_byte = chunk->data[n - 1];
      g_async_queue_push (source->full, chunk);
      if ((chunk = source_take_chunk (source)) == NULL)
        return NULL;
    }
  return chunk;
}

gpointer
vpc_source_thread (gpointer data)
{
  VpcSource *source = data;
  VpcChunk *chunk = source_take_chunk (source);
  while (chunk != NULL)
    {
      gboolean ok = source_detect (source);
      g_atomic_int_set (&source->compressed, source->gzip);
      if (ok && source_is_parquet (source))
        {
          chunk = source_run_parquet (source, chunk);
          break;
        }
      gssize n = ok ? source_decode_first (source, chunk->data) : -1;
      VpcContainer container = (VpcContainer) source->container;
      if (container == VPC_CONTAINER_AUTO)
        container = vpc_container_detect (chunk->data, n > 0 ? (gsize) n : 0);
      g_atomic_int_set (&source->container, (gint) container);
      if (container == VPC_CONTAINER_IPFIX && source->error == NULL)
        {
          g_set_error (&source->error, VPC_ERROR, VPC_ERROR_IO,
                       "%s: is IPFIX, not flow log records (vpc-report reads IPFIX files; "
                       "vpc2ipfix converts flow logs)",
                       source->name);
          break;
        }
      if (container == VPC_CONTAINER_PARQUET && source->error == NULL)
        {
          g_set_error (&source->error, VPC_ERROR, VPC_ERROR_IO,
                       "%s: is a gzip-compressed Parquet file: Parquet compresses its own "
                       "pages, gunzip it first",
                       source->name);
          break;
        }
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
  vpc_source_unref (source);
  return NULL;
}

