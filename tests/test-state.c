/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for state.c: the --state file of completed inputs. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "input/state.h"

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  f->dir = g_dir_make_tmp ("vpc-state-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "done.txt", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_unlink (f->path);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static const VpcFileIdentity one = { 100, G_GINT64_CONSTANT (1700000000123456789) };
static const VpcFileIdentity other = { 101, G_GINT64_CONSTANT (1700000000123456789) };

/* Names are kept absolute with their identity, survive a reopening, and
 * are written once, one line each. */
static void
test_remembered_across_runs (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  g_autofree char *a = g_build_filename (f->dir, "a.log", NULL);
  {
    g_autoptr (VpcState) state = vpc_state_open (f->path, &error);
    g_assert_no_error (error);
    g_assert_false (vpc_state_contains (state, a, &one));
    g_assert_true (vpc_state_add (state, a, &one, &error));
    g_assert_true (vpc_state_add (state, a, &one, &error));
    g_assert_no_error (error);
    g_assert_true (vpc_state_contains (state, a, &one));
  }
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (f->path, &text, NULL, NULL));
  g_autofree char *expected = g_strconcat ("100 1700000000.123456789 ", a, "\n", NULL);
  g_assert_cmpstr (text, ==, expected);

  g_autoptr (VpcState) again = vpc_state_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (vpc_state_contains (again, a, &one));
  /* The same file named another way. */
  g_autofree char *dotted = g_build_filename (f->dir, ".", "x", "..", "a.log", NULL);
  g_assert_true (vpc_state_contains (again, dotted, &one));
  g_autofree char *b = g_build_filename (f->dir, "b.log", NULL);
  g_assert_false (vpc_state_contains (again, b, &one));
}

/* A new copy under the same name (another size or time) is not done. */
static void
test_identity (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  g_autofree char *a = g_build_filename (f->dir, "a.log", NULL);
  VpcFileIdentity later = one;
  later.mtime_ns += 1;
  {
    g_autoptr (VpcState) state = vpc_state_open (f->path, &error);
    g_assert_no_error (error);
    g_assert_true (vpc_state_add (state, a, &one, &error));
    g_assert_false (vpc_state_contains (state, a, &other));
    g_assert_false (vpc_state_contains (state, a, &later));
    g_assert_true (vpc_state_add (state, a, &other, &error));
  }
  g_autoptr (VpcState) again = vpc_state_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (vpc_state_contains (again, a, &one));
  g_assert_true (vpc_state_contains (again, a, &other));
  g_assert_false (vpc_state_contains (again, a, &later));
}

/* Names with a newline or backslash survive the line format. */
static void
test_odd_names (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  g_autofree char *odd = g_build_filename (f->dir, "a\nb\\n c.log", NULL);
  {
    g_autoptr (VpcState) state = vpc_state_open (f->path, &error);
    g_assert_no_error (error);
    g_assert_true (vpc_state_add (state, odd, &one, &error));
  }
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (f->path, &text, NULL, NULL));
  g_assert_cmpint (strchr (text, '\n') - text, ==, (gssize) strlen (text) - 1);
  g_autoptr (VpcState) again = vpc_state_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (vpc_state_contains (again, odd, &one));
}

/* Remote objects are named by their URL as it is, and read back. */
static void
test_remote_names (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  const char *url = "s3://flow-logs/AWSLogs/1/x y.log.gz";
  {
    g_autoptr (VpcState) state = vpc_state_open (f->path, &error);
    g_assert_no_error (error);
    g_assert_true (vpc_state_add (state, url, &one, &error));
    g_assert_no_error (error);
  }
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (f->path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "100 1700000000.123456789 s3://flow-logs/AWSLogs/1/x y.log.gz\n");
  g_autoptr (VpcState) again = vpc_state_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (vpc_state_contains (again, url, &one));
  g_assert_false (vpc_state_contains (again, url, &other));
  g_assert_false (vpc_state_contains (again, "s3://flow-logs/AWSLogs/1/x", &one));
  g_autofree char *reread = NULL;
  g_assert_true (g_file_get_contents (f->path, &reread, NULL, NULL));
  g_assert_cmpstr (reread, ==, text); /* kept, not dropped as a torn line */
  /* The last identity recorded under a name: a cursor. */
  VpcFileIdentity latest;
  g_assert_true (vpc_state_latest (again, url, &latest));
  g_assert_true (vpc_file_identity_equal (&latest, &one));
  g_assert_true (vpc_state_add (again, url, &other, &error));
  g_assert_true (vpc_state_latest (again, url, &latest));
  g_assert_true (vpc_file_identity_equal (&latest, &other));
  g_assert_false (vpc_state_latest (again, "s3://flow-logs/none", &latest));
}

/* A name a crash cut short is not a name, and is dropped; the next one
 * starts on its own line; blank lines never accumulate. */
static void
test_torn_last_line (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  g_autofree char *a = g_build_filename (f->dir, "a.log", NULL);
  g_autofree char *b = g_build_filename (f->dir, "b.log", NULL);
  g_autofree char *torn = g_strdup_printf ("100 1700000000.123456789 %s\n\n\n"
                                           "100 1700000000.123456789 %s",
                                           a, b);
  torn[strlen (torn) - 2] = '\0'; /* "…/b.l" without a newline */
  g_assert_true (g_file_set_contents (f->path, torn, -1, NULL));
  for (int run = 0; run < 3; run++)
    {
      g_autoptr (VpcState) state = vpc_state_open (f->path, &error);
      g_assert_no_error (error);
      g_assert_true (vpc_state_contains (state, a, &one));
      if (run == 0)
        {
          g_assert_false (vpc_state_contains (state, b, &one));
          g_assert_true (vpc_state_add (state, b, &one, &error));
        }
      g_assert_true (vpc_state_contains (state, b, &one));
    }
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (f->path, &text, NULL, NULL));
  g_assert_null (strstr (text, "\n\n"));
  g_assert_null (strstr (text, "b.l\n"));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3); /* two lines and the empty tail */
}

/* A state file of an older version (absolute names only) still marks
 * those names done, whatever their content; new entries are added with
 * their identity. */
static void
test_old_format (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  g_autofree char *a = g_build_filename (f->dir, "a.log", NULL);
  g_autofree char *b = g_build_filename (f->dir, "b.log", NULL);
  g_autofree char *old = g_strconcat (a, "\n", NULL);
  g_assert_true (g_file_set_contents (f->path, old, -1, NULL));
  {
    g_autoptr (VpcState) state = vpc_state_open (f->path, &error);
    g_assert_no_error (error);
    g_assert_true (vpc_state_contains (state, a, &one));
    g_assert_true (vpc_state_contains (state, a, &other));
    g_assert_false (vpc_state_contains (state, b, &one));
    g_assert_true (vpc_state_add (state, b, &one, &error));
  }
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (f->path, &text, NULL, NULL));
  g_autofree char *expected = g_strconcat (a, "\n100 1700000000.123456789 ", b, "\n", NULL);
  g_assert_cmpstr (text, ==, expected);
}

static void
test_unwritable (void)
{
  GError *error = NULL;
  VpcState *state = vpc_state_open ("/nonexistent-dir/done.txt", &error);
  g_assert_null (state);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/nonexistent-dir/done.txt"));
  g_error_free (error);
}

/* A state from text (the fuzz target's entry): whole lines only, additions in memory. */
static void
test_from_text (void)
{
  /* Old name-only lines, a blank line, an entry with its identity, a torn line. */
  const char text[] = "/data/a.log\n\n/data/b.log\n12 1700000000.000000005 /data/c.log\n/data/cut";
  g_autoptr (VpcState) state = vpc_state_new_from_text (text, sizeof text - 1);
  VpcFileIdentity any = { 0 }, c = { 0 };
  c.size = 12;
  c.mtime_ns = G_GINT64_CONSTANT (1700000000000000005);
  g_assert_true (vpc_state_contains (state, "/data/a.log", &any));
  g_assert_true (vpc_state_contains (state, "/data/b.log", &any));
  g_assert_true (vpc_state_contains (state, "/data/c.log", &c));
  g_assert_false (vpc_state_contains (state, "/data/c.log", &any));
  g_assert_false (vpc_state_contains (state, "/data/cut", &any));
  GError *error = NULL;
  g_assert_true (vpc_state_add (state, "/data/cut", &any, &error));
  g_assert_no_error (error);
  g_assert_true (vpc_state_contains (state, "/data/cut", &any));
}

/* Lines added unsynced reach the file, all at once, at vpc_state_sync()
 * (one sync for the inputs delivered together). */
static void
test_unsynced_batch (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  g_autofree char *a = g_build_filename (f->dir, "a.log", NULL);
  g_autofree char *b = g_build_filename (f->dir, "b.log", NULL);
  g_autoptr (VpcState) state = vpc_state_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (vpc_state_add_unsynced (state, a, &one, &error));
  g_assert_true (vpc_state_add_unsynced (state, b, &other, &error));
  g_assert_true (vpc_state_add_unsynced (state, a, &one, &error)); /* once */
  g_assert_no_error (error);
  g_assert_true (vpc_state_contains (state, b, &other));
  g_autofree char *before = NULL;
  g_assert_true (g_file_get_contents (f->path, &before, NULL, NULL));
  g_assert_cmpstr (before, ==, "");
  g_assert_true (vpc_state_sync (state, &error));
  g_assert_no_error (error);
  g_assert_true (vpc_state_sync (state, &error)); /* nothing left: nothing written */
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (f->path, &text, NULL, NULL));
  g_autofree char *expected = g_strconcat ("100 1700000000.123456789 ", a, "\n",
                                           "101 1700000000.123456789 ", b, "\n", NULL);
  g_assert_cmpstr (text, ==, expected);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/state/remembered-across-runs", Fixture, NULL, fixture_set_up,
              test_remembered_across_runs, fixture_tear_down);
  g_test_add ("/state/identity", Fixture, NULL, fixture_set_up, test_identity,
              fixture_tear_down);
  g_test_add ("/state/remote-names", Fixture, NULL, fixture_set_up, test_remote_names,
              fixture_tear_down);
  g_test_add ("/state/odd-names", Fixture, NULL, fixture_set_up, test_odd_names,
              fixture_tear_down);
  g_test_add ("/state/old-format", Fixture, NULL, fixture_set_up, test_old_format,
              fixture_tear_down);
  g_test_add ("/state/torn-last-line", Fixture, NULL, fixture_set_up, test_torn_last_line,
              fixture_tear_down);
  g_test_add ("/state/unsynced-batch", Fixture, NULL, fixture_set_up, test_unsynced_batch,
              fixture_tear_down);
  g_test_add_func ("/state/unwritable", test_unwritable);
  g_test_add_func ("/state/from-text", test_from_text);
  return g_test_run ();
}
