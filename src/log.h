/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Messages of the programs: --log-level, and syslog priority prefixes when standard error is the journal. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The syslog priorities of the four levels (sd-daemon(3)'s "<3>" ...). */
typedef enum {
  VPC_LOG_ERROR = 3,
  VPC_LOG_WARNING = 4,
  VPC_LOG_INFO = 6,
  VPC_LOG_DEBUG = 7,
} VpcLogLevel;

/* Set the program name and see whether standard error is the journal:
 * $JOURNAL_STREAM ("DEV:INO", set by systemd) names standard error's
 * device and inode.  Then every line gets its priority prefix, so that
 * journalctl -p filters them. */
void vpc_log_init (const char *program);

/* --log-level: error, warning, info (the default) or debug: messages
 * below it are not printed.  FALSE for another word. */
gboolean vpc_log_set_level (const char *name);

/* Whether messages of level are printed. */
gboolean vpc_log_enabled (VpcLogLevel level);

/* Print "PROGRAM: MESSAGE" if level is enabled (each line of it
 * prefixed with the priority when standard error is the journal). */
void vpc_log (VpcLogLevel level, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Print text as it is (the statistics table), each line prefixed with
 * level's priority when standard error is the journal. */
void vpc_log_text (VpcLogLevel level, const char *text);

/* Whether standard error is the journal (for tests and the progress line). */
gboolean vpc_log_to_journal (void);

G_END_DECLS
