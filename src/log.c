/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Program messages with levels and, to the journal, syslog priority prefixes (sd-daemon style). */
#include "config.h"

#include "log.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *log_program = "";
static VpcLogLevel log_level = VPC_LOG_INFO;
static gboolean log_journal;

void
vpc_log_init (const char *program)
{
  log_program = program;
  log_journal = FALSE;
  const char *stream = g_getenv ("JOURNAL_STREAM");
  struct stat st;
  uintmax_t dev, ino;
  char end;
  if (stream != NULL && sscanf (stream, "%ju:%ju%c", &dev, &ino, &end) == 2
      && fstat (STDERR_FILENO, &st) == 0 && (uintmax_t) st.st_dev == dev
      && (uintmax_t) st.st_ino == ino)
    log_journal = TRUE;
}

gboolean
vpc_log_set_level (const char *name)
{
  static const struct {
    const char *name;
    VpcLogLevel level;
  } levels[] = { { "error", VPC_LOG_ERROR },
                 { "warning", VPC_LOG_WARNING },
                 { "info", VPC_LOG_INFO },
                 { "debug", VPC_LOG_DEBUG } };
  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    if (strcmp (name, levels[i].name) == 0)
      {
        log_level = levels[i].level;
        return TRUE;
      }
  return FALSE;
}

gboolean
vpc_log_enabled (VpcLogLevel level)
{
  return level <= log_level;
}

gboolean
vpc_log_to_journal (void)
{
  return log_journal;
}

/* Each line of text, with prefix after the priority. */
static void
log_lines (VpcLogLevel level, const char *prefix, const char *text)
{
  g_autoptr (GString) out = g_string_new (NULL);
  const char *line = text;
  while (*line != '\0')
    {
      const char *nl = strchr (line, '\n');
      gsize len = nl != NULL ? (gsize) (nl - line) : strlen (line);
      if (log_journal)
        g_string_append_printf (out, "<%d>", (int) level);
      if (line == text)
        g_string_append (out, prefix);
      g_string_append_len (out, line, (gssize) len);
      g_string_append_c (out, '\n');
      line += len + (nl != NULL);
    }
  fputs (out->str, stderr); /* one write for the lot: lines of threads do not mix */
  fflush (stderr);
}

void
vpc_log (VpcLogLevel level, const char *format, ...)
{
  if (!vpc_log_enabled (level))
    return;
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_autofree char *prefix = g_strdup_printf ("%s: ", log_program);
  log_lines (level, prefix, message);
}

void
vpc_log_text (VpcLogLevel level, const char *text)
{
  if (vpc_log_enabled (level))
    log_lines (level, "", text);
}
