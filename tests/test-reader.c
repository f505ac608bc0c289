/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for reader.c: plain, gzip, multi-member, truncated, long lines, directories, following. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <zlib.h>

#include "input/inputs.h"
#include "input/reader.h"

typedef struct {
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("vpc-reader-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_dir_close (dir);
    }
  g_remove (path);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  remove_tree (f->dir);
  g_free (f->dir);
}

static char *
write_file (Fixture *f, const char *name, const void *data, gsize len)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_mkdir_with_parents (parent, 0700);
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);
  return path;
}

static GByteArray *
gzip_bytes (const char *text)
{
  g_autofree char *tmp = NULL;
  int fd = g_file_open_tmp ("vpc-gz-XXXXXX", &tmp, NULL);
  g_assert_cmpint (fd, >=, 0);
  gzFile gz = gzdopen (fd, "wb");
  g_assert_cmpint (gzwrite (gz, text, (unsigned) strlen (text)), ==, (int) strlen (text));
  gzclose (gz);
  char *contents;
  gsize len;
  g_assert_true (g_file_get_contents (tmp, &contents, &len, NULL));
  g_remove (tmp);
  return g_byte_array_new_take ((guint8 *) contents, len);
}

/* Read every line of path into a NUL-separated string list; returns the final error. */
static GError *
read_all (const char *path, GPtrArray *lines)
{
  GError *error = NULL;
  g_autoptr (VpcReader) reader = vpc_reader_open (path, VPC_CONTAINER_AUTO, &error);
  g_assert_no_error (error);
  VpcLine line;
  for (;;)
    {
      if (vpc_reader_next_line (reader, &line, &error))
        g_ptr_array_add (lines, g_strndup (line.text, line.len));
      else if (g_error_matches (error, VPC_ERROR, VPC_ERROR_MALFORMED))
        {
          g_ptr_array_add (lines, g_strdup ("<malformed>"));
          g_clear_error (&error);
        }
      else
        return error;
    }
}

static void
test_plain_crlf (Fixture *f, gconstpointer data)
{
  const char text[] = "a b\r\nc d\n\r\nlast line without newline";
  g_autofree char *path = write_file (f, "x.log", text, strlen (text));
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = read_all (path, lines);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_EOF);
  g_assert_cmpuint (lines->len, ==, 4);
  g_assert_cmpstr (lines->pdata[0], ==, "a b");
  g_assert_cmpstr (lines->pdata[1], ==, "c d");
  g_assert_cmpstr (lines->pdata[2], ==, "");
  g_assert_cmpstr (lines->pdata[3], ==, "last line without newline");
}

static void
test_gzip_by_content (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) gz = gzip_bytes ("one\ntwo\n");
  /* The name says nothing: the magic bytes decide. */
  g_autofree char *path = write_file (f, "no-extension", gz->data, gz->len);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = read_all (path, lines);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_EOF);
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_cmpstr (lines->pdata[1], ==, "two");

  g_autoptr (VpcReader) reader = vpc_reader_open (path, VPC_CONTAINER_AUTO, NULL);
  VpcLine line;
  g_assert_true (vpc_reader_next_line (reader, &line, NULL));
  g_assert_true (vpc_reader_is_compressed (reader));
  g_assert_cmpint (vpc_reader_get_container (reader), ==, VPC_CONTAINER_TEXT);
}

static void
test_gzip_multi_member (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) a = gzip_bytes ("first\nsecond\n");
  g_autoptr (GByteArray) b = gzip_bytes ("third\n");
  g_byte_array_append (a, b->data, b->len);
  g_autofree char *path = write_file (f, "multi.log.gz", a->data, a->len);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = read_all (path, lines);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_EOF);
  g_assert_cmpuint (lines->len, ==, 3);
  g_assert_cmpstr (lines->pdata[2], ==, "third");
}

static void
test_gzip_truncated (Fixture *f, gconstpointer data)
{
  /* Enough text that the cut leaves whole lines before it. */
  g_autoptr (GString) text = g_string_new (NULL);
  for (int i = 0; i < 20000; i++)
    g_string_append_printf (text, "line %d %u\n", i, g_str_hash (&i));
  g_autoptr (GByteArray) gz = gzip_bytes (text->str);
  g_autofree char *path = write_file (f, "cut.gz", gz->data, gz->len / 2);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = read_all (path, lines);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_TRUNCATED);
  g_assert_nonnull (strstr (error->message, path));
  /* The lines before the cut were delivered, in order. */
  g_assert_cmpuint (lines->len, >, 1000);
  g_assert_cmpuint (lines->len, <, 20000);
  for (guint i = 0; i + 1 < lines->len; i++)
    {
      g_autofree char *prefix = g_strdup_printf ("line %u ", i);
      g_assert_true (g_str_has_prefix (lines->pdata[i], prefix));
    }
}

/* Every line of a reader over memory, as read_all() does. */
static GError *
read_all_memory (const void *data, gsize len, GPtrArray *lines, VpcContainer *container)
{
  g_autoptr (VpcReader) reader = vpc_reader_open_memory ("mem", data, len, VPC_CONTAINER_AUTO);
  GError *error = NULL;
  VpcLine line;
  for (;;)
    {
      if (vpc_reader_next_line (reader, &line, &error))
        g_ptr_array_add (lines, g_strndup (line.text, line.len));
      else if (g_error_matches (error, VPC_ERROR, VPC_ERROR_MALFORMED))
        {
          g_ptr_array_add (lines, g_strdup ("<malformed>"));
          g_clear_error (&error);
        }
      else
        {
          *container = vpc_reader_get_container (reader);
          return error;
        }
    }
}

/* The reader over memory (the fuzz target's entry) reads as the file reader
 * does: gzip members, containers, a cut gzip; a decoded input of more
 * chunks than a file reader keeps in flight. */
static void
test_memory (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) a = gzip_bytes ("first\r\nsecond\n");
  g_autoptr (GByteArray) b = gzip_bytes ("third");
  g_byte_array_append (a, b->data, b->len);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  VpcContainer container;
  g_autoptr (GError) error = read_all_memory (a->data, a->len, lines, &container);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_EOF);
  g_assert_cmpuint (lines->len, ==, 3);
  g_assert_cmpstr (lines->pdata[0], ==, "first");
  g_assert_cmpstr (lines->pdata[2], ==, "third");
  g_assert_cmpint (container, ==, VPC_CONTAINER_TEXT);

  const char json[] = "{\"logStream\":\"eni-1\",\"message\":\"2 x\"}{\"message\":\"2 y\"}";
  g_ptr_array_set_size (lines, 0);
  g_clear_error (&error);
  error = read_all_memory (json, sizeof json - 1, lines, &container);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_EOF);
  g_assert_cmpint (container, ==, VPC_CONTAINER_JSON);
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_cmpstr (lines->pdata[1], ==, "2 y");

  g_autoptr (GString) big = g_string_new (NULL);
  for (int i = 0; i < 200000; i++)
    g_string_append_printf (big, "line %d\n", i);
  g_autoptr (GByteArray) gz = gzip_bytes (big->str);
  g_ptr_array_set_size (lines, 0);
  g_clear_error (&error);
  error = read_all_memory (gz->data, gz->len, lines, &container);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_EOF);
  g_assert_cmpuint (lines->len, ==, 200000);
  g_assert_cmpstr (lines->pdata[199999], ==, "line 199999");

  g_ptr_array_set_size (lines, 0);
  g_clear_error (&error);
  error = read_all_memory (gz->data, gz->len / 2, lines, &container);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_TRUNCATED);
  g_assert_nonnull (strstr (error->message, "mem"));

  g_ptr_array_set_size (lines, 0);
  g_clear_error (&error);
  error = read_all_memory (NULL, 0, lines, &container);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_EOF);
  g_assert_cmpuint (lines->len, ==, 0);
}

static void
test_long_line (Fixture *f, gconstpointer data)
{
  gsize big = VPC_READER_MAX_LINE + 1000;
  g_autofree char *text = g_malloc (big + 32);
  strcpy (text, "before\n");
  memset (text + 7, 'x', big);
  strcpy (text + 7 + big, "\nafter\n");
  g_autofree char *path = write_file (f, "long.log", text, strlen (text));
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = read_all (path, lines);
  g_assert_error (error, VPC_ERROR, VPC_ERROR_EOF);
  g_assert_cmpuint (lines->len, ==, 3);
  g_assert_cmpstr (lines->pdata[0], ==, "before");
  g_assert_cmpstr (lines->pdata[1], ==, "<malformed>");
  g_assert_cmpstr (lines->pdata[2], ==, "after");
}

static void
test_missing (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "nope.log", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_null (vpc_reader_open (path, VPC_CONTAINER_AUTO, &error));
  g_assert_error (error, VPC_ERROR, VPC_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "nope.log"));
}

static void
test_expand_directory (Fixture *f, gconstpointer data)
{
  const char *files[] = { "AWSLogs/b/2.log.gz", "AWSLogs/a/1.log",   "AWSLogs/a/10.log",
                          "AWSLogs/a/notes.csv", "AWSLogs/.hidden.log", "AWSLogs/c.txt",
                          "AWSLogs/d/pages.json", "AWSLogs/d/sub.b64", "AWSLogs/e/stream-1-2026" };
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_free (write_file (f, files[i], "x\n", 2));
  g_autofree char *root = g_build_filename (f->dir, "AWSLogs", NULL);
  g_autofree char *single = g_build_filename (f->dir, "AWSLogs/a/notes.csv", NULL);
  const char *args[] = { root, single, "-", NULL };
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_assert_true (vpc_inputs_expand (args, paths, skipped, &error));
  g_assert_no_error (error);
  /* Byte order of names, depth first; a file named on the command line is always taken. */
  const char *expect[] = { "AWSLogs/a/1.log",      "AWSLogs/a/10.log",  "AWSLogs/b/2.log.gz",
                           "AWSLogs/c.txt",        "AWSLogs/d/pages.json", "AWSLogs/d/sub.b64",
                           "AWSLogs/e/stream-1-2026", "AWSLogs/a/notes.csv", "-" };
  g_assert_cmpuint (paths->len, ==, G_N_ELEMENTS (expect));
  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    g_assert_true (g_str_has_suffix (paths->pdata[i], expect[i]));
  g_assert_cmpuint (skipped->len, ==, 2);
  g_assert_nonnull (strstr (skipped->pdata[0], ".hidden.log (hidden)"));
  g_assert_nonnull (strstr (skipped->pdata[1], "notes.csv (not a flow log name)"));

  const char *bad[] = { "/nonexistent/vpc2ipfix", NULL };
  g_autoptr (GError) e = NULL;
  g_assert_false (vpc_inputs_expand (bad, paths, skipped, &e));
  g_assert_error (e, VPC_ERROR, VPC_ERROR_IO);
}

/* A decoded container spans many chunks: every record arrives once, in
 * order, with its stream and the line it came from. */
static void
test_json_many_chunks (Fixture *f, gconstpointer data)
{
  const guint n = 20000;
  GString *json = g_string_new ("{\"events\": [\n");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (json,
                            "{\"logStreamName\": \"eni-%x-all\",\n \"message\": \"2 1 eni-x "
                            "10.0.0.1 10.0.0.2 %u 2 6 1 40 1 2 ACCEPT OK\"}%s\n",
                            i / 1000, i, i + 1 < n ? "," : "");
  g_string_append (json, "]}\n{\"message\": 5}\n");
  g_autofree char *path = write_file (f, "big.json", json->str, json->len);
  g_autoptr (GByteArray) gz = gzip_bytes (json->str);
  g_autofree char *gz_path = write_file (f, "big.json.gz", gz->data, gz->len);
  g_string_free (json, TRUE);

  const char *paths[] = { path, gz_path };
  for (guint p = 0; p < G_N_ELEMENTS (paths); p++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VpcReader) reader = vpc_reader_open (paths[p], VPC_CONTAINER_AUTO, &error);
      g_assert_no_error (error);
      VpcLine line;
      guint i = 0;
      while (vpc_reader_next_line (reader, &line, &error))
        {
          g_autofree char *text = g_strndup (line.text, line.len);
          g_autofree char *want = g_strdup_printf ("2 1 eni-x 10.0.0.1 10.0.0.2 %u 2 6 1 40 1 2 "
                                                   "ACCEPT OK", i);
          g_autofree char *stream = g_strndup (line.stream, line.stream_len);
          g_autofree char *want_stream = g_strdup_printf ("eni-%x", i / 1000);
          g_assert_cmpstr (text, ==, want);
          g_assert_cmpstr (stream, ==, want_stream);
          g_assert_cmpuint (vpc_reader_get_line_number (reader), ==, 3 + 2 * (guint64) i);
          i++;
        }
      g_assert_cmpuint (i, ==, n);
      /* The last event's message is not text. */
      g_assert_error (error, VPC_ERROR, VPC_ERROR_MALFORMED);
      g_assert_cmpuint (vpc_reader_get_line_number (reader), ==, 3 + 2 * (guint64) n);
      g_clear_error (&error);
      g_assert_false (vpc_reader_next_line (reader, &line, &error));
      g_assert_error (error, VPC_ERROR, VPC_ERROR_EOF);
      g_assert_cmpint (vpc_reader_get_container (reader), ==, VPC_CONTAINER_JSON);
      g_assert_cmpint (vpc_reader_is_compressed (reader), ==, p == 1);
    }
}

/* A log event too long for a chunk is a malformed line; the next one is read. */
static void
test_json_long_message (Fixture *f, gconstpointer data)
{
  GString *json = g_string_new ("{\"message\": \"");
  for (guint i = 0; i < 300 * 1024; i++)
    g_string_append_c (json, 'x');
  g_string_append (json, "\"}\n{\"message\": \"after\"}\n");
  g_autofree char *path = write_file (f, "long.json", json->str, json->len);
  g_string_free (json, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (VpcReader) reader = vpc_reader_open (path, VPC_CONTAINER_AUTO, &error);
  VpcLine line;
  g_assert_false (vpc_reader_next_line (reader, &line, &error));
  g_assert_error (error, VPC_ERROR, VPC_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "longer than"));
  g_assert_cmpuint (vpc_reader_get_line_number (reader), ==, 1);
  g_clear_error (&error);
  g_assert_true (vpc_reader_next_line (reader, &line, &error));
  g_assert_cmpmem (line.text, line.len, "after", 5);
  g_assert_cmpuint (vpc_reader_get_line_number (reader), ==, 2);
}

/* A CloudWatch export line loses its time; its stream is the directory. */
static void
test_cloudwatch_export (Fixture *f, gconstpointer data)
{
  const char text[] = "2018-09-22T20:28:14.000Z 2 1 eni-1 a b\n\nno time here\n"
                      "2018-09-22T20:28:15.000Z 2 1 eni-1 c d\r\n";
  g_autofree char *path = write_file (f, "task/eni-0abc123-all/000000", text, strlen (text));
  g_autoptr (GError) error = NULL;
  g_autoptr (VpcReader) reader = vpc_reader_open (path, VPC_CONTAINER_AUTO, &error);
  VpcLine line;
  g_assert_true (vpc_reader_next_line (reader, &line, &error));
  g_assert_cmpint (vpc_reader_get_container (reader), ==, VPC_CONTAINER_CLOUDWATCH_EXPORT);
  g_assert_cmpmem (line.text, line.len, "2 1 eni-1 a b", 13);
  g_assert_cmpmem (line.stream, line.stream_len, "eni-0abc123", 11);
  g_assert_true (vpc_reader_next_line (reader, &line, &error));
  g_assert_cmpuint (line.len, ==, 0); /* a blank line stays blank */
  g_assert_false (vpc_reader_next_line (reader, &line, &error));
  g_assert_error (error, VPC_ERROR, VPC_ERROR_MALFORMED);
  g_assert_cmpuint (vpc_reader_get_line_number (reader), ==, 3);
  g_clear_error (&error);
  g_assert_true (vpc_reader_next_line (reader, &line, &error));
  g_assert_cmpmem (line.text, line.len, "2 1 eni-1 c d", 13);

  /* Forced to text, the time stays: a record's first column. */
  g_autoptr (VpcReader) text_reader = vpc_reader_open (path, VPC_CONTAINER_TEXT, &error);
  g_assert_true (vpc_reader_next_line (text_reader, &line, &error));
  g_assert_true (g_str_has_prefix (line.text, "2018-09-22T20:28:14.000Z 2"));
  g_assert_null (line.stream);
}

static void
write_mode (const char *path, const char *text, const char *mode)
{
  FILE *fp = fopen (path, mode);
  g_assert_nonnull (fp);
  fputs (text, fp);
  fclose (fp);
}

#define append(path, text) write_mode (path, text, "a")
/* In place: the same file, truncated (not replaced, as g_file_set_contents would). */
#define overwrite(path, text) write_mode (path, text, "w")

/* The next line of a live reader, waiting (bounded) through VPC_ERROR_AGAIN. */
static char *
next_live_line (VpcReader *reader)
{
  VpcLine line;
  for (int i = 0; i < 80; i++) /* 80 waits of at most 250 ms */
    {
      g_autoptr (GError) error = NULL;
      if (vpc_reader_next_line (reader, &line, &error))
        return g_strndup (line.text, line.len);
      g_assert_error (error, VPC_ERROR, VPC_ERROR_AGAIN);
    }
  g_assert_not_reached ();
}

/* tail -F: growth, truncation, rotation (with a last line left open). */
static void
test_follow (Fixture *f, gconstpointer data)
{
  g_autofree char *path = write_file (f, "grow.log", "a\n", 2);
  g_autofree char *rotated = g_build_filename (f->dir, "grow.log.1", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VpcReader) reader
      = vpc_reader_open_full (path, VPC_CONTAINER_AUTO, VPC_READER_LIVE | VPC_READER_FOLLOW,
                              &error);
  g_assert_no_error (error);
  g_autofree char *a = next_live_line (reader);
  g_assert_cmpstr (a, ==, "a");

  /* Nothing more yet: AGAIN, at once. */
  VpcLine line;
  g_assert_false (vpc_reader_next_line (reader, &line, &error));
  g_assert_error (error, VPC_ERROR, VPC_ERROR_AGAIN);
  g_clear_error (&error);

  append (path, "bb\n");
  g_autofree char *b = next_live_line (reader);
  g_assert_cmpstr (b, ==, "bb");

  /* Truncated, then shorter than what was read: read from the start. */
  overwrite (path, "c\n");
  g_autofree char *c = next_live_line (reader);
  g_assert_cmpstr (c, ==, "c");
  g_assert_cmpuint (vpc_reader_get_truncations (reader), ==, 1);

  /* Rotated: the old file is read to its end (its last line unfinished),
   * then the new one. */
  append (path, "d\ne");
  g_assert_cmpint (g_rename (path, rotated), ==, 0);
  g_assert_true (g_file_set_contents (path, "f\n", 2, NULL));
  g_autofree char *d = next_live_line (reader);
  g_autofree char *e = next_live_line (reader);
  g_autofree char *f2 = next_live_line (reader);
  g_assert_cmpstr (d, ==, "d");
  g_assert_cmpstr (e, ==, "e");
  g_assert_cmpstr (f2, ==, "f");
  g_assert_cmpuint (vpc_reader_get_rotations (reader), ==, 1);
  g_assert_cmpuint (vpc_reader_get_line_number (reader), >=, 5);
}

/* A small plain file is read at once, without a reading thread (many
 * small inputs); a gzip one, and a larger one, still get their thread;
 * the lines are the same either way. */
static void
test_small_without_thread (Fixture *f, gconstpointer data)
{
  const char *text = "version srcaddr\n2 10.0.0.1\r\n\n2 10.0.0.2";
  g_autofree char *small = write_file (f, "small.log", text, strlen (text));
  g_autoptr (GByteArray) gz = gzip_bytes (text);
  g_autofree char *zipped = write_file (f, "small.log.gz", gz->data, gz->len);
  GString *big_text = g_string_new (NULL);
  while (big_text->len <= 64 * 1024)
    g_string_append (big_text, "2 10.0.0.3\n");
  g_autofree char *big = write_file (f, "big.log", big_text->str, big_text->len);
  guint big_lines = (guint) (big_text->len / strlen ("2 10.0.0.3\n"));
  g_string_free (big_text, TRUE);

  g_autoptr (GError) error = NULL;
  g_autoptr (VpcReader) reader = vpc_reader_open (small, VPC_CONTAINER_AUTO, &error);
  g_assert_no_error (error);
  g_assert_false (vpc_reader_is_threaded (reader));
  g_clear_pointer (&reader, vpc_reader_free);
  const char *threaded[] = { zipped, big };
  for (guint i = 0; i < G_N_ELEMENTS (threaded); i++)
    {
      reader = vpc_reader_open (threaded[i], VPC_CONTAINER_AUTO, &error);
      g_assert_no_error (error);
      g_assert_true (vpc_reader_is_threaded (reader));
      g_clear_pointer (&reader, vpc_reader_free);
    }

  static const char *const expected[] = { "version srcaddr", "2 10.0.0.1", "", "2 10.0.0.2" };
  const char *paths[] = { small, zipped };
  for (guint p = 0; p < G_N_ELEMENTS (paths); p++)
    {
      g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GError) end = read_all (paths[p], lines);
      g_assert_true (g_error_matches (end, VPC_ERROR, VPC_ERROR_EOF));
      g_assert_cmpuint (lines->len, ==, G_N_ELEMENTS (expected));
      for (guint i = 0; i < lines->len; i++)
        g_assert_cmpstr (lines->pdata[i], ==, expected[i]);
    }
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) end = read_all (big, lines);
  g_assert_true (g_error_matches (end, VPC_ERROR, VPC_ERROR_EOF));
  g_assert_cmpuint (lines->len, ==, big_lines);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/reader/plain-crlf", test_plain_crlf);
  ADD ("/reader/gzip-by-content", test_gzip_by_content);
  ADD ("/reader/gzip-multi-member", test_gzip_multi_member);
  ADD ("/reader/gzip-truncated", test_gzip_truncated);
  ADD ("/reader/long-line", test_long_line);
  ADD ("/reader/missing", test_missing);
  ADD ("/reader/expand-directory", test_expand_directory);
  ADD ("/reader/json-many-chunks", test_json_many_chunks);
  ADD ("/reader/cloudwatch-export", test_cloudwatch_export);
  ADD ("/reader/json-long-message", test_json_long_message);
  ADD ("/reader/follow", test_follow);
  ADD ("/reader/memory", test_memory);
  ADD ("/reader/small-without-thread", test_small_without_thread);
  return g_test_run ();
}
