/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPFIX output through libfixbuf: session, templates per element set, atomic files. */
#pragma once

#include <glib.h>

#include "mapper.h"
#include "vpc-error.h"

G_BEGIN_DECLS

typedef struct VpcExporter VpcExporter;

/* Write IPFIX to path, "-" = standard output (refused when it is a
 * terminal: VPC_ERROR_USAGE).  A file is written to a temporary name in
 * the same directory and only appears under path on vpc_exporter_commit();
 * an exporter freed without commit removes it. */
VpcExporter *vpc_exporter_new_file (const char *path, guint32 observation_domain,
                                    GError **error);
void vpc_exporter_free (VpcExporter *exporter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcExporter, vpc_exporter_free)

/* Append one flow carrying the elements in mask.  The first flow of a new
 * element set adds its template (ID stable for the set: see
 * vpc_template_id_for_mask()). */
gboolean vpc_exporter_add (VpcExporter *exporter, const VpcFlow *flow, guint64 mask,
                           GError **error);

/* Flush everything, make the file durable and give it its final name. */
gboolean vpc_exporter_commit (VpcExporter *exporter, GError **error);

guint64 vpc_exporter_get_record_count (const VpcExporter *exporter);

/* Interfaces published in the interface table (options template 257:
 * ingressInterface as scope, interfaceName), and interface names whose
 * index was already another name's (a 16-bit hash collision: the flows
 * still carry their interfaceName). */
guint vpc_exporter_get_interface_count (const VpcExporter *exporter);
guint vpc_exporter_get_interface_collisions (const VpcExporter *exporter);
guint vpc_exporter_get_template_count (const VpcExporter *exporter);

/* The preferred template ID of an element set: 256 + hash % 65280.  On a
 * collision within one run the next free ID is taken. */
guint16 vpc_template_id_for_mask (guint64 mask);

G_END_DECLS
