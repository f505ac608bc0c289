/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPFIX exporter: one libfixbuf session, one internal template, an external
 * template per element set, written to an atomically renamed file. */
#include "config.h"

#include "exporter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "infomodel.h"
#include "sink.h"

#define MAX_TEMPLATES 4096

struct VpcExporter {
  fbInfoModel_t *model;
  fBuf_t *fbuf;        /* owns session and exporter */
  VpcSink *sink;       /* writes the encoded messages in the background */
  int fd;
  char *path;          /* final name; NULL for stdout */
  char *tmp_path;      /* temporary name while writing */
  gboolean committed;
  guint16 internal_tid;
  GHashTable *tid_by_mask; /* guint64* -> GUINT_TO_POINTER (tid) */
  GHashTable *used_tids;   /* GUINT_TO_POINTER (tid) */
  guint64 current_mask;
  gboolean have_current;
  guint64 records;
  guint16 interface_itid;   /* internal template of the interface table */
  GHashTable *interfaces;   /* index -> name (char*) published in the table */
  GHashTable *collisions;   /* names whose index another name already had */
  guint32 last_index;       /* the interface of the previous flow (fast path) */
  char *last_name;
};

/* The interface table: an options record (scope ingressInterface) for each
 * interface index met, naming its interface, so that collectors that keep
 * only the numeric index (SiLK) can map it back to the ENI. */
#define INTERFACE_TABLE_TID 257

typedef struct {
  fbVarfield_t interfaceName;
  guint32 ingressInterface;
  guint8 padding[4];
} InterfaceRecord;

guint16
vpc_template_id_for_mask (guint64 mask)
{
  /* splitmix64 finaliser: every bit of the mask moves the result. */
  guint64 z = mask + G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  z ^= z >> 31;
  return (guint16) (256 + z % (65536 - 256));
}

/* Template ID of the RFC 5610 element type records; never used for flows. */
#define TYPE_RECORD_TID 256

/* RFC 5610: one options record per enterprise element, so that a collector
 * (ipfixDump --rfc5610, SiLK, super_mediator) learns their names and types. */
static gboolean
exporter_write_element_types (VpcExporter *self, GError **error)
{
  GError *fb_error = NULL;
  fbSession_t *session = fBufGetSession (self->fbuf);
  fbTemplate_t *tmpl = fbInfoElementAllocTypeTemplate (self->model, &fb_error);
  if (tmpl == NULL)
    return vpc_fixbuf_error (error, fb_error, "RFC 5610 template");
  guint16 itid = fbSessionAddTemplate (session, TRUE, FB_TID_AUTO, tmpl, &fb_error);
  if (itid == 0)
    {
      fbTemplateFreeUnused (tmpl);
      return vpc_fixbuf_error (error, fb_error, "RFC 5610 template");
    }
  /* The external template: the same elements without the padding that
   * aligns libfixbuf's internal record. */
  fbTemplate_t *ext = fbTemplateAlloc (self->model);
  for (uint32_t i = 0; i < fbTemplateCountElements (tmpl); i++)
    {
      fbInfoElement_t *ie = fbTemplateGetIndexedIE (tmpl, i);
      if (ie->num == 210 && ie->ent == 0) /* paddingOctets */
        continue;
      fbInfoElement_t copy = *ie;
      copy.ref.canon = ie->ref.canon;
      if (!fbTemplateAppend (ext, &copy, &fb_error))
        {
          fbTemplateFreeUnused (ext);
          return vpc_fixbuf_error (error, fb_error, "RFC 5610 template");
        }
    }
  fbTemplateSetOptionsScope (ext, 2); /* privateEnterpriseNumber, informationElementId */
  if (fbSessionAddTemplate (session, FALSE, TYPE_RECORD_TID, ext, &fb_error) == 0)
    {
      fbTemplateFreeUnused (ext);
      return vpc_fixbuf_error (error, fb_error, "RFC 5610 template");
    }
  g_hash_table_add (self->used_tids, GUINT_TO_POINTER (TYPE_RECORD_TID));

  for (const fbInfoElement_t *ie = vpc_infomodel_enterprise_elements (); ie->ref.name != NULL;
       ie++)
    {
      const fbInfoElement_t *model_ie = fbInfoModelGetElementByName (self->model, ie->ref.name);
      if (!fbInfoElementWriteOptionsRecord (self->fbuf, model_ie, itid, TYPE_RECORD_TID,
                                            &fb_error))
        return vpc_fixbuf_error (error, fb_error, "RFC 5610 type record");
    }
  self->have_current = FALSE; /* the fbuf's templates were switched */
  return TRUE;
}

static gboolean
exporter_add_interface_table (VpcExporter *self, GError **error)
{
  GError *fb_error = NULL;
  fbSession_t *session = fBufGetSession (self->fbuf);
  fbTemplate_t *internal = fbTemplateAlloc (self->model);
  if (!vpc_template_append (internal, "interfaceName", FB_IE_VARLEN, error)
      || !vpc_template_append (internal, "ingressInterface", 4, error)
      || !vpc_template_append (internal, "paddingOctets", 4, error))
    {
      fbTemplateFreeUnused (internal);
      return FALSE;
    }
  G_STATIC_ASSERT (sizeof (InterfaceRecord) == sizeof (fbVarfield_t) + 8);
  self->interface_itid = fbSessionAddTemplate (session, TRUE, FB_TID_AUTO, internal, &fb_error);
  if (self->interface_itid == 0)
    {
      fbTemplateFreeUnused (internal);
      return vpc_fixbuf_error (error, fb_error, "interface table template");
    }
  fbTemplate_t *ext = fbTemplateAlloc (self->model);
  if (!vpc_template_append (ext, "ingressInterface", 4, error)
      || !vpc_template_append (ext, "interfaceName", FB_IE_VARLEN, error))
    {
      fbTemplateFreeUnused (ext);
      return FALSE;
    }
  fbTemplateSetOptionsScope (ext, 1);
  if (fbSessionAddTemplate (session, FALSE, INTERFACE_TABLE_TID, ext, &fb_error) == 0)
    {
      fbTemplateFreeUnused (ext);
      return vpc_fixbuf_error (error, fb_error, "interface table template");
    }
  g_hash_table_add (self->used_tids, GUINT_TO_POINTER (INTERFACE_TABLE_TID));
  return TRUE;
}

/* Publish index -> name the first time index is met; count a second name
 * for an index already published. */
static gboolean
exporter_note_interface (VpcExporter *self, guint32 index, const fbVarfield_t *name,
                         GError **error)
{
  if (index == self->last_index && self->last_name != NULL
      && strlen (self->last_name) == name->len
      && memcmp (self->last_name, name->buf, name->len) == 0)
    return TRUE;
  g_autofree char *text = g_strndup ((const char *) name->buf, name->len);
  const char *known = g_hash_table_lookup (self->interfaces, GUINT_TO_POINTER (index));
  self->last_index = index;
  if (known != NULL)
    {
      if (strcmp (known, text) != 0 && !g_hash_table_contains (self->collisions, text))
        g_hash_table_add (self->collisions, g_strdup (text));
      g_free (self->last_name);
      self->last_name = g_steal_pointer (&text);
      return TRUE;
    }

  GError *fb_error = NULL;
  InterfaceRecord record = { .interfaceName = *name, .ingressInterface = index };
  if (!fBufSetInternalTemplate (self->fbuf, self->interface_itid, &fb_error)
      || !fBufSetExportTemplate (self->fbuf, INTERFACE_TABLE_TID, &fb_error)
      || !fBufAppend (self->fbuf, (uint8_t *) &record, sizeof record, &fb_error)
      || !fBufSetInternalTemplate (self->fbuf, self->internal_tid, &fb_error))
    return vpc_fixbuf_error (error, fb_error, "interface table record");
  self->have_current = FALSE;
  g_hash_table_insert (self->interfaces, GUINT_TO_POINTER (index), g_strdup (text));
  g_free (self->last_name);
  self->last_name = g_steal_pointer (&text);
  return TRUE;
}

static gboolean
exporter_setup (VpcExporter *self, fbExporter_t *fb_exporter, guint32 domain, GError **error)
{
  GError *fb_error = NULL;
  self->model = vpc_infomodel_new ();
  fbSession_t *session = fbSessionAlloc (self->model);
  self->fbuf = fBufAllocForExport (session, fb_exporter);
  fbSessionSetDomain (session, domain);

  if (!exporter_write_element_types (self, error))
    return FALSE;
  if (!exporter_add_interface_table (self, error))
    return FALSE;

  fbTemplate_t *tmpl = vpc_flow_template_new (self->model, VPC_FLOW_INTERNAL, error);
  if (tmpl == NULL)
    return FALSE;
  self->internal_tid = fbSessionAddTemplate (session, TRUE, FB_TID_AUTO, tmpl, &fb_error);
  if (self->internal_tid == 0)
    {
      fbTemplateFreeUnused (tmpl);
      return vpc_fixbuf_error (error, fb_error, "internal template");
    }
  if (!fBufSetInternalTemplate (self->fbuf, self->internal_tid, &fb_error))
    return vpc_fixbuf_error (error, fb_error, "internal template");
  return TRUE;
}

VpcExporter *
vpc_exporter_new_file (const char *path, guint32 observation_domain, GError **error)
{
  g_autoptr (VpcExporter) self = g_new0 (VpcExporter, 1);
  self->tid_by_mask = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->used_tids = g_hash_table_new (NULL, NULL);
  self->interfaces = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->collisions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (strcmp (path, "-") == 0)
    {
      if (isatty (STDOUT_FILENO))
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                       "refusing to write IPFIX to a terminal: redirect standard output or use -o FILE");
          return NULL;
        }
      self->fd = STDOUT_FILENO;
      self->sink = vpc_sink_new (STDOUT_FILENO, "<stdout>", FALSE);
    }
  else
    {
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *base = g_path_get_basename (path);
      self->path = g_strdup (path);
      self->tmp_path = g_strdup_printf ("%s/.%s.XXXXXX.partial", dir, base);
      int fd = g_mkstemp_full (self->tmp_path, O_WRONLY | O_CLOEXEC, 0666);
      if (fd < 0)
        {
          int saved = errno;
          g_clear_pointer (&self->tmp_path, g_free);
          g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: cannot create output: %s", path,
                       g_strerror (saved));
          return NULL;
        }
      self->fd = fd;
      self->sink = vpc_sink_new (fd, path, TRUE);
    }
  if (!exporter_setup (self, fbExporterAllocFP (vpc_sink_get_file (self->sink)),
                       observation_domain, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
vpc_exporter_free (VpcExporter *self)
{
  if (self == NULL)
    return;
  if (self->fbuf != NULL)
    fBufFree (self->fbuf); /* frees session and exporter; closes the sink's FILE */
  vpc_sink_free (self->sink);
  if (self->tmp_path != NULL && !self->committed)
    unlink (self->tmp_path);
  if (self->model != NULL)
    fbInfoModelFree (self->model);
  g_hash_table_unref (self->tid_by_mask);
  g_hash_table_unref (self->used_tids);
  g_hash_table_unref (self->interfaces);
  g_hash_table_unref (self->collisions);
  g_free (self->last_name);
  g_free (self->path);
  g_free (self->tmp_path);
  g_free (self);
}

/* The external template ID for mask, adding the template on first use. */
static gboolean
exporter_template_for (VpcExporter *self, guint64 mask, guint16 *tid_out, GError **error)
{
  gpointer found = g_hash_table_lookup (self->tid_by_mask, &mask);
  if (found != NULL)
    {
      *tid_out = (guint16) GPOINTER_TO_UINT (found);
      return TRUE;
    }
  if (g_hash_table_size (self->used_tids) >= MAX_TEMPLATES)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IPFIX,
                   "more than %d distinct field sets: input is not flow log data",
                   MAX_TEMPLATES);
      return FALSE;
    }

  fbTemplate_t *tmpl = vpc_flow_template_new (self->model, mask, error);
  if (tmpl == NULL)
    return FALSE;
  GError *fb_error = NULL;
  guint16 tid = vpc_template_id_for_mask (mask);
  while (g_hash_table_contains (self->used_tids, GUINT_TO_POINTER (tid)))
    tid = tid == G_MAXUINT16 ? 256 : tid + 1;

  fbSession_t *session = fBufGetSession (self->fbuf);
  if (fbSessionAddTemplate (session, FALSE, tid, tmpl, &fb_error) == 0)
    {
      fbTemplateFreeUnused (tmpl);
      return vpc_fixbuf_error (error, fb_error, "adding a template");
    }
  g_hash_table_add (self->used_tids, GUINT_TO_POINTER (tid));
  g_hash_table_insert (self->tid_by_mask, g_memdup2 (&mask, sizeof mask), GUINT_TO_POINTER (tid));
  *tid_out = tid;
  return TRUE;
}

gboolean
vpc_exporter_add (VpcExporter *self, const VpcFlow *flow, guint64 mask, GError **error)
{
  GError *fb_error = NULL;
  if (mask & (G_GUINT64_CONSTANT (1) << VPC_EL_IF_NAME))
    {
      guint32 index = (mask & (G_GUINT64_CONSTANT (1) << VPC_EL_EGRESS_IF))
                          ? flow->egressInterface
                          : flow->ingressInterface;
      if (!exporter_note_interface (self, index, &flow->interfaceName, error))
        return FALSE;
    }
  if (!self->have_current || mask != self->current_mask)
    {
      guint16 tid = 0;
      if (!exporter_template_for (self, mask, &tid, error))
        return FALSE;
      if (!fBufSetExportTemplate (self->fbuf, tid, &fb_error))
        return vpc_fixbuf_error (error, fb_error, "selecting a template");
      self->current_mask = mask;
      self->have_current = TRUE;
    }
  if (!fBufAppend (self->fbuf, (uint8_t *) flow, sizeof *flow, &fb_error))
    return vpc_fixbuf_error (error, fb_error, self->path != NULL ? self->path : "<stdout>");
  self->records++;
  return TRUE;
}

gboolean
vpc_exporter_commit (VpcExporter *self, GError **error)
{
  GError *fb_error = NULL;
  const char *name = self->path != NULL ? self->path : "<stdout>";
  if (!fBufEmit (self->fbuf, &fb_error))
    return vpc_fixbuf_error (error, fb_error, name);
  if (!vpc_sink_finish (self->sink, error))
    return FALSE;
  if (self->tmp_path == NULL)
    return TRUE;
  if (fsync (self->fd) != 0 && errno != EINVAL)
    {
      int saved = errno;
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", name, g_strerror (saved));
      return FALSE;
    }
  /* mkstemp made it 0600; give it the mode a plain creat() would have. */
  mode_t mask = umask (0);
  umask (mask);
  if (fchmod (self->fd, 0666 & ~mask) != 0)
    {
      int saved = errno;
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", name, g_strerror (saved));
      return FALSE;
    }
  fBufFree (self->fbuf); /* closes the file */
  self->fbuf = NULL;
  if (rename (self->tmp_path, self->path) != 0)
    {
      int saved = errno;
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: cannot rename %s: %s", name,
                   self->tmp_path, g_strerror (saved));
      return FALSE;
    }
  self->committed = TRUE;
  return TRUE;
}

guint64
vpc_exporter_get_record_count (const VpcExporter *self)
{
  return self->records;
}

guint
vpc_exporter_get_template_count (const VpcExporter *self)
{
  return g_hash_table_size (self->used_tids);
}

guint
vpc_exporter_get_interface_count (const VpcExporter *self)
{
  return g_hash_table_size (self->interfaces);
}

guint
vpc_exporter_get_interface_collisions (const VpcExporter *self)
{
  return g_hash_table_size (self->collisions);
}
