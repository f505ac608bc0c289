/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPFIX encoding through libfixbuf: session, templates per element set, messages to the outputs. */
#pragma once

#include <glib.h>

#include "flow/mapper.h"
#include "output.h"
#include "common/vpc-error.h"

G_BEGIN_DECLS

typedef struct VpcExporter VpcExporter;

/* Encode IPFIX messages (as large as the smallest output takes) and hand
 * each to every output of outputs (VpcOutput*, at least one; the exporter
 * takes the array) that takes IPFIX; encode NetFlow packets (netflow.h)
 * for the outputs that take NetFlow (all of one version).  The outputs
 * are started (TCP: connected) here.  diag (may be NULL, must outlive the
 * exporter) gets warnings about flows an output's protocol cannot carry. */
VpcExporter *vpc_exporter_new (GPtrArray *outputs, guint32 observation_domain,
                               const VpcDiag *diag, GError **error);

/* The same with one file output (see vpc_output_new_file()). */
VpcExporter *vpc_exporter_new_file (const char *path, guint32 observation_domain,
                                    GError **error);
/* An exporter freed before vpc_exporter_finish() leaves no output file. */
void vpc_exporter_free (VpcExporter *exporter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VpcExporter, vpc_exporter_free)

/* Append one flow carrying the elements in mask.  The first flow of a new
 * element set adds its template (ID stable for the set: see
 * vpc_template_id_for_mask()). */
gboolean vpc_exporter_add (VpcExporter *exporter, const VpcFlow *flow, guint64 mask,
                           GError **error);

/* Whether to publish the interface table (off by default; call before
 * the first flow).  Off, every data record is a flow record, which
 * nfcapd's sequence check wants (it counts flow records only, RFC 7011
 * counts options records too). */
void vpc_exporter_set_interface_table (VpcExporter *exporter, gboolean publish);

/* With the interface table on (and IPFIX outputs), publish what the
 * exporter's observation domain stands for (--observation-domain-from):
 * options template 258, observationDomainId (IE 149) as scope and
 * observationDomainName (IE 300) = name, one record; call it before the
 * first flow. */
gboolean vpc_exporter_publish_domain_name (VpcExporter *exporter, const char *name,
                                           GError **error);

/* Send the message being built, if it holds anything. */
gboolean vpc_exporter_flush (VpcExporter *exporter, GError **error);

/* The stream is idle: flush, and let the outputs refresh templates or
 * repair connections. */
gboolean vpc_exporter_idle (VpcExporter *exporter, GError **error);

/* SIGHUP: flush, then re-open every output (vpc_output_reopen); a
 * failure is a warning to diag, the output going on as it was. */
void vpc_exporter_reopen (VpcExporter *exporter);

/* Flush and finish every output: collectors have everything (TCP:
 * acknowledged).  If complete, files are made durable under their final
 * name; if not (the run was cut short), they are left to be removed when
 * the exporter is freed. */
gboolean vpc_exporter_finish (VpcExporter *exporter, gboolean complete, GError **error);

/* Every flow added so far belongs to inputs whose delivery mark is at
 * most mark (marks only grow).  Once those flows are sent, mark is passed
 * to every output (vpc_output_mark). */
void vpc_exporter_mark (VpcExporter *exporter, guint64 mark);

/* The highest mark every output has delivered (from any thread). */
guint64 vpc_exporter_get_delivered (const VpcExporter *exporter);

/* The outputs (for their statistics, from any thread). */
guint vpc_exporter_get_output_count (const VpcExporter *exporter);
VpcOutput *vpc_exporter_get_output (const VpcExporter *exporter, guint index);

guint64 vpc_exporter_get_record_count (const VpcExporter *exporter);

/* Interfaces published in the interface table (0 when it is off;
 * options template 257, ingressInterface as scope, interfaceName), and
 * interface names whose
 * index was already another name's (a 16-bit hash collision: the flows
 * still carry their interfaceName). */
guint vpc_exporter_get_interface_count (const VpcExporter *exporter);
guint vpc_exporter_get_interface_collisions (const VpcExporter *exporter);
guint vpc_exporter_get_template_count (const VpcExporter *exporter);

/* Distinct element sets (external templates) one run can have: the export
 * queue refuses the flows of more (their lines are malformed). */
#define VPC_EXPORTER_MAX_TEMPLATES 4096

/* The preferred template ID of an element set: 256 + hash % 65280.  On a
 * collision within one run the next free ID is taken. */
guint16 vpc_template_id_for_mask (guint64 mask);

/* A slot (0 .. slots - 1, slots a power of two) for mask in a small cache
 * of element sets met recently: a flow's set usually is. */
static inline guint
vpc_mask_slot (guint64 mask, guint slots)
{
  return (guint) ((mask * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)) >> 40) & (slots - 1);
}

G_END_DECLS
