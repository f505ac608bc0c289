/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPFIX files in time bins (-o 'flows-%Y%m%d%H%M.ipfix' --rotate 300): each bin's file committed atomically when the bin ends. */
#include "config.h"

#include "output-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sink.h"

/* libfixbuf's file exporter writes messages of up to this size. */
#define FILE_MESSAGE_MAX 65496

typedef struct {
  VpcOutput base;
  char *pattern;
  gint64 seconds;
  gint64 bin_end;    /* real time (s) the open bin ends; the file is open while > 0 */
  gint64 bin_start;
  VpcSink *sink;     /* writes in the background; its FILE owns fd */
  FILE *fp;
  int fd;
  char *tmp_path;    /* the open bin's temporary name */
  gboolean started;  /* a first file was opened: later ones start with the templates */
  guint64 marked;    /* the last mark: delivered when the open bin is committed */
  guint files;       /* committed */
} RotateOutput;

static gboolean
rotate_error (RotateOutput *self, const char *what, const char *path, GError **error)
{
  int saved = errno;
  g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s %s: %s", self->pattern, what, path,
               g_strerror (saved));
  return FALSE;
}

/* The bin's name: the pattern for its start (local time). */
static char *
rotate_bin_name (RotateOutput *self, GError **error)
{
  time_t start = (time_t) self->bin_start;
  struct tm tm;
  char name[4096];
  if (localtime_r (&start, &tm) == NULL)
    memset (&tm, 0, sizeof tm);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  gsize len = strftime (name, sizeof name, self->pattern, &tm); /* the user's pattern */
#pragma GCC diagnostic pop
  if (len == 0)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: cannot make a file name of it",
                   self->pattern);
      return NULL;
    }
  return g_strdup (name);
}

/* name, or name with "-N" before its extension: the first that does not
 * exist yet.  Made by link(), which never replaces a file. */
static gboolean
rotate_link (RotateOutput *self, const char *name, GError **error)
{
  g_autofree char *base = g_path_get_basename (name);
  const char *dot = strrchr (base, '.');
  gsize stem = dot != NULL && dot != base ? (gsize) (dot - base) : strlen (base);
  gsize dir_len = strlen (name) - strlen (base);
  for (guint n = 0; n < 10000; n++)
    {
      g_autofree char *candidate
          = n == 0 ? g_strdup (name)
                   : g_strdup_printf ("%.*s%.*s-%u%s", (int) dir_len, name, (int) stem, base, n,
                                      base + stem);
      if (link (self->tmp_path, candidate) == 0)
        return unlink (self->tmp_path) == 0 || rotate_error (self, "cannot remove", self->tmp_path, error);
      if (errno == EEXIST)
        continue;
      if (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP)
        {
          /* No hard links here: rename, having looked first. */
          if (access (candidate, F_OK) == 0)
            continue;
          if (rename (self->tmp_path, candidate) == 0)
            return TRUE;
        }
      return rotate_error (self, "cannot commit", candidate, error);
    }
  errno = EEXIST;
  return rotate_error (self, "cannot commit", name, error);
}

/* The open bin's file: written out, synced, and under its final name. */
static gboolean
rotate_commit (RotateOutput *self, GError **error)
{
  if (self->bin_end == 0)
    return TRUE;
  g_autofree char *name = rotate_bin_name (self, error);
  if (name == NULL || !vpc_sink_finish (self->sink, error))
    return FALSE;
  if (fsync (self->fd) != 0 && errno != EINVAL)
    return rotate_error (self, "cannot sync", self->tmp_path, error);
  mode_t mask = umask (0);
  umask (mask);
  if (fchmod (self->fd, 0666 & ~mask) != 0)
    return rotate_error (self, "cannot set the mode of", self->tmp_path, error);
  FILE *fp = g_steal_pointer (&self->fp);
  int closed = fclose (fp); /* frees nothing of the sink but its FILE */
  g_clear_pointer (&self->sink, vpc_sink_free);
  if (closed != 0)
    return rotate_error (self, "cannot close", self->tmp_path, error);
  if (!rotate_link (self, name, error))
    return FALSE;
  /* The directory entry too, so that the commit survives a crash. */
  g_autofree char *dir = g_path_get_dirname (name);
  int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0)
    {
      fsync (dfd);
      close (dfd);
    }
  g_clear_pointer (&self->tmp_path, g_free);
  self->bin_end = 0;
  self->files++;
  vpc_output_set_delivered (&self->base, self->marked);
  return TRUE;
}

/* Open the file of the bin holding now, under a temporary name. */
static gboolean
rotate_open (RotateOutput *self, gint64 now, guint32 sequence, GError **error)
{
  self->bin_start = now - now % self->seconds;
  g_autofree char *name = rotate_bin_name (self, error);
  if (name == NULL)
    return FALSE;
  g_autofree char *dir = g_path_get_dirname (name);
  g_autofree char *base = g_path_get_basename (name);
  char *tmp_path = g_strdup_printf ("%s/.%s.XXXXXX.partial", dir, base);
  int fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      g_free (tmp_path);
      errno = errno != 0 ? errno : EIO;
      return rotate_error (self, "cannot create", name, error);
    }
  self->tmp_path = tmp_path;
  self->fd = fd;
  self->sink = vpc_sink_new (fd, name, TRUE);
  self->fp = vpc_sink_get_file (self->sink);
  self->bin_end = self->bin_start + self->seconds;
  if (!self->started)
    {
      self->started = TRUE; /* the stream's first messages carry the templates */
      return TRUE;
    }
  g_autoptr (GPtrArray) templates = vpc_output_template_messages (&self->base, sequence, error);
  if (templates == NULL)
    return FALSE;
  for (guint i = 0; i < templates->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (templates->pdata[i], &len);
      if (fwrite (data, 1, len, self->fp) != len)
        return rotate_error (self, "cannot write", self->tmp_path, error);
      vpc_output_count (&self->base, &self->base.stats.template_messages, 1);
    }
  return TRUE;
}

static gint64
rotate_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
rotate_send (VpcOutput *output, const guint8 *message, gsize len, guint records, GError **error)
{
  RotateOutput *self = (RotateOutput *) output;
  gint64 now = rotate_now ();
  if (self->bin_end != 0 && now >= self->bin_end && !rotate_commit (self, error))
    return FALSE;
  if (self->bin_end == 0 && !rotate_open (self, now, vpc_message_get_sequence (message), error))
    return FALSE;
  if (fwrite (message, 1, len, self->fp) != len)
    {
      int saved = errno;
      if (!vpc_sink_finish (self->sink, error))
        return FALSE;
      errno = saved;
      return rotate_error (self, "cannot write", self->tmp_path, error);
    }
  vpc_output_count_message (output, len, records);
  return TRUE;
}

/* A bin that ended is committed even when nothing more comes. */
static gboolean
rotate_idle (VpcOutput *output, GError **error)
{
  RotateOutput *self = (RotateOutput *) output;
  if (self->bin_end != 0 && rotate_now () >= self->bin_end)
    return rotate_commit (self, error);
  return TRUE;
}

static void
rotate_mark (VpcOutput *output, guint64 mark)
{
  RotateOutput *self = (RotateOutput *) output;
  self->marked = mark;
  if (self->bin_end == 0)
    vpc_output_set_delivered (output, mark); /* nothing of it waits in an open bin */
}

static gboolean
rotate_finish (VpcOutput *output, GError **error)
{
  return rotate_commit ((RotateOutput *) output, error);
}

static void
rotate_destroy (VpcOutput *output)
{
  RotateOutput *self = (RotateOutput *) output;
  if (self->fp != NULL)
    fclose (self->fp); /* finishes the sink; closes fd */
  vpc_sink_free (self->sink);
  if (self->tmp_path != NULL)
    unlink (self->tmp_path); /* a bin not committed */
  g_free (self->tmp_path);
  g_free (self->pattern);
}

static const VpcOutputClass rotate_class = {
  .send = rotate_send,
  .idle = rotate_idle,
  .finish = rotate_finish,
  .mark = rotate_mark,
  .destroy = rotate_destroy,
};

VpcOutput *
vpc_output_new_rotating (const char *pattern, guint seconds, GError **error)
{
  g_assert (seconds > 0);
  RotateOutput *self = g_new0 (RotateOutput, 1);
  vpc_output_init (&self->base, &rotate_class, "file", pattern, FILE_MESSAGE_MAX);
  self->pattern = g_strdup (pattern);
  self->seconds = seconds;
  self->fd = -1;
  /* The directory must take files now, not at the first bin's end. */
  g_autofree char *dir = g_path_get_dirname (pattern);
  if (strchr (dir, '%') == NULL && access (dir, W_OK | X_OK) != 0)
    {
      int saved = errno;
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: cannot create output in %s: %s",
                   pattern, dir, g_strerror (saved));
      vpc_output_free (&self->base);
      return NULL;
    }
  return &self->base;
}
