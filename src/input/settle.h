/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Watched directories: whether a file is complete (a gzip stream with its trailer, or unchanged for the settle time). */
#pragma once

#include <sys/stat.h>

#include <glib.h>

#include "common/vpc-error.h"

G_BEGIN_DECLS

/* How far a gzip file is written. */
typedef enum {
  VPC_GZIP_NOT_GZIP,   /* not gzip at all (or empty) */
  VPC_GZIP_COMPLETE,   /* every member ends with its trailer, nothing after the last */
  VPC_GZIP_INCOMPLETE, /* valid so far, but it ends inside a member: still being written? */
  VPC_GZIP_CORRUPT,    /* not valid gzip data: reading it reports why */
} VpcGzipCompleteness;

/* Inflate the file at path to its end (output discarded) to tell. */
VpcGzipCompleteness vpc_gzip_completeness (const char *path);

/* The files of a watched directory as they are seen scan after scan. */
typedef struct VpcSettle VpcSettle;

/* A file not in gzip is complete when its size and modification time
 * have not changed for settle_us; a gzip file as soon as its stream ends
 * with a valid trailer (truncated: not yet, however long).  diag (may be
 * NULL) hears once about a gzip file that stays incomplete for a while. */
VpcSettle *vpc_settle_new (gint64 settle_us, const VpcDiag *diag);
void vpc_settle_free (VpcSettle *settle);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcSettle, vpc_settle_free)

/* Whether the file at path, as st describes it now (real time now_us),
 * is complete, to be read. */
gboolean vpc_settle_ready (VpcSettle *settle, const char *path, const struct stat *st,
                           gint64 now_us);

/* Forget path (it was taken, or is gone). */
void vpc_settle_forget (VpcSettle *settle, const char *path);

G_END_DECLS
