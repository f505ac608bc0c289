/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where an output file's path leads: a file replaced atomically (a symlink's target), or a device or FIFO written directly. */
#pragma once

#include <glib.h>

#include "common/vpc-error.h"

G_BEGIN_DECLS

/* Whether path (not "-") can be an output file, without creating or
 * opening anything, so that a wrong -o is refused before any input is
 * read.  VPC_ERROR_USAGE for a directory, a block device or a socket (also
 * behind symbolic links) and for a symbolic link to nothing; VPC_ERROR_IO
 * if it cannot be looked at. */
gboolean vpc_output_path_check (const char *path, GError **error);

/* path opened for writing:
 * - a character device (not a terminal) or a FIFO, also behind symbolic
 *   links: opened as it is (a FIFO waits for its reader; a signal
 *   interrupts the wait: VPC_ERROR_INTERRUPTED); *final_path and
 *   *tmp_path are NULL;
 * - a regular file, also behind symbolic links, or nothing yet: a new
 *   temporary file in the directory of the file to replace (a symlink's
 *   target, the link staying as it is), *tmp_path, which is to be renamed
 *   onto *final_path once complete.
 * Returns the descriptor (O_CLOEXEC), or -1 with error set (see
 * vpc_output_path_check(); VPC_ERROR_IO if it cannot be created or
 * opened). */
int vpc_output_path_open (const char *path, char **final_path, char **tmp_path, GError **error);

/* Write data (len bytes) to path as vpc_output_path_open() opens it: a
 * file is replaced only once complete (mode 0666 less the umask).
 * VPC_ERROR_IO if it cannot be written. */
gboolean vpc_output_path_write (const char *path, const char *data, gsize len, GError **error);

G_END_DECLS
