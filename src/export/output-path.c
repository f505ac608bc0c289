/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output file paths: refuse what cannot take a file, write devices and FIFOs directly, replace files atomically where they really are. */
#include "config.h"

#include "output-path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* What is at path (symbolic links followed), as the one place deciding
 * how it is written.  FALSE with error for what cannot be written; *exists
 * FALSE if nothing is there yet. */
static gboolean
output_path_stat (const char *path, struct stat *st, gboolean *exists, GError **error)
{
  *exists = FALSE;
  if (stat (path, st) != 0)
    {
      int saved = errno;
      struct stat link_st;
      if (saved == ENOENT && lstat (path, &link_st) == 0 && S_ISLNK (link_st.st_mode))
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                       "%s: a symbolic link to a file that does not exist", path);
          return FALSE;
        }
      if (saved == ENOENT)
        return TRUE; /* created; a missing directory is reported then */
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", path, g_strerror (saved));
      return FALSE;
    }
  *exists = TRUE;
  if (S_ISDIR (st->st_mode))
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                   "%s: is a directory, not a file", path);
      return FALSE;
    }
  if (!S_ISREG (st->st_mode) && !S_ISCHR (st->st_mode) && !S_ISFIFO (st->st_mode))
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                   "%s: not a regular file, character device or FIFO", path);
      return FALSE;
    }
  return TRUE;
}

gboolean
vpc_output_path_check (const char *path, GError **error)
{
  struct stat st;
  gboolean exists;
  return output_path_stat (path, &st, &exists, error);
}

/* A character device or FIFO, written as it is. */
static int
output_path_open_direct (const char *path, GError **error)
{
  /* SIGINT and SIGTERM interrupt the wait for a FIFO's reader (EINTR). */
  int fd = open (path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    {
      int saved = errno;
      if (saved == EINTR)
        g_set_error (error, VPC_ERROR, VPC_ERROR_INTERRUPTED,
                     "%s: interrupted while waiting for a reader", path);
      else
        g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: cannot open output: %s", path,
                     g_strerror (saved));
      return -1;
    }
  if (isatty (fd))
    {
      close (fd);
      g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "%s: refusing to write IPFIX to a terminal",
                   path);
      return -1;
    }
  return fd;
}

int
vpc_output_path_open (const char *path, char **final_path, char **tmp_path, GError **error)
{
  *final_path = *tmp_path = NULL;
  struct stat st;
  gboolean exists;
  if (!output_path_stat (path, &st, &exists, error))
    return -1;
  if (exists && (S_ISCHR (st.st_mode) || S_ISFIFO (st.st_mode)))
    return output_path_open_direct (path, error);

  /* A file: replaced where it really is (a symbolic link's target, in its
   * own directory, so that the rename is atomic and the link stays). */
  g_autofree char *target = NULL;
  if (exists)
    {
      char *resolved = realpath (path, NULL);
      if (resolved == NULL)
        {
          int saved = errno;
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", path, g_strerror (saved));
          return -1;
        }
      target = g_strdup (resolved);
      free (resolved);
    }
  else
    target = g_strdup (path);
  g_autofree char *dir = g_path_get_dirname (target);
  g_autofree char *base = g_path_get_basename (target);
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.XXXXXX.partial", dir, base);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: cannot create output: %s", path,
                   g_strerror (saved));
      return -1;
    }
  *final_path = g_steal_pointer (&target);
  *tmp_path = g_steal_pointer (&tmp);
  return fd;
}

gboolean
vpc_output_path_write (const char *path, const char *data, gsize len, GError **error)
{
  g_autofree char *final_path = NULL;
  g_autofree char *tmp_path = NULL;
  int fd = vpc_output_path_open (path, &final_path, &tmp_path, error);
  if (fd < 0)
    return FALSE;
  const char *what = "write error";
  gboolean ok = TRUE;
  for (gsize done = 0; ok && done < len;)
    {
      gssize n = write (fd, data + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      ok = n > 0;
      done += ok ? (gsize) n : 0;
    }
  if (ok && tmp_path != NULL)
    {
      mode_t mask = umask (0);
      umask (mask);
      ok = fsync (fd) == 0 && fchmod (fd, 0666 & ~mask) == 0;
    }
  int saved = errno;
  if (close (fd) != 0 && ok)
    {
      ok = FALSE;
      saved = errno;
    }
  if (ok && tmp_path != NULL && rename (tmp_path, final_path) != 0)
    {
      ok = FALSE;
      saved = errno;
      what = "cannot rename the temporary file onto it";
    }
  if (!ok)
    {
      if (tmp_path != NULL)
        unlink (tmp_path);
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s: %s", path, what, g_strerror (saved));
    }
  return ok;
}
