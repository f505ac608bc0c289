/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPFIX exporter: one libfixbuf session, one internal template, an external
 * template per element set, encoded into messages handed to the outputs. */
#include "config.h"

#include "exporter.h"

#include <string.h>

#include "exporter-private.h"
#include "flow/infomodel.h"
#include "netflow.h"

static void
flow_template_free (FlowTemplate *t)
{
  vpc_packer_free (t->packer);
  g_free (t);
}

/* Whether fBufEmit() put a message into buffer, which was cleared before
 * (a message starts 00 0a, version 10; fBufEmit() writes nothing when
 * nothing is pending). */
static void
message_clear (guint8 *buffer)
{
  buffer[0] = buffer[1] = 0;
}

static gboolean
message_written (const guint8 *buffer)
{
  return buffer[0] == 0 && buffer[1] == 10;
}

/* Remove the empty Sets (length 4) libfixbuf 2.4 leaves when a record does
 * not fit after its Set header: RFC 7011 forbids them, and nfcapd drops
 * the rest of a message after one.  Returns the new length. */
static gsize
message_strip_empty_sets (guint8 *message, gsize len)
{
  gsize in = 16, out = 16;
  while (in + 4 <= len)
    {
      gsize set_len = (gsize) message[in + 2] << 8 | message[in + 3];
      if (set_len < 4 || in + set_len > len)
        return len; /* not ours to judge: leave it as it is */
      if (set_len > 4)
        {
          memmove (message + out, message + in, set_len);
          out += set_len;
        }
      in += set_len;
    }
  if (out != len)
    {
      message[2] = (guint8) (out >> 8);
      message[3] = (guint8) out;
    }
  return out;
}

/* Pass the last mark on to the outputs: everything added before it is sent. */
static void
exporter_pass_mark (VpcExporter *self)
{
  if (self->marked == self->mark)
    return;
  self->marked = self->mark;
  for (guint i = 0; i < self->outputs->len; i++)
    vpc_output_mark (self->outputs->pdata[i], self->marked);
}

/* Hand the message in message (len bytes) to every output.  Its sequence
 * number is set here, libfixbuf's messages' too: the data records of the
 * previous messages (RFC 7011), counted by the exporter, since libfixbuf
 * does not count those packed by hand. */
static gboolean
exporter_send (VpcExporter *self, gsize len, GError **error)
{
  vpc_pack_put32 (self->message + 8, self->sequence);
  self->sequence += self->message_records;
  guint records = self->message_records;
  self->message_records = 0;
  for (guint i = 0; i < self->ipfix_outputs->len; i++)
    if (!vpc_output_send (self->ipfix_outputs->pdata[i], self->message, len, records, error))
      return FALSE;
  /* A full message holds every record added before the one that did not fit. */
  if (self->netflow == NULL)
    exporter_pass_mark (self);
  return TRUE;
}

/* The message libfixbuf built, if any. */
static gboolean
exporter_emit_fixbuf (VpcExporter *self, GError **error)
{
  GError *fb_error = NULL;
  message_clear (self->message);
  if (!fBufEmit (self->fbuf, &fb_error))
    return vpc_fixbuf_error (error, fb_error, "emitting a message");
  if (!message_written (self->message))
    return TRUE; /* nothing was pending */
  gsize len = message_strip_empty_sets (self->message,
                                        fbExporterGetMsgLen (self->fb_exporter));
  if (len == 16)
    return TRUE; /* only empty Sets */
  return exporter_send (self, len, error);
}

/* Close the open data set of the packed message. */
static void
exporter_close_set (VpcExporter *self)
{
  if (self->set_start == 0)
    return;
  vpc_pack_put16 (self->message + self->set_start + 2,
                  (guint16) (self->packed_len - self->set_start));
  self->set_start = 0;
}

/* The data message packed by hand, if any. */
static gboolean
exporter_emit_packed (VpcExporter *self, GError **error)
{
  if (self->packed_len == 0)
    return TRUE;
  exporter_close_set (self);
  gsize len = self->packed_len;
  self->packed_len = 0;
  vpc_pack_put16 (self->message + 2, (guint16) len);
  return exporter_send (self, len, error);
}

/* Hand the message built so far, if any, to every output: a data message
 * packed by hand, or one libfixbuf built (never both: each is sent before
 * the other starts). */
static gboolean
exporter_emit (VpcExporter *self, GError **error)
{
  return exporter_emit_packed (self, error) && exporter_emit_fixbuf (self, error);
}

/* Append a data record of template tid, packed by packer from record, to
 * the data message, starting a new one when it is full: the records,
 * sets and messages libfixbuf's fBufAppend() makes (a set per run of
 * records of one template; a message of their own after templates). */
gboolean
exporter_pack (VpcExporter *self, guint16 tid, const VpcPacker *packer, const void *record,
               const char *what, GError **error)
{
  if (self->packed_len == 0 && !exporter_emit_fixbuf (self, error))
    return FALSE; /* the templates go first, in a message of their own */
  gsize len = vpc_packer_record_length (packer, record);
  gboolean new_set = self->set_start == 0 || self->set_tid != tid;
  if (self->packed_len != 0 && self->packed_len + (new_set ? 4 : 0) + len > self->message_size)
    {
      if (!exporter_emit_packed (self, error))
        return FALSE;
      new_set = TRUE;
    }
  if (self->packed_len == 0)
    {
      if (16 + 4 + len > self->message_size)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_IPFIX,
                       "%s: the record does not fit in an IPFIX message of %" G_GSIZE_FORMAT
                       " bytes (raise --mtu)",
                       what, self->message_size);
          return FALSE;
        }
      fbSession_t *session = fBufGetSession (self->fbuf);
      guint8 *m = self->message;
      vpc_pack_put16 (m, 10);
      vpc_pack_put16 (m + 2, 0);
      vpc_pack_put32 (m + 4, (guint32) time (NULL));
      vpc_pack_put32 (m + 8, 0); /* exporter_send() */
      vpc_pack_put32 (m + 12, fbSessionGetDomain (session));
      self->packed_len = 16;
    }
  if (new_set)
    {
      exporter_close_set (self);
      self->set_start = self->packed_len;
      self->set_tid = tid;
      vpc_pack_put16 (self->message + self->packed_len, tid);
      self->packed_len += 4;
    }
  vpc_packer_pack (packer, record, self->message + self->packed_len);
  self->packed_len += len;
  self->message_records++;
  return TRUE;
}

/* A libfixbuf call that failed with fb_error: TRUE (error cleared) if it
 * was only the end of the message, which is then emitted so that the call
 * can be made again; FALSE (error set) otherwise. */
gboolean
exporter_full (VpcExporter *self, GError **fb_error, const char *what, GError **error)
{
  if (!g_error_matches (*fb_error, FB_ERROR_DOMAIN, FB_ERROR_EOM))
    return vpc_fixbuf_error (error, g_steal_pointer (fb_error), what);
  g_clear_error (fb_error);
  return exporter_emit (self, error);
}

/* Add an external template (which goes into the message at once). */
gboolean
exporter_add_external (VpcExporter *self, guint16 tid, fbTemplate_t *tmpl, const char *what,
                       GError **error)
{
  GError *fb_error = NULL;
  fbSession_t *session = fBufGetSession (self->fbuf);
  if (!exporter_emit_packed (self, error))
    {
      fbTemplateFreeUnused (tmpl);
      return FALSE;
    }
  if (fbSessionAddTemplate (session, FALSE, tid, tmpl, &fb_error) == 0
      && (!exporter_full (self, &fb_error, what, error)
          || fbSessionAddTemplate (session, FALSE, tid, tmpl, &fb_error) == 0))
    {
      fbTemplateFreeUnused (tmpl);
      return fb_error != NULL ? vpc_fixbuf_error (error, fb_error, what) : FALSE;
    }
  TemplateEntry entry = { tid, tmpl };
  g_array_append_val (self->external, entry);
  g_clear_pointer (&self->template_messages, g_ptr_array_unref);
  g_hash_table_add (self->used_tids, GUINT_TO_POINTER (tid));
  return TRUE;
}

/* The interface table: an options record (scope ingressInterface) for each
 * interface index met, naming its interface, so that collectors that keep
 * only the numeric index (SiLK) can map it back to the ENI. */
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

static gboolean
exporter_setup (VpcExporter *self, GError **error)
{
  self->model = vpc_infomodel_new ();
  fbSession_t *session = fbSessionAlloc (self->model);
  self->fb_exporter = fbExporterAllocBuffer (self->message, (uint16_t) self->message_size);
  self->fbuf = fBufAllocForExport (session, self->fb_exporter);
  fBufSetAutomaticMode (self->fbuf, FALSE);
  fbSessionSetDomain (session, self->domain);

  if (!exporter_write_element_types (self, error))
    return FALSE;
  if (!exporter_add_interface_table (self, error))
    return FALSE;
  /* The data records are packed by hand (exporter_pack()): libfixbuf
   * needs no internal template for them. */
  return TRUE;
}

/* Emit what fbuf holds into messages, as a GBytes. */
static gboolean
template_messages_emit (fBuf_t *fbuf, fbExporter_t *fb_exporter, guint8 *buffer,
                        GPtrArray *messages, GError **error)
{
  GError *fb_error = NULL;
  message_clear (buffer);
  if (!fBufEmit (fbuf, &fb_error))
    return vpc_fixbuf_error (error, fb_error, "template message");
  if (message_written (buffer))
    g_ptr_array_add (messages, g_bytes_new (buffer, fbExporterGetMsgLen (fb_exporter)));
  return TRUE;
}

/* Encode every external template into template-only messages, with a
 * session of their own (the outputs set their sequence numbers). */
static gboolean
exporter_encode_templates (VpcExporter *self, GError **error)
{
  GError *fb_error = NULL;
  fbSession_t *session = fbSessionAlloc (self->model);
  fbSessionSetDomain (session, self->domain);
  for (guint i = 0; i < self->external->len; i++)
    {
      TemplateEntry *e = &g_array_index (self->external, TemplateEntry, i);
      if (fbSessionAddTemplate (session, FALSE, e->tid, e->tmpl, &fb_error) == 0)
        {
          fbSessionFree (session);
          return vpc_fixbuf_error (error, fb_error, "template message");
        }
    }
  g_autofree guint8 *buffer = g_malloc (self->message_size);
  fbExporter_t *fb_exporter = fbExporterAllocBuffer (buffer, (uint16_t) self->message_size);
  fBuf_t *fbuf = fBufAllocForExport (session, fb_exporter); /* owns both */
  fBufSetAutomaticMode (fbuf, FALSE);
  g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < self->external->len && fb_error == NULL; i++)
    {
      TemplateEntry *e = &g_array_index (self->external, TemplateEntry, i);
      if (fbSessionExportTemplate (session, e->tid, &fb_error)
          || !g_error_matches (fb_error, FB_ERROR_DOMAIN, FB_ERROR_EOM))
        continue;
      g_clear_error (&fb_error);
      if (!template_messages_emit (fbuf, fb_exporter, buffer, messages, error))
        {
          fBufFree (fbuf);
          return FALSE;
        }
      fbSessionExportTemplate (session, e->tid, &fb_error);
    }
  if (fb_error != NULL)
    {
      fBufFree (fbuf);
      return vpc_fixbuf_error (error, fb_error, "template message");
    }
  gboolean ok = template_messages_emit (fbuf, fb_exporter, buffer, messages, error);
  fBufFree (fbuf);
  if (!ok)
    return FALSE;
  self->template_messages = g_steal_pointer (&messages);
  return TRUE;
}

/* VpcTemplateMessagesFunc for the outputs. */
static gboolean
exporter_template_messages (gpointer data, GPtrArray **messages, GError **error)
{
  VpcExporter *self = data;
  if (self->template_messages == NULL && !exporter_encode_templates (self, error))
    return FALSE;
  *messages = g_ptr_array_ref (self->template_messages);
  return TRUE;
}

VpcExporter *
vpc_exporter_new (GPtrArray *outputs, guint32 observation_domain, const VpcDiag *diag,
                  GError **error)
{
  g_assert (outputs->len > 0);
  g_autoptr (VpcExporter) self = g_new0 (VpcExporter, 1);
  self->outputs = outputs;
  self->diag = diag;
  self->domain = observation_domain;
  self->tid_by_mask = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                             (GDestroyNotify) flow_template_free);
  self->used_tids = g_hash_table_new (NULL, NULL);
  self->interfaces = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  self->collisions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->external = g_array_new (FALSE, FALSE, sizeof (TemplateEntry));
  self->ipfix_outputs = g_ptr_array_new ();
  self->netflow_outputs = g_ptr_array_new ();
  VpcProtocol netflow_protocol = VPC_PROTOCOL_IPFIX;
  for (guint i = 0; i < outputs->len; i++)
    {
      VpcProtocol protocol = vpc_output_get_protocol (outputs->pdata[i]);
      g_assert (protocol == VPC_PROTOCOL_IPFIX || netflow_protocol == VPC_PROTOCOL_IPFIX
                || protocol == netflow_protocol);
      if (protocol != VPC_PROTOCOL_IPFIX)
        netflow_protocol = protocol;
      g_ptr_array_add (protocol == VPC_PROTOCOL_IPFIX ? self->ipfix_outputs
                                                      : self->netflow_outputs,
                       outputs->pdata[i]);
    }
  for (guint i = 0; i < self->netflow_outputs->len; i++)
    if (!vpc_output_start (self->netflow_outputs->pdata[i], NULL, NULL, error))
      return NULL;
  if (self->netflow_outputs->len > 0)
    {
      self->netflow = vpc_netflow_new (netflow_protocol, observation_domain,
                                       self->netflow_outputs, diag, error);
      if (self->netflow == NULL)
        return NULL;
    }
  if (self->ipfix_outputs->len == 0)
    return g_steal_pointer (&self);

  self->message_size = G_MAXUINT16;
  for (guint i = 0; i < self->ipfix_outputs->len; i++)
    self->message_size
        = MIN (self->message_size, vpc_output_get_max_message (self->ipfix_outputs->pdata[i]));
  self->message = g_malloc (self->message_size);
  for (guint i = 0; i < self->ipfix_outputs->len; i++)
    if (!vpc_output_start (self->ipfix_outputs->pdata[i], exporter_template_messages, self,
                           error))
      return NULL;
  if (!exporter_setup (self, error))
    return NULL;
  /* The element type records go in a message of their own: nfcapd counts
   * only flow records in its sequence check, and forgives a difference
   * only before the first flows. */
  if (!exporter_emit (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

VpcExporter *
vpc_exporter_new_file (const char *path, guint32 observation_domain, GError **error)
{
  VpcOutput *output = vpc_output_new_file (path, error);
  if (output == NULL)
    return NULL;
  GPtrArray *outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) vpc_output_free);
  g_ptr_array_add (outputs, output);
  return vpc_exporter_new (outputs, observation_domain, NULL, error);
}

void
vpc_exporter_free (VpcExporter *self)
{
  if (self == NULL)
    return;
  if (self->fbuf != NULL)
    fBufFree (self->fbuf); /* frees session and exporter */
  vpc_netflow_free (self->netflow);
  g_clear_pointer (&self->ipfix_outputs, g_ptr_array_unref);
  g_clear_pointer (&self->netflow_outputs, g_ptr_array_unref);
  g_ptr_array_unref (self->outputs); /* an unfinished file is removed */
  if (self->model != NULL)
    fbInfoModelFree (self->model);
  g_clear_pointer (&self->template_messages, g_ptr_array_unref);
  g_array_unref (self->external);
  g_hash_table_unref (self->tid_by_mask);
  g_hash_table_unref (self->used_tids);
  g_hash_table_unref (self->interfaces);
  g_hash_table_unref (self->collisions);
  g_free (self->message);
  vpc_packer_free (self->interface_packer);
  g_free (self);
}

/* The external template for mask, adding it on first use. */
static gboolean
exporter_template_for (VpcExporter *self, guint64 mask, const FlowTemplate **out,
                       GError **error)
{
  const FlowTemplate **recent = &self->recent[vpc_mask_slot (mask, TEMPLATE_CACHE)];
  if (*recent != NULL && (*recent)->mask == mask)
    {
      *out = *recent;
      return TRUE;
    }
  const FlowTemplate *found = g_hash_table_lookup (self->tid_by_mask, &mask);
  if (found != NULL)
    {
      *out = *recent = found;
      return TRUE;
    }
  if (g_hash_table_size (self->tid_by_mask) >= VPC_EXPORTER_MAX_TEMPLATES)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IPFIX,
                   "more than %d distinct field sets: input is not flow log data",
                   VPC_EXPORTER_MAX_TEMPLATES);
      return FALSE;
    }

  fbTemplate_t *tmpl = vpc_flow_template_new (self->model, mask, error);
  if (tmpl == NULL)
    return FALSE;
  VpcPacker *packer = vpc_flow_packer_new (tmpl, mask, error);
  if (packer == NULL)
    {
      fbTemplateFreeUnused (tmpl);
      return FALSE;
    }
  guint16 tid = vpc_template_id_for_mask (mask);
  while (g_hash_table_contains (self->used_tids, GUINT_TO_POINTER (tid)))
    tid = tid == G_MAXUINT16 ? 256 : tid + 1;

  if (!exporter_add_external (self, tid, tmpl, "adding a template", error))
    {
      vpc_packer_free (packer);
      return FALSE;
    }
  FlowTemplate *t = g_new (FlowTemplate, 1);
  t->mask = mask;
  t->tid = tid;
  t->packer = packer;
  g_hash_table_insert (self->tid_by_mask, g_memdup2 (&mask, sizeof mask), t);
  *out = *recent = t;
  return TRUE;
}

gboolean
vpc_exporter_add (VpcExporter *self, const VpcFlow *flow, guint64 mask, GError **error)
{
  if (self->netflow != NULL && !vpc_netflow_add (self->netflow, flow, mask, error))
    return FALSE;
  if (self->ipfix_outputs->len == 0)
    {
      self->records++;
      return TRUE;
    }
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
      if (!exporter_template_for (self, mask, &self->current, error))
        return FALSE;
      self->current_mask = mask;
      self->have_current = TRUE;
    }
  if (!exporter_pack (self, self->current->tid, self->current->packer, flow, "encoding a flow",
                      error))
    return FALSE;
  self->records++;
  return TRUE;
}

void
vpc_exporter_set_interface_table (VpcExporter *self, gboolean publish)
{
  self->interface_table = publish;
}

/* Send what the encoders hold. */
static gboolean
exporter_flush_all (VpcExporter *self, GError **error)
{
  if (self->netflow != NULL && !vpc_netflow_flush (self->netflow, error))
    return FALSE;
  if (self->ipfix_outputs->len > 0 && !exporter_emit (self, error))
    return FALSE;
  exporter_pass_mark (self);
  return TRUE;
}

void
vpc_exporter_mark (VpcExporter *self, guint64 mark)
{
  self->mark = MAX (self->mark, mark);
  if (self->message_records == 0 && self->netflow == NULL)
    exporter_pass_mark (self); /* nothing of it waits in a message */
}

guint64
vpc_exporter_get_delivered (const VpcExporter *self)
{
  guint64 delivered = G_MAXUINT64;
  for (guint i = 0; i < self->outputs->len; i++)
    delivered = MIN (delivered, vpc_output_get_delivered (self->outputs->pdata[i]));
  return delivered;
}

gboolean
vpc_exporter_flush (VpcExporter *self, GError **error)
{
  return exporter_flush_all (self, error);
}

gboolean
vpc_exporter_idle (VpcExporter *self, GError **error)
{
  if (!exporter_flush_all (self, error))
    return FALSE;
  if (self->netflow != NULL && !vpc_netflow_idle (self->netflow, error))
    return FALSE;
  for (guint i = 0; i < self->outputs->len; i++)
    if (!vpc_output_idle (self->outputs->pdata[i], error))
      return FALSE;
  return TRUE;
}

gboolean
vpc_exporter_finish (VpcExporter *self, gboolean complete, GError **error)
{
  if (!exporter_flush_all (self, error))
    return FALSE;
  /* Every output is finished, whatever another one says: the first
   * failure is the error, the others are warnings. */
  gboolean ok = TRUE;
  for (guint i = 0; i < self->outputs->len; i++)
    {
      VpcOutput *output = self->outputs->pdata[i];
      if (!complete && vpc_output_is_file (output))
        continue;
      g_autoptr (GError) local = NULL;
      if (vpc_output_finish (output, &local))
        continue;
      if (ok)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        vpc_diag_emit (self->diag, "%s", local->message);
      ok = FALSE;
    }
  return ok;
}

guint
vpc_exporter_get_output_count (const VpcExporter *self)
{
  return self->outputs->len;
}

VpcOutput *
vpc_exporter_get_output (const VpcExporter *self, guint index)
{
  return self->outputs->pdata[index];
}

guint64
vpc_exporter_get_record_count (const VpcExporter *self)
{
  return self->records;
}

guint
vpc_exporter_get_template_count (const VpcExporter *self)
{
  return g_hash_table_size (self->used_tids)
         + (self->netflow != NULL ? vpc_netflow_get_template_count (self->netflow) : 0);
}

guint
vpc_exporter_get_interface_count (const VpcExporter *self)
{
  return self->interface_table ? g_hash_table_size (self->interfaces) : 0;
}

guint
vpc_exporter_get_interface_collisions (const VpcExporter *self)
{
  return g_hash_table_size (self->collisions);
}

void
vpc_exporter_reopen (VpcExporter *self)
{
  g_autoptr (GError) error = NULL;
  if (!exporter_flush_all (self, &error))
    {
      vpc_diag_emit (self->diag, "re-opening the outputs: %s", error->message);
      return;
    }
  for (guint i = 0; i < self->outputs->len; i++)
    {
      g_autoptr (GError) local = NULL;
      if (!vpc_output_reopen (self->outputs->pdata[i], &local))
        vpc_diag_emit (self->diag, "re-opening an output: %s", local->message);
    }
}
