/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Read back IPFIX files (vpc2ipfix's output, plain or gzip) as VpcFlow records with libfixbuf. */
#pragma once

#include <glib.h>

#include "flow/mapper.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

/* Whether the file at path is IPFIX: its first two bytes (after gzip, if
 * it is gzip) are the IPFIX version 00 0a.  FALSE for "-" (standard input
 * is read as text) and for a file that cannot be read (the text reader
 * reports that). */
gboolean vpc_ipfix_input_probe (const char *path);

typedef struct VpcIpfixInput VpcIpfixInput;

/* Open an IPFIX file.  VPC_ERROR_IO if it cannot be opened. */
VpcIpfixInput *vpc_ipfix_input_open (const char *path, GError **error);
/* Read plain (not gzip) IPFIX from len bytes at data, which must outlive
 * the input; name is for messages.  No file and no thread: for tests and
 * fuzzing.  VPC_ERROR_IO if the memory stream cannot be made. */
VpcIpfixInput *vpc_ipfix_input_open_memory (const char *name, const void *data, gsize len,
                                            GError **error);
void vpc_ipfix_input_free (VpcIpfixInput *input);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcIpfixInput, vpc_ipfix_input_free)

/* The next flow record (options records, such as the RFC 5610 element
 * types and the interface table, are counted and skipped).  *flow stays
 * valid, strings included, until the next call; its strings' buf is never
 * NULL (an empty string points to an empty buffer); *mask has a bit for every
 * element of VpcElementIndex its template carries.  FALSE with
 * VPC_ERROR_EOF at the end, VPC_ERROR_IPFIX when the file cannot be
 * decoded on (every record before it was returned). */
gboolean vpc_ipfix_input_next (VpcIpfixInput *input, const VpcFlow **flow, guint64 *mask,
                               GError **error);

gboolean vpc_ipfix_input_is_compressed (const VpcIpfixInput *input);
/* Data records read, options records among them. */
guint64 vpc_ipfix_input_get_records (const VpcIpfixInput *input);
guint64 vpc_ipfix_input_get_options_records (const VpcIpfixInput *input);

G_END_DECLS
