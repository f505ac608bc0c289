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

/* Names are kept absolute, survive a reopening, and are written once. */
static void
test_remembered_across_runs (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  g_autofree char *a = g_build_filename (f->dir, "a.log", NULL);
  {
    g_autoptr (VpcState) state = vpc_state_open (f->path, &error);
    g_assert_no_error (error);
    g_assert_false (vpc_state_contains (state, a));
    g_assert_true (vpc_state_add (state, a, &error));
    g_assert_true (vpc_state_add (state, a, &error));
    g_assert_no_error (error);
    g_assert_true (vpc_state_contains (state, a));
  }
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (f->path, &text, NULL, NULL));
  g_autofree char *expected = g_strconcat (a, "\n", NULL);
  g_assert_cmpstr (text, ==, expected);

  g_autoptr (VpcState) again = vpc_state_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (vpc_state_contains (again, a));
  /* The same file named another way. */
  g_autofree char *dotted = g_build_filename (f->dir, ".", "x", "..", "a.log", NULL);
  g_assert_true (vpc_state_contains (again, dotted));
  g_autofree char *b = g_build_filename (f->dir, "b.log", NULL);
  g_assert_false (vpc_state_contains (again, b));
}

/* A name a crash cut short is not a name; the next one starts on its own line. */
static void
test_torn_last_line (Fixture *f, gconstpointer data)
{
  GError *error = NULL;
  g_autofree char *a = g_build_filename (f->dir, "a.log", NULL);
  g_autofree char *b = g_build_filename (f->dir, "b.log", NULL);
  g_autofree char *torn = g_strdup_printf ("%s\n%s", a, b);
  torn[strlen (torn) - 2] = '\0'; /* "…/b.l" without a newline */
  g_assert_true (g_file_set_contents (f->path, torn, -1, NULL));
  {
    g_autoptr (VpcState) state = vpc_state_open (f->path, &error);
    g_assert_no_error (error);
    g_assert_true (vpc_state_contains (state, a));
    g_assert_false (vpc_state_contains (state, b));
    g_assert_true (vpc_state_add (state, b, &error));
  }
  g_autoptr (VpcState) again = vpc_state_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (vpc_state_contains (again, a));
  g_assert_true (vpc_state_contains (again, b));
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
  const char text[] = "/data/a.log\n\n/data/b.log\n/data/cut";
  g_autoptr (VpcState) state = vpc_state_new_from_text (text, sizeof text - 1);
  g_assert_true (vpc_state_contains (state, "/data/a.log"));
  g_assert_true (vpc_state_contains (state, "/data/b.log"));
  g_assert_false (vpc_state_contains (state, "/data/cut"));
  GError *error = NULL;
  g_assert_true (vpc_state_add (state, "/data/cut", &error));
  g_assert_no_error (error);
  g_assert_true (vpc_state_contains (state, "/data/cut"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/state/remembered-across-runs", Fixture, NULL, fixture_set_up,
              test_remembered_across_runs, fixture_tear_down);
  g_test_add ("/state/torn-last-line", Fixture, NULL, fixture_set_up, test_torn_last_line,
              fixture_tear_down);
  g_test_add_func ("/state/unwritable", test_unwritable);
  g_test_add_func ("/state/from-text", test_from_text);
  return g_test_run ();
}
