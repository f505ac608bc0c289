/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Inside the IPFIX exporter: its state, shared by exporter.c (messages, templates, flows) and exporter-options.c (options records). */
#pragma once

#include "exporter.h"
#include "netflow.h"
#include "record-packer.h"

G_BEGIN_DECLS

/* Templates found without a hash lookup. */
#define TEMPLATE_CACHE 64
/* Interfaces met recently, checked without a hash lookup nor a copy. */
#define INTERFACE_CACHE 256

/* libfixbuf encodes the template messages and the RFC 5610 records into
 * message (fbExporterAllocBuffer, in manual mode: it says FB_ERROR_EOM when
 * the message is full, and starts a message of their own for templates);
 * the data messages are packed by hand into the same buffer (see
 * exporter_pack()), between libfixbuf's messages; the exporter hands each
 * message to every output.  A second session holding only the external
 * templates encodes the template-only messages the outputs send before a
 * refresh or after a reconnection. */
struct VpcExporter {
  fbInfoModel_t *model;
  fBuf_t *fbuf;        /* owns session and the buffer exporter */
  fbExporter_t *fb_exporter;
  guint8 *message;     /* where fBufEmit() puts a message */
  gsize message_size;
  guint message_records; /* data records in the message being built */
  GPtrArray *outputs;  /* VpcOutput*, owned */
  GPtrArray *ipfix_outputs;   /* borrowed from outputs: those that take IPFIX */
  GPtrArray *netflow_outputs; /* borrowed: those that take NetFlow (one version) */
  VpcNetflow *netflow;        /* their encoder, or NULL */
  guint32 domain;
  GArray *external;    /* TemplateEntry: every external template, in order */
  GPtrArray *template_messages; /* GBytes*: the external templates encoded, or NULL */
  GHashTable *tid_by_mask; /* guint64* -> FlowTemplate* */
  GHashTable *used_tids;   /* GUINT_TO_POINTER (tid) */
  guint64 current_mask;
  gboolean have_current;
  const struct FlowTemplate *current; /* of current_mask */
  const struct FlowTemplate *recent[TEMPLATE_CACHE]; /* by vpc_mask_slot(), or NULL */
  gsize packed_len;         /* bytes of the data message being packed; 0: none */
  gsize set_start;          /* its open data set, 0: none */
  guint16 set_tid;
  VpcPacker *interface_packer; /* InterfaceRecord -> interface table record */
  guint64 records;
  guint32 sequence;         /* data records in the messages sent so far */
  gboolean interface_table; /* publish it (--interface-table) */
  GHashTable *interfaces;   /* index -> name (char*) of every interface met */
  GHashTable *collisions;   /* names whose index another name already had */
  struct {
    guint32 index;
    const char *name; /* the value of index in interfaces, or NULL */
    gsize len;
  } recent_interfaces[INTERFACE_CACHE]; /* by index % INTERFACE_CACHE */
  const VpcDiag *diag;      /* warnings, or NULL */
  guint64 mark;             /* the last delivery mark given (vpc_exporter_mark) */
  guint64 marked;           /* the last one passed on to the outputs */
};

typedef struct {
  guint16 tid;
  fbTemplate_t *tmpl; /* owned by the session */
} TemplateEntry;

/* The external template of an element set and the packer of its records. */
typedef struct FlowTemplate {
  guint64 mask;
  guint16 tid;
  VpcPacker *packer;
} FlowTemplate;

/* exporter.c: append a data record of template tid, packed by packer from
 * record, to the message being built (a new message when it is full). */
gboolean exporter_pack (VpcExporter *self, guint16 tid, const VpcPacker *packer,
                        const void *record, const char *what, GError **error);
/* exporter.c: libfixbuf said the message is full (FB_ERROR_EOM in
 * fb_error): send it and start the next; any other error is returned. */
gboolean exporter_full (VpcExporter *self, GError **fb_error, const char *what, GError **error);
/* exporter.c: add an external template tmpl with ID tid to the session. */
gboolean exporter_add_external (VpcExporter *self, guint16 tid, fbTemplate_t *tmpl,
                                const char *what, GError **error);

/* exporter-options.c: the RFC 5610 records, the interface table's template,
 * and an interface met (its table record when the table is published). */
gboolean exporter_write_element_types (VpcExporter *self, GError **error);
gboolean exporter_add_interface_table (VpcExporter *self, GError **error);
gboolean exporter_note_interface (VpcExporter *self, guint32 index, const fbVarfield_t *name,
                                  GError **error);

G_END_DECLS
