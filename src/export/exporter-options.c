/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exporter's options records: the RFC 5610 element types, the interface table and the domain name. */
#include "config.h"

#include "exporter-private.h"

#include <string.h>

#include "flow/infomodel.h"

#define INTERFACE_TABLE_TID 257

typedef struct {
  fbVarfield_t interfaceName;
  guint32 ingressInterface;
} InterfaceRecord;

/* Template ID of the RFC 5610 element type records; never used for flows. */
#define TYPE_RECORD_TID 256

/* RFC 5610: one options record per enterprise element, so that a collector
 * (ipfixDump --rfc5610, SiLK, super_mediator) learns their names and types. */
gboolean
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
  if (!exporter_add_external (self, TYPE_RECORD_TID, ext, "RFC 5610 template", error))
    return FALSE;

  for (const fbInfoElement_t *ie = vpc_infomodel_enterprise_elements (); ie->ref.name != NULL;
       ie++)
    {
      const fbInfoElement_t *model_ie = fbInfoModelGetElementByName (self->model, ie->ref.name);
      if (!fbInfoElementWriteOptionsRecord (self->fbuf, model_ie, itid, TYPE_RECORD_TID,
                                            &fb_error)
          && (!exporter_full (self, &fb_error, "RFC 5610 type record", error)
              || !fbInfoElementWriteOptionsRecord (self->fbuf, model_ie, itid, TYPE_RECORD_TID,
                                                   &fb_error)))
        return fb_error != NULL ? vpc_fixbuf_error (error, fb_error, "RFC 5610 type record")
                                : FALSE;
      self->message_records++;
    }
  self->have_current = FALSE; /* the fbuf's templates were switched */
  return TRUE;
}

gboolean
exporter_add_interface_table (VpcExporter *self, GError **error)
{
  fbTemplate_t *ext = fbTemplateAlloc (self->model);
  if (!vpc_template_append (ext, "ingressInterface", 4, error)
      || !vpc_template_append (ext, "interfaceName", FB_IE_VARLEN, error))
    {
      fbTemplateFreeUnused (ext);
      return FALSE;
    }
  fbTemplateSetOptionsScope (ext, 1);
  self->interface_packer = vpc_packer_new ();
  if (!vpc_packer_add_element (self->interface_packer, fbTemplateGetIndexedIE (ext, 0),
                               offsetof (InterfaceRecord, ingressInterface))
      || !vpc_packer_add_element (self->interface_packer, fbTemplateGetIndexedIE (ext, 1),
                                  offsetof (InterfaceRecord, interfaceName)))
    g_assert_not_reached ();
  return exporter_add_external (self, INTERFACE_TABLE_TID, ext, "interface table template",
                                error);
}

/* Note index -> name the first time index is met (published in the
 * interface table when it is on); count a second name for an index
 * already met. */
gboolean
exporter_note_interface (VpcExporter *self, guint32 index, const fbVarfield_t *name,
                         GError **error)
{
  __typeof__ (self->recent_interfaces[0]) *recent
      = &self->recent_interfaces[index % INTERFACE_CACHE];
  if (recent->name != NULL && recent->index == index && recent->len == name->len
      && memcmp (recent->name, name->buf, name->len) == 0)
    return TRUE;
  const char *known = g_hash_table_lookup (self->interfaces, GUINT_TO_POINTER (index));
  if (known != NULL)
    {
      if (strlen (known) == name->len && memcmp (known, name->buf, name->len) == 0)
        {
          recent->index = index;
          recent->name = known;
          recent->len = name->len;
          return TRUE;
        }
      g_autofree char *text = g_strndup ((const char *) name->buf, name->len);
      if (!g_hash_table_contains (self->collisions, text))
        g_hash_table_add (self->collisions, g_steal_pointer (&text));
      return TRUE;
    }

  char *text = g_strndup ((const char *) name->buf, name->len);
  g_hash_table_insert (self->interfaces, GUINT_TO_POINTER (index), text);
  recent->index = index;
  recent->name = text;
  recent->len = name->len;
  if (!self->interface_table)
    return TRUE;
  InterfaceRecord record = { .interfaceName = *name, .ingressInterface = index };
  return exporter_pack (self, INTERFACE_TABLE_TID, self->interface_packer, &record,
                        "interface table record", error);
}

/* The domain's name: an options record (scope observationDomainId,
 * observationDomainName) saying what the exporter's domain stands for. */
#define DOMAIN_NAME_TID 258

typedef struct {
  fbVarfield_t observationDomainName;
  guint32 observationDomainId;
} DomainNameRecord;

gboolean
vpc_exporter_publish_domain_name (VpcExporter *self, const char *name, GError **error)
{
  if (!self->interface_table || self->ipfix_outputs->len == 0)
    return TRUE;
  fbTemplate_t *ext = fbTemplateAlloc (self->model);
  if (!vpc_template_append (ext, "observationDomainId", 4, error)
      || !vpc_template_append (ext, "observationDomainName", FB_IE_VARLEN, error))
    {
      fbTemplateFreeUnused (ext);
      return FALSE;
    }
  fbTemplateSetOptionsScope (ext, 1);
  VpcPacker *packer = vpc_packer_new ();
  if (!vpc_packer_add_element (packer, fbTemplateGetIndexedIE (ext, 0),
                               offsetof (DomainNameRecord, observationDomainId))
      || !vpc_packer_add_element (packer, fbTemplateGetIndexedIE (ext, 1),
                                  offsetof (DomainNameRecord, observationDomainName)))
    g_assert_not_reached ();
  DomainNameRecord record = {
    .observationDomainName = { .len = strlen (name), .buf = (guint8 *) name },
    .observationDomainId = self->domain,
  };
  gboolean ok = exporter_add_external (self, DOMAIN_NAME_TID, ext, "domain name template", error)
                && exporter_pack (self, DOMAIN_NAME_TID, packer, &record, "domain name record",
                                  error);
  vpc_packer_free (packer);
  return ok;
}
