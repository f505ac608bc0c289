/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Evaluation of Debian's JSON libraries for the vpc2ipfix JSON container (issue 4).
 *
 *   json-libs LIB FILE [CHUNK]
 *
 * Reads FILE, one or more JSON values back to back (CloudWatch Logs filter-log-events
 * pages: {"events":[{"logStreamName":..,"timestamp":..,"message":"..",..}],..}),
 * and prints
 *
 *   LIB docs=D messages=N bytes=S
 *
 * D: top-level values decoded, N: event "message" strings found (events[*].message of
 * a top-level object), S: the sum of their decoded lengths in bytes.  Exit status 0,
 * or 1 with a message on stderr when the library reports an error.
 *
 * LIB:
 *   yajl           SAX: yajl_parse over CHUNK-byte reads (default 256 KiB), with
 *                  yajl_allow_multiple_values; never holds a document.
 *   json-c         json_tokener_parse_ex over CHUNK-byte reads (incremental tokener,
 *                  builds each document as a tree), next document from
 *                  json_tokener_get_parse_end.
 *   jansson        json_load_callback(JSON_DISABLE_EOF_CHECK) fed CHUNK-byte reads, one
 *                  document a call; after each, the file is repositioned to the end of
 *                  the document (json_error_t.position, set on success too).
 *   jansson-loadf  json_loadf(JSON_DISABLE_EOF_CHECK) in a loop on a FILE with a
 *                  CHUNK-byte stdio buffer (jansson reads it with getc).
 *   json-glib      JsonParser, json_parser_load_from_file: the whole file, one root.
 *
 * Build one binary per library (bench/json-libs.sh does):
 *   cc -O2 -DWITH_YAJL      -o json-libs-yajl      json-libs.c $(pkg-config --cflags --libs yajl)
 *   cc -O2 -DWITH_JSON_C    -o json-libs-json-c    json-libs.c $(pkg-config --cflags --libs json-c)
 *   cc -O2 -DWITH_JANSSON   -o json-libs-jansson   json-libs.c $(pkg-config --cflags --libs jansson)
 *   cc -O2 -DWITH_JSON_GLIB -o json-libs-json-glib json-libs.c \
 *        $(pkg-config --cflags --libs json-glib-1.0)
 * json-c, jansson and json-glib cannot share one program: their headers declare
 * conflicting json_object, json_object_get, json_object_get_type, json_type and
 * json_object_iter_next, and json-c and jansson both export json_object_iter_next
 * (and json-glib too), so linking them together would also interpose symbols.
 */

#define _FILE_OFFSET_BITS 64
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if !defined(WITH_YAJL) && !defined(WITH_JSON_C) && !defined(WITH_JANSSON) \
    && !defined(WITH_JSON_GLIB)
#error "define one of WITH_YAJL, WITH_JSON_C, WITH_JANSSON, WITH_JSON_GLIB"
#endif
#ifdef WITH_YAJL
#include <yajl/yajl_parse.h>
#endif
#ifdef WITH_JSON_C
#include <json.h>              /* json-c (pkg-config: -I/usr/include/json-c) */
#endif
#ifdef WITH_JANSSON
#include <jansson.h>
#endif
#ifdef WITH_JSON_GLIB
#include <json-glib/json-glib.h>
#endif

typedef struct
{
  uint64_t docs;
  uint64_t messages;
  uint64_t bytes;
} Totals;

static size_t chunk_size = 256 * 1024;

__attribute__ ((unused)) static FILE *
open_input (const char *path)
{
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    {
      fprintf (stderr, "json-libs: %s: %s\n", path, strerror (errno));
      exit (2);
    }
  return f;
}

/* ---------------------------------------------------------------- yajl (SAX) */
#ifdef WITH_YAJL

enum { KEY_OTHER, KEY_EVENTS, KEY_MESSAGE };
#define MAX_DEPTH 128

typedef struct
{
  Totals *t;
  int depth;                       /* open containers */
  bool is_map[MAX_DEPTH + 1];      /* [d]: container at depth d is an object */
  bool is_events[MAX_DEPTH + 1];   /* [2]: the top-level object's "events" array */
  bool is_event[MAX_DEPTH + 1];    /* [3]: an object element of that array */
  unsigned char key[MAX_DEPTH + 1];/* [d]: the last key seen in the object at depth d */
} SaxState;

static void
sax_value_done (SaxState *s)
{
  if (s->depth == 0)
    s->t->docs++;
}

static int
sax_scalar (void *ctx)
{
  sax_value_done (ctx);
  return 1;
}

static int sax_null (void *ctx) { return sax_scalar (ctx); }
static int sax_bool (void *ctx, int b) { (void) b; return sax_scalar (ctx); }
static int sax_number (void *ctx, const char *n, size_t l) { (void) n; (void) l; return sax_scalar (ctx); }

static int
sax_string (void *ctx, const unsigned char *str, size_t len)
{
  SaxState *s = ctx;
  (void) str;
  if (s->depth == 3 && s->is_event[3] && s->key[3] == KEY_MESSAGE)
    {
      s->t->messages++;
      s->t->bytes += len;
    }
  sax_value_done (s);
  return 1;
}

static int
sax_map_key (void *ctx, const unsigned char *key, size_t len)
{
  SaxState *s = ctx;
  unsigned char k = KEY_OTHER;
  if (len == 6 && memcmp (key, "events", 6) == 0)
    k = KEY_EVENTS;
  else if (len == 7 && memcmp (key, "message", 7) == 0)
    k = KEY_MESSAGE;
  s->key[s->depth] = k;
  return 1;
}

static int
sax_open (SaxState *s, bool map)
{
  int parent = s->depth;
  if (parent >= MAX_DEPTH)
    return 0;
  int d = ++s->depth;
  s->is_map[d] = map;
  s->key[d] = KEY_OTHER;
  s->is_events[d] = !map && d == 2 && s->is_map[1] && s->key[1] == KEY_EVENTS;
  s->is_event[d] = map && d == 3 && s->is_events[2];
  return 1;
}

static int
sax_start_map (void *ctx)
{
  return sax_open (ctx, true);
}

static int
sax_start_array (void *ctx)
{
  return sax_open (ctx, false);
}

static int
sax_close (void *ctx)
{
  SaxState *s = ctx;
  s->depth--;
  sax_value_done (s);
  return 1;
}

static const yajl_callbacks sax_callbacks = {
  sax_null, sax_bool, NULL, NULL, sax_number, sax_string,
  sax_start_map, sax_map_key, sax_close, sax_start_array, sax_close,
};

static int
run_yajl (const char *path, Totals *t)
{
  SaxState s = { .t = t };
  yajl_handle h = yajl_alloc (&sax_callbacks, NULL, &s);
  yajl_config (h, yajl_allow_multiple_values, 1);
  FILE *f = open_input (path);
  unsigned char *buf = malloc (chunk_size);
  size_t n;
  yajl_status st = yajl_status_ok;
  while (st == yajl_status_ok && (n = fread (buf, 1, chunk_size, f)) > 0)
    st = yajl_parse (h, buf, n);
  if (st == yajl_status_ok)
    st = yajl_complete_parse (h);
  int rc = 0;
  if (st != yajl_status_ok)
    {
      unsigned char *e = yajl_get_error (h, 0, NULL, 0);
      fprintf (stderr, "json-libs yajl: %s: %s (after %llu documents)\n", path,
               (const char *) e, (unsigned long long) t->docs);
      yajl_free_error (h, e);
      rc = 1;
    }
  yajl_free (h);
  free (buf);
  fclose (f);
  return rc;
}

#endif /* WITH_YAJL */

/* ------------------------------------------------------------------ json-c */
#ifdef WITH_JSON_C

static void
jc_document (struct json_object *doc, Totals *t)
{
  struct json_object *events;
  t->docs++;
  if (!json_object_is_type (doc, json_type_object)
      || !json_object_object_get_ex (doc, "events", &events)
      || !json_object_is_type (events, json_type_array))
    return;
  size_t n = json_object_array_length (events);
  for (size_t i = 0; i < n; i++)
    {
      struct json_object *ev = json_object_array_get_idx (events, i), *msg;
      if (json_object_is_type (ev, json_type_object)
          && json_object_object_get_ex (ev, "message", &msg)
          && json_object_is_type (msg, json_type_string))
        {
          t->messages++;
          t->bytes += (uint64_t) json_object_get_string_len (msg);
        }
    }
}

static int
run_json_c (const char *path, Totals *t)
{
  struct json_tokener *tok = json_tokener_new ();
  FILE *f = open_input (path);
  char *buf = malloc (chunk_size);
  size_t n;
  int rc = 0;
  bool pending = false;        /* the tokener holds part of a value */
  while (rc == 0 && (n = fread (buf, 1, chunk_size, f)) > 0)
    {
      size_t off = 0;
      while (off < n)
        {
          /* skip white space between values so that a trailing newline at EOF does
             not leave the tokener "pending" */
          if (!pending)
            {
              while (off < n && (buf[off] == ' ' || buf[off] == '\n' || buf[off] == '\r'
                                 || buf[off] == '\t'))
                off++;
              if (off == n)
                break;
            }
          struct json_object *doc = json_tokener_parse_ex (tok, buf + off, (int) (n - off));
          enum json_tokener_error jerr = json_tokener_get_error (tok);
          if (jerr == json_tokener_continue)
            {
              pending = true;
              break;
            }
          if (jerr != json_tokener_success)
            {
              fprintf (stderr, "json-c: %s: %s (after %llu documents)\n", path,
                       json_tokener_error_desc (jerr), (unsigned long long) t->docs);
              rc = 1;
              break;
            }
          pending = false;
          off += json_tokener_get_parse_end (tok);
          jc_document (doc, t);
          json_object_put (doc);
        }
    }
  if (rc == 0 && pending)
    {
      /* EOF: a top-level number would still be open; an object/array is truncated */
      struct json_object *doc = json_tokener_parse_ex (tok, "", 1);
      if (json_tokener_get_error (tok) == json_tokener_success)
        {
          jc_document (doc, t);
          json_object_put (doc);
        }
      else
        {
          fprintf (stderr, "json-c: %s: unexpected end of input\n", path);
          rc = 1;
        }
    }
  json_tokener_free (tok);
  free (buf);
  fclose (f);
  return rc;
}

#endif /* WITH_JSON_C */

/* ----------------------------------------------------------------- jansson */
#ifdef WITH_JANSSON

static void
jn_document (json_t *doc, Totals *t)
{
  t->docs++;
  json_t *events = json_object_get (doc, "events");   /* NULL unless doc is an object */
  if (!json_is_array (events))
    return;
  size_t i;
  json_t *ev;
  json_array_foreach (events, i, ev)
    {
      json_t *msg = json_object_get (ev, "message");
      if (json_is_string (msg))
        {
          t->messages++;
          t->bytes += json_string_length (msg);
        }
    }
}

typedef struct
{
  FILE *f;
} JnSource;

static size_t
jn_read (void *buffer, size_t buflen, void *data)
{
  JnSource *src = data;
  size_t n = fread (buffer, 1, buflen, src->f);
  return n > 0 ? n : (ferror (src->f) ? (size_t) -1 : 0);
}

/* Skip white space; false at EOF. */
static bool
skip_space (FILE *f)
{
  int c;
  while ((c = getc (f)) == ' ' || c == '\n' || c == '\r' || c == '\t')
    ;
  if (c == EOF)
    return false;
  ungetc (c, f);
  return true;
}

/* jansson's callback source asks for at most its own buffer size (1 KiB) a call; a
   CHUNK-byte stdio buffer gives the CHUNK-byte reads from the file. */
static int
run_jansson (const char *path, Totals *t, bool use_loadf)
{
  FILE *f = open_input (path);
  char *vbuf = malloc (chunk_size);
  setvbuf (f, vbuf, _IOFBF, chunk_size);
  JnSource src = { f };
  int rc = 0;
  while (skip_space (f))
    {
      json_error_t err;
      off_t base = ftello (f);
      json_t *doc = use_loadf
        ? json_loadf (f, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &err)
        : json_load_callback (jn_read, &src, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &err);
      if (doc == NULL)
        {
          fprintf (stderr, "jansson: %s: line %d: %s (after %llu documents)\n", path,
                   err.line, err.text, (unsigned long long) t->docs);
          rc = 1;
          break;
        }
      if (!use_loadf)
        {
          /* the callback source read ahead: go back to the end of the document */
          if (fseeko (f, base + err.position, SEEK_SET) != 0)
            {
              perror ("fseeko");
              rc = 1;
            }
        }
      jn_document (doc, t);
      json_decref (doc);
    }
  fclose (f);
  free (vbuf);
  return rc;
}

#endif /* WITH_JANSSON */

/* --------------------------------------------------------------- json-glib */
#ifdef WITH_JSON_GLIB

static int
run_json_glib (const char *path, Totals *t)
{
  JsonParser *parser = json_parser_new_immutable ();
  GError *error = NULL;
  int rc = 0;
  if (!json_parser_load_from_file (parser, path, &error))
    {
      fprintf (stderr, "json-glib: %s: %s\n", path, error->message);
      g_error_free (error);
      rc = 1;
    }
  else
    {
      JsonNode *root = json_parser_get_root (parser);
      if (root != NULL)
        {
          t->docs++;
          if (JSON_NODE_HOLDS_OBJECT (root))
            {
              JsonObject *o = json_node_get_object (root);
              JsonNode *ev = json_object_get_member (o, "events");
              if (ev != NULL && JSON_NODE_HOLDS_ARRAY (ev))
                {
                  JsonArray *a = json_node_get_array (ev);
                  guint n = json_array_get_length (a);
                  for (guint i = 0; i < n; i++)
                    {
                      JsonNode *e = json_array_get_element (a, i);
                      if (!JSON_NODE_HOLDS_OBJECT (e))
                        continue;
                      JsonNode *m = json_object_get_member (json_node_get_object (e),
                                                            "message");
                      if (m != NULL && JSON_NODE_HOLDS_VALUE (m)
                          && json_node_get_value_type (m) == G_TYPE_STRING)
                        {
                          t->messages++;
                          t->bytes += strlen (json_node_get_string (m));
                        }
                    }
                }
            }
        }
    }
  g_object_unref (parser);
  return rc;
}

#endif /* WITH_JSON_GLIB */

/* -------------------------------------------------------------------- main */

int
main (int argc, char **argv)
{
  if (argc < 3 || argc > 4)
    {
      fprintf (stderr, "usage: json-libs yajl|json-c|jansson|jansson-loadf|json-glib FILE [CHUNK]\n");
      return 2;
    }
  if (argc == 4)
    {
      char *end;
      unsigned long long c = strtoull (argv[3], &end, 10);
      if (*end != '\0' || c == 0 || c > (1u << 30))
        {
          fprintf (stderr, "json-libs: bad CHUNK %s\n", argv[3]);
          return 2;
        }
      chunk_size = (size_t) c;
    }
  const char *lib = argv[1], *path = argv[2];
  Totals t = { 0, 0, 0 };
  int rc;
  if (0)
    ;
#ifdef WITH_YAJL
  else if (strcmp (lib, "yajl") == 0)
    rc = run_yajl (path, &t);
#endif
#ifdef WITH_JSON_C
  else if (strcmp (lib, "json-c") == 0)
    rc = run_json_c (path, &t);
#endif
#ifdef WITH_JANSSON
  else if (strcmp (lib, "jansson") == 0)
    rc = run_jansson (path, &t, false);
  else if (strcmp (lib, "jansson-loadf") == 0)
    rc = run_jansson (path, &t, true);
#endif
#ifdef WITH_JSON_GLIB
  else if (strcmp (lib, "json-glib") == 0)
    rc = run_json_glib (path, &t);
#endif
  else
    {
      fprintf (stderr, "json-libs: %s is not built into this binary\n", lib);
      return 2;
    }
  printf ("%s docs=%llu messages=%llu bytes=%llu\n", lib, (unsigned long long) t.docs,
          (unsigned long long) t.messages, (unsigned long long) t.bytes);
  return rc;
}
