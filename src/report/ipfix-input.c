/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPFIX files read back with libfixbuf's collector: flow records into VpcFlow, options records skipped. */
#include "config.h"

#include "ipfix-input.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "flow/infomodel.h"

/* What a template of the file holds (its template context). */
typedef struct {
  gboolean options; /* an options template: its records are not flows */
  guint64 mask;     /* VpcElementIndex bits of the elements it carries */
  gboolean empty;   /* no element: libfixbuf 2.4 would return empty records from a
                       data set of it for ever (found by fuzzing) */
} TemplateInfo;

struct VpcIpfixInput {
  char *path;
  gzFile gz;
  FILE *fp;          /* a cookie stream over gz, for fbCollectorAllocFP */
  fbInfoModel_t *model;
  fBuf_t *fbuf;      /* owns the session and the collector */
  VpcFlow flow;
  guint64 records, options_records;
};

/* ------------------------------------------------- a FILE* over a gzFile */

static ssize_t
gz_cookie_read (void *cookie, char *buf, size_t size)
{
  if (size > G_MAXINT)
    size = G_MAXINT;
  int n = gzread (cookie, buf, (unsigned) size);
  return n < 0 ? -1 : n;
}

static int
gz_cookie_close (void *cookie)
{
  return gzclose (cookie) == Z_OK ? 0 : -1;
}

gboolean
vpc_ipfix_input_probe (const char *path)
{
  if (strcmp (path, "-") == 0 || g_file_test (path, G_FILE_TEST_IS_DIR))
    return FALSE;
  gzFile gz = gzopen (path, "rb");
  if (gz == NULL)
    return FALSE;
  unsigned char head[2];
  int n = gzread (gz, head, sizeof head);
  gzclose (gz);
  return n == 2 && head[0] == 0x00 && head[1] == 0x0a;
}

/* ----------------------------------------------------------- templates */

static void
template_info_free (void *tmpl_ctx, void *app_ctx)
{
  g_free (tmpl_ctx);
}

static void
new_template (fbSession_t *session, uint16_t tid, fbTemplate_t *tmpl, void *app_ctx,
              void **tmpl_ctx, fbTemplateCtxFree_fn *tmpl_ctx_free)
{
  TemplateInfo *info = g_new0 (TemplateInfo, 1);
  info->options = fbTemplateGetOptionsScope (tmpl) > 0;
  info->empty = fbTemplateCountElements (tmpl) == 0;
  const VpcElementSpec *elements = vpc_mapper_elements ();
  for (guint i = 0; i < VPC_EL_COUNT; i++)
    {
      fbInfoElementSpec_t spec = { (char *) elements[i].name, 0, 0 };
      if (fbTemplateContainsElementByName (tmpl, &spec))
        info->mask |= G_GUINT64_CONSTANT (1) << i;
    }
  *tmpl_ctx = info;
  *tmpl_ctx_free = template_info_free;
}

/* ---------------------------------------------------------------- input */

/* libfixbuf hands a zero-length string back with a NULL buffer (and
 * leaves absent ones zeroed): every string of a flow handed out points
 * somewhere, so that g_strndup() and the like never see NULL. */
static void
flow_strings_never_null (VpcFlow *flow)
{
  static guint8 empty[1];
  if (flow->interfaceName.buf == NULL)
    flow->interfaceName = (fbVarfield_t) { .buf = empty, .len = 0 };
  for (guint i = 0; i < VPC_FLOW_TEXTS; i++)
    if (flow->text[i].buf == NULL)
      flow->text[i] = (fbVarfield_t) { .buf = empty, .len = 0 };
}

void
vpc_ipfix_input_free (VpcIpfixInput *input)
{
  if (input == NULL)
    return;
  if (input->fbuf != NULL)
    fBufFree (input->fbuf);
  if (input->fp != NULL)
    fclose (input->fp);
  else if (input->gz != NULL)
    gzclose (input->gz);
  if (input->model != NULL)
    fbInfoModelFree (input->model);
  g_free (input->path);
  g_free (input);
}

/* The collector over input->fp (plain IPFIX), with the internal template
 * of VpcFlow. */
static gboolean
ipfix_input_start (VpcIpfixInput *input, GError **error)
{
  input->model = vpc_infomodel_new ();
  fbSession_t *session = fbSessionAlloc (input->model);
  fbSessionAddNewTemplateCallback (session, new_template, input);
  fbTemplate_t *tmpl = vpc_flow_template_new (input->model, VPC_FLOW_INTERNAL, error);
  GError *fb_error = NULL;
  uint16_t tid;
  if (tmpl == NULL
      || (tid = fbSessionAddTemplate (session, TRUE, FB_TID_AUTO, tmpl, &fb_error)) == 0)
    {
      if (tmpl != NULL)
        {
          fbTemplateFreeUnused (tmpl);
          vpc_fixbuf_error (error, fb_error, input->path);
        }
      fbSessionFree (session);
      return FALSE;
    }
  fbCollector_t *collector = fbCollectorAllocFP (NULL, input->fp);
  input->fbuf = fBufAllocForCollection (session, collector);
  if (!fBufSetInternalTemplate (input->fbuf, tid, &fb_error))
    {
      vpc_fixbuf_error (error, fb_error, input->path);
      return FALSE;
    }
  return TRUE;
}

VpcIpfixInput *
vpc_ipfix_input_open (const char *path, GError **error)
{
  g_autoptr (VpcIpfixInput) input = g_new0 (VpcIpfixInput, 1);
  input->path = g_strdup (path);
  input->gz = gzopen (path, "rb");
  if (input->gz == NULL)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: cannot open: %s", path,
                   g_strerror (errno));
      return NULL;
    }
  gzbuffer (input->gz, 256 * 1024);
  cookie_io_functions_t io = { .read = gz_cookie_read, .close = gz_cookie_close };
  input->fp = fopencookie (input->gz, "rb", io);
  if (input->fp == NULL)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", path, g_strerror (errno));
      return NULL;
    }
  if (!ipfix_input_start (input, error))
    return NULL;
  return g_steal_pointer (&input);
}

VpcIpfixInput *
vpc_ipfix_input_open_memory (const char *name, const void *data, gsize len, GError **error)
{
  g_autoptr (VpcIpfixInput) input = g_new0 (VpcIpfixInput, 1);
  input->path = g_strdup (name);
  /* fmemopen() refuses a zero size before glibc 2.22: one byte, no data. */
  input->fp = fmemopen ((void *) (len > 0 ? data : ""), len > 0 ? len : 1, "rb");
  if (input->fp == NULL)
    {
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", name, g_strerror (errno));
      return NULL;
    }
  if (len == 0)
    fseek (input->fp, 0, SEEK_END);
  if (!ipfix_input_start (input, error))
    return NULL;
  return g_steal_pointer (&input);
}

gboolean
vpc_ipfix_input_next (VpcIpfixInput *input, const VpcFlow **flow, guint64 *mask, GError **error)
{
  for (;;)
    {
      GError *fb_error = NULL;
      size_t len = sizeof input->flow;
      if (!fBufNext (input->fbuf, (uint8_t *) &input->flow, &len, &fb_error))
        {
          if (g_error_matches (fb_error, FB_ERROR_DOMAIN, FB_ERROR_EOF))
            {
              g_error_free (fb_error);
              g_set_error (error, VPC_ERROR, VPC_ERROR_EOF, "end of input");
              return FALSE;
            }
          g_prefix_error (&fb_error, "%s: record %" G_GUINT64_FORMAT ": ", input->path,
                          input->records + 1);
          return vpc_fixbuf_error (error, fb_error, "IPFIX");
        }
      input->records++;
      fbTemplate_t *tmpl = fBufGetCollectionTemplate (input->fbuf, NULL);
      const TemplateInfo *info = tmpl != NULL ? fbTemplateGetContext (tmpl) : NULL;
      if (info != NULL && info->empty)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_IPFIX,
                       "%s: record %" G_GUINT64_FORMAT ": its template has no element "
                       "(the data cannot be read)",
                       input->path, input->records);
          return FALSE;
        }
      if (info == NULL || info->options)
        {
          input->options_records++;
          continue;
        }
      flow_strings_never_null (&input->flow);
      *flow = &input->flow;
      *mask = info->mask;
      return TRUE;
    }
}

gboolean
vpc_ipfix_input_is_compressed (const VpcIpfixInput *input)
{
  return input->gz != NULL && !gzdirect (input->gz);
}

guint64
vpc_ipfix_input_get_records (const VpcIpfixInput *input)
{
  return input->records;
}

guint64
vpc_ipfix_input_get_options_records (const VpcIpfixInput *input)
{
  return input->options_records;
}
