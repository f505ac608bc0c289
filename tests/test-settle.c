/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for settle.c: when a file of a watched directory is complete. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "input/settle.h"

typedef struct {
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  f->dir = g_dir_make_tmp ("vpc-settle-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* "hello\n" gzipped twice (two members). */
static const guint8 member[] = { 0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
                                 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0xe7, 0x02, 0x00, 0x20, 0x30,
                                 0x3a, 0x36, 0x06, 0x00, 0x00, 0x00 };

static char *
write_file (Fixture *f, const char *name, const void *data, gsize len)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
  return path;
}

static void
test_gzip_completeness (Fixture *f, gconstpointer data)
{
  g_autofree char *whole = write_file (f, "whole.gz", member, sizeof member);
  g_assert_cmpint (vpc_gzip_completeness (whole), ==, VPC_GZIP_COMPLETE);
  guint8 two[sizeof member * 2];
  memcpy (two, member, sizeof member);
  memcpy (two + sizeof member, member, sizeof member);
  g_autofree char *both = write_file (f, "two.gz", two, sizeof two);
  g_assert_cmpint (vpc_gzip_completeness (both), ==, VPC_GZIP_COMPLETE);
  /* Cut anywhere, in the first or the second member: not yet. */
  for (gsize cut = 2; cut < sizeof two; cut++)
    {
      if (cut == sizeof member)
        continue; /* a complete first member: complete as far as it goes */
      g_autofree char *part = write_file (f, "part.gz", two, cut);
      g_assert_cmpint (vpc_gzip_completeness (part), ==, VPC_GZIP_INCOMPLETE);
    }
  g_autofree char *text = write_file (f, "a.log", "hello\n", 6);
  g_assert_cmpint (vpc_gzip_completeness (text), ==, VPC_GZIP_NOT_GZIP);
  guint8 bad[sizeof member];
  memcpy (bad, member, sizeof member);
  bad[sizeof member - 5] ^= 0xff; /* the CRC */
  g_autofree char *corrupt = write_file (f, "bad.gz", bad, sizeof bad);
  g_assert_cmpint (vpc_gzip_completeness (corrupt), ==, VPC_GZIP_CORRUPT);
}

static void
stat_of (const char *path, struct stat *st)
{
  g_assert_cmpint (g_stat (path, (GStatBuf *) st), ==, 0);
}

/* A text file is ready once unchanged for the settle time (a file already
 * that old when first seen at once); a gzip file when complete. */
static void
test_settle (Fixture *f, gconstpointer data)
{
  g_autoptr (VpcSettle) settle = vpc_settle_new (2 * G_USEC_PER_SEC, NULL);
  g_autofree char *text = write_file (f, "a.log", "one\n", 4);
  struct stat st;
  stat_of (text, &st);
  gint64 mtime_us = (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
  g_assert_false (vpc_settle_ready (settle, text, &st, mtime_us + 500000));
  g_assert_false (vpc_settle_ready (settle, text, &st, mtime_us + 1900000));
  /* It grows: the time starts again. */
  struct stat grown = st;
  grown.st_size += 4;
  g_assert_false (vpc_settle_ready (settle, text, &grown, mtime_us + 2100000));
  g_assert_false (vpc_settle_ready (settle, text, &grown, mtime_us + 4000000));
  g_assert_true (vpc_settle_ready (settle, text, &grown, mtime_us + 4100000));
  vpc_settle_forget (settle, text);
  /* Seen first when already old. */
  g_assert_true (vpc_settle_ready (settle, text, &st, mtime_us + 3000000));

  g_autofree char *part = write_file (f, "b.gz", member, 12);
  stat_of (part, &st);
  mtime_us = (gint64) st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000;
  g_assert_false (vpc_settle_ready (settle, part, &st, mtime_us + 100 * G_USEC_PER_SEC));
  g_free (write_file (f, "b.gz", member, sizeof member));
  stat_of (part, &st);
  st.st_size = sizeof member; /* another signature, whatever the clock's resolution */
  g_assert_true (vpc_settle_ready (settle, part, &st, mtime_us));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/settle/gzip-completeness", Fixture, NULL, fixture_set_up,
              test_gzip_completeness, fixture_tear_down);
  g_test_add ("/settle/settle", Fixture, NULL, fixture_set_up, test_settle, fixture_tear_down);
  return g_test_run ();
}
