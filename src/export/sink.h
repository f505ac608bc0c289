/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A FILE* whose bytes are written to a file descriptor by a background thread. */
#pragma once

#include <stdio.h>

#include <glib.h>

#include "common/vpc-error.h"

G_BEGIN_DECLS

typedef struct VpcSink VpcSink;

/* Writes to the returned sink's FILE are copied into 256 KiB blocks that
 * a thread writes to fd (at most 4 blocks in flight, so the writer never
 * holds more than 1 MiB).  name is for messages.  If owns_fd, fd is
 * closed when the FILE is closed. */
VpcSink *vpc_sink_new (int fd, const char *name, gboolean owns_fd);

/* The FILE to hand to the encoder.  A write error of the thread makes
 * later writes on it fail with that errno. */
FILE *vpc_sink_get_file (VpcSink *sink);

/* Flush the FILE, write out everything and stop the thread.  FALSE
 * (VPC_ERROR_IO) if any write failed.  Later writes fail. */
gboolean vpc_sink_finish (VpcSink *sink, GError **error);

/* Free the sink after its FILE has been closed (fclose() finishes it). */
void vpc_sink_free (VpcSink *sink);

G_END_DECLS
