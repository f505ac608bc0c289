/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The --state file: which input files a run has completely delivered, so that a later run skips them. */
#pragma once

#include <sys/stat.h>

#include <glib.h>

#include "common/vpc-error.h"

G_BEGIN_DECLS

typedef struct VpcState VpcState;

/* Which content a file name had: a new copy under the same name (another
 * size or modification time) is another input. */
typedef struct {
  gint64 size;
  gint64 mtime_ns;
} VpcFileIdentity;

void vpc_file_identity_from_stat (const struct stat *st, VpcFileIdentity *identity);
gboolean vpc_file_identity_equal (const VpcFileIdentity *a, const VpcFileIdentity *b);

/* Read path and keep it open to append to.  Each line is one delivered
 * input: "SIZE MTIME_SECONDS.NANOSECONDS ABSOLUTE-NAME" (backslash and
 * newline in the name escaped as \\ and \n).  Lines of older versions,
 * an absolute name alone, still mark that name done whatever its
 * content.  A missing file is an empty state; a line a crash cut short
 * and blank lines are dropped (the file is rewritten without them).
 * VPC_ERROR_IO if it cannot be read or written. */
VpcState *vpc_state_open (const char *path, GError **error);
/* A state read from text (the contents of a state file), backed by no
 * file: vpc_state_add() records in memory only (for tests and fuzzing). */
VpcState *vpc_state_new_from_text (const char *text, gsize len);
void vpc_state_free (VpcState *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcState, vpc_state_free)

/* Whether input (named as on the command line or found in a walk) with
 * that content is done. */
gboolean vpc_state_contains (const VpcState *state, const char *input,
                             const VpcFileIdentity *identity);

/* The identity input was last recorded with (the last line naming it: a
 * cursor such as a CloudWatch source's newest event time); FALSE if none. */
gboolean vpc_state_latest (const VpcState *state, const char *input, VpcFileIdentity *identity);

/* Record input with that content as done: appended and synced before it
 * returns, so a crash loses at most the line being written (dropped when
 * read). */
gboolean vpc_state_add (VpcState *state, const char *input, const VpcFileIdentity *identity,
                        GError **error);

/* The same, synced only by the next vpc_state_sync() (and written by
 * then): the inputs delivered together cost one sync (many small inputs),
 * not one each.  FALSE (VPC_ERROR_IO) if a write failed. */
gboolean vpc_state_add_unsynced (VpcState *state, const char *input,
                                 const VpcFileIdentity *identity, GError **error);

/* Append the lines of vpc_state_add_unsynced() and sync. */
gboolean vpc_state_sync (VpcState *state, GError **error);

G_END_DECLS
