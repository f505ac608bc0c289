/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Watched directories: a file is taken only once it is complete, never while it is being written. */
#include "config.h"

#include "settle.h"

#include <errno.h>
#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <unistd.h>

#define READ_SIZE (128 * 1024)
#define OUT_SIZE (256 * 1024)

/* A gzip file unchanged but incomplete for this long is mentioned (once). */
#define INCOMPLETE_NOTE_US (60 * G_USEC_PER_SEC)

VpcGzipCompleteness
vpc_gzip_completeness (const char *path)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return VPC_GZIP_CORRUPT; /* reading it says why */
  g_autofree guint8 *in = g_malloc (READ_SIZE);
  g_autofree guint8 *out = g_malloc (OUT_SIZE);
  struct inflate_state st;
  isal_inflate_init (&st);
  st.crc_flag = ISAL_GZIP;
  st.avail_in = 0;
  gboolean eof = FALSE, member_done = FALSE, first = TRUE;
  VpcGzipCompleteness result = VPC_GZIP_INCOMPLETE;
  for (;;)
    {
      if (st.avail_in == 0 && !eof)
        {
          ssize_t n = read (fd, in, READ_SIZE);
          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0)
            {
              result = VPC_GZIP_CORRUPT;
              break;
            }
          eof = n == 0;
          st.next_in = in;
          st.avail_in = (uint32_t) n;
          if (first)
            {
              first = FALSE;
              if (n < 2 || in[0] != 0x1f || in[1] != 0x8b)
                {
                  result = VPC_GZIP_NOT_GZIP;
                  break;
                }
            }
        }
      if (member_done)
        {
          if (st.avail_in == 0 && eof)
            {
              result = VPC_GZIP_COMPLETE;
              break;
            }
          if (st.avail_in == 0)
            continue;
          uint8_t *next_in = st.next_in;
          uint32_t avail_in = st.avail_in;
          isal_inflate_reset (&st);
          st.crc_flag = ISAL_GZIP;
          st.next_in = next_in;
          st.avail_in = avail_in;
          member_done = FALSE;
        }
      st.next_out = out;
      st.avail_out = OUT_SIZE;
      int ret = isal_inflate (&st);
      if (ret < 0)
        {
          result = VPC_GZIP_CORRUPT;
          break;
        }
      if (st.block_state == ISAL_BLOCK_FINISH)
        member_done = TRUE;
      else if (eof && st.avail_in == 0 && st.avail_out == OUT_SIZE)
        break; /* nothing more to come: it ends inside a member */
    }
  close (fd);
  return result;
}

typedef struct {
  gint64 size, mtime_ns;
  gint64 since_us;        /* when it was first seen like this */
  VpcGzipCompleteness gzip;
  gboolean checked;       /* gzip holds the answer for this size and time */
  gboolean noted;
} Seen;

struct VpcSettle {
  gint64 settle_us;
  const VpcDiag *diag;
  GHashTable *seen; /* path -> Seen* */
};

VpcSettle *
vpc_settle_new (gint64 settle_us, const VpcDiag *diag)
{
  VpcSettle *settle = g_new0 (VpcSettle, 1);
  settle->settle_us = settle_us;
  settle->diag = diag;
  settle->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return settle;
}

void
vpc_settle_free (VpcSettle *settle)
{
  if (settle == NULL)
    return;
  g_hash_table_unref (settle->seen);
  g_free (settle);
}

gboolean
vpc_settle_ready (VpcSettle *settle, const char *path, const struct stat *st, gint64 now_us)
{
  gint64 mtime_ns = (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000)
                    + st->st_mtim.tv_nsec;
  Seen *seen = g_hash_table_lookup (settle->seen, path);
  if (seen == NULL)
    {
      seen = g_new0 (Seen, 1);
      g_hash_table_insert (settle->seen, g_strdup (path), seen);
      /* Already there, untouched for the settle time: as good as seen that long. */
      seen->since_us = MIN (now_us, mtime_ns / 1000);
      seen->size = st->st_size;
      seen->mtime_ns = mtime_ns;
    }
  else if (seen->size != st->st_size || seen->mtime_ns != mtime_ns)
    {
      seen->size = st->st_size;
      seen->mtime_ns = mtime_ns;
      seen->since_us = now_us;
      seen->checked = FALSE;
      seen->noted = FALSE;
    }
  if (!seen->checked)
    {
      seen->gzip = vpc_gzip_completeness (path);
      seen->checked = TRUE;
    }
  switch (seen->gzip)
    {
    case VPC_GZIP_COMPLETE:
    case VPC_GZIP_CORRUPT:
      return TRUE; /* corrupt: reading it reports the damage */
    case VPC_GZIP_INCOMPLETE:
      if (!seen->noted && now_us - seen->since_us >= INCOMPLETE_NOTE_US)
        {
          seen->noted = TRUE;
          vpc_diag_emit (settle->diag,
                         "%s: the gzip stream ends early and has not changed for %d s: "
                         "waiting for the rest of it",
                         path, (int) (INCOMPLETE_NOTE_US / G_USEC_PER_SEC));
        }
      return FALSE;
    case VPC_GZIP_NOT_GZIP:
    default:
      return now_us - seen->since_us >= settle->settle_us;
    }
}

void
vpc_settle_forget (VpcSettle *settle, const char *path)
{
  g_hash_table_remove (settle->seen, path);
}
