/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Outputs: the common part, and IPFIX files written atomically through a background sink. */
#include "config.h"

#include "output-private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output-path.h"
#include "sink.h"

void
vpc_output_init (VpcOutput *output, const VpcOutputClass *klass, const char *transport,
                 const char *destination, gsize max_message)
{
  output->klass = klass;
  output->max_message = max_message;
  g_mutex_init (&output->lock);
  output->stats.transport = transport;
  output->stats.protocol = vpc_protocol_name (VPC_PROTOCOL_IPFIX);
  output->stats.destination = g_strdup_printf ("%s:%s", transport, destination);
}

void
vpc_output_count (VpcOutput *output, guint64 *counter, guint64 n)
{
  g_mutex_lock (&output->lock);
  *counter += n;
  g_mutex_unlock (&output->lock);
}

void
vpc_output_count_message (VpcOutput *output, gsize len, guint records)
{
  g_mutex_lock (&output->lock);
  /* A NetFlow packet without flows is a template refresh (IPFIX refreshes
   * are counted where they are sent). */
  if (records == 0 && vpc_output_get_protocol (output) != VPC_PROTOCOL_IPFIX)
    output->stats.template_messages++;
  else
    output->stats.messages++;
  output->stats.records += records;
  output->stats.bytes += len;
  g_mutex_unlock (&output->lock);
}

void
vpc_output_free (VpcOutput *output)
{
  if (output == NULL)
    return;
  output->klass->destroy (output);
  g_mutex_clear (&output->lock);
  g_free (output->stats.destination);
  g_free (output);
}

gboolean
vpc_output_is_file (const VpcOutput *output)
{
  return strcmp (output->stats.transport, "file") == 0;
}

VpcProtocol
vpc_output_get_protocol (const VpcOutput *output)
{
  return output->options != NULL ? output->options->protocol : VPC_PROTOCOL_IPFIX;
}

const VpcNetOptions *
vpc_output_get_options (const VpcOutput *output)
{
  return output->options;
}

static const char *const protocol_names[] = { "ipfix", "v9", "v5" };

const char *
vpc_protocol_name (VpcProtocol protocol)
{
  return protocol_names[protocol];
}

gboolean
vpc_protocol_parse (const char *text, VpcProtocol *protocol)
{
  for (guint i = 0; i < G_N_ELEMENTS (protocol_names); i++)
    if (g_ascii_strcasecmp (text, protocol_names[i]) == 0)
      {
        *protocol = (VpcProtocol) i;
        return TRUE;
      }
  return FALSE;
}

gboolean
vpc_refresh_due (const VpcNetOptions *options, gint64 refreshed_us, guint64 messages_since,
                 gint64 now_us, gboolean between_messages)
{
  return (!between_messages && options->refresh_messages > 0
          && messages_since >= options->refresh_messages)
         || (options->refresh_seconds > 0
             && now_us - refreshed_us >= (gint64) options->refresh_seconds * G_USEC_PER_SEC);
}

gsize
vpc_output_get_max_message (const VpcOutput *output)
{
  return output->max_message;
}

gboolean
vpc_output_reopen (VpcOutput *output, GError **error)
{
  return output->klass->reopen == NULL || output->klass->reopen (output, error);
}

gboolean
vpc_output_start (VpcOutput *output, VpcTemplateMessagesFunc templates, gpointer templates_data,
                  GError **error)
{
  output->templates = templates;
  output->templates_data = templates_data;
  return output->klass->start == NULL || output->klass->start (output, error);
}

gboolean
vpc_output_send (VpcOutput *output, const guint8 *message, gsize len, guint records,
                 GError **error)
{
  return output->klass->send (output, message, len, records, error);
}

gboolean
vpc_output_idle (VpcOutput *output, GError **error)
{
  return output->klass->idle == NULL || output->klass->idle (output, error);
}

gboolean
vpc_output_finish (VpcOutput *output, GError **error)
{
  return output->klass->finish (output, error);
}

void
vpc_output_mark (VpcOutput *output, guint64 mark)
{
  if (output->klass->mark != NULL)
    output->klass->mark (output, mark);
  else
    vpc_output_set_delivered (output, mark);
}

void
vpc_output_set_delivered (VpcOutput *output, guint64 mark)
{
  g_mutex_lock (&output->lock);
  output->delivered = MAX (output->delivered, mark);
  g_mutex_unlock (&output->lock);
}

guint64
vpc_output_get_delivered (VpcOutput *output)
{
  g_mutex_lock (&output->lock);
  guint64 delivered = output->delivered;
  g_mutex_unlock (&output->lock);
  return delivered;
}

gboolean
vpc_output_name_has_time (const char *name)
{
  for (const char *p = name; *p != '\0'; p++)
    if (p[0] == '%')
      {
        if (p[1] != '%')
          return TRUE;
        p++; /* "%%": a literal % */
      }
  return FALSE;
}

void
vpc_output_get_stats (VpcOutput *output, VpcOutputStats *stats)
{
  g_mutex_lock (&output->lock);
  *stats = output->stats;
  stats->destination = g_strdup (output->stats.destination);
  g_mutex_unlock (&output->lock);
}

guint32
vpc_message_get_sequence (const guint8 *message)
{
  guint32 be;
  memcpy (&be, message + 8, sizeof be);
  return GUINT32_FROM_BE (be);
}

GPtrArray *
vpc_output_template_messages (VpcOutput *output, guint32 sequence, GError **error)
{
  GPtrArray *source = NULL;
  if (!output->templates (output->templates_data, &source, error))
    return NULL;
  GPtrArray *messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint32 now = GUINT32_TO_BE ((guint32) (g_get_real_time () / G_USEC_PER_SEC));
  guint32 seq = GUINT32_TO_BE (sequence);
  for (guint i = 0; i < source->len; i++)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (source->pdata[i], &len);
      guint8 *copy = g_memdup2 (data, len);
      memcpy (copy + 4, &now, sizeof now);
      memcpy (copy + 8, &seq, sizeof seq);
      g_ptr_array_add (messages, g_bytes_new_take (copy, len));
    }
  g_ptr_array_unref (source);
  return messages;
}

/* --- files ------------------------------------------------------------------ */

/* libfixbuf's file exporter writes messages of up to this size. */
#define FILE_MESSAGE_MAX 65496

typedef struct {
  VpcOutput base;
  VpcSink *sink; /* writes in the background; its FILE owns fd */
  FILE *fp;
  int fd;
  char *name;     /* for messages */
  char *path;     /* final name (a symlink's target); NULL when written directly */
  char *tmp_path; /* temporary name while writing; NULL when written directly */
  gboolean committed;
  guint64 marked; /* the last mark: delivered when the file is committed */
} FileOutput;

static gboolean
file_send (VpcOutput *output, const guint8 *message, gsize len, guint records, GError **error)
{
  FileOutput *self = (FileOutput *) output;
  if (fwrite (message, 1, len, self->fp) != len)
    {
      int saved = errno;
      if (!vpc_sink_finish (self->sink, error))
        return FALSE;
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: write error: %s", self->name,
                   g_strerror (saved));
      return FALSE;
    }
  vpc_output_count_message (output, len, records);
  return TRUE;
}

static gboolean
file_error (FileOutput *self, GError **error)
{
  int saved = errno;
  g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: %s", self->name, g_strerror (saved));
  return FALSE;
}

static gboolean
file_finish (VpcOutput *output, GError **error)
{
  FileOutput *self = (FileOutput *) output;
  if (!vpc_sink_finish (self->sink, error))
    return FALSE;
  if (self->tmp_path == NULL)
    {
      vpc_output_set_delivered (output, self->marked); /* standard output: written */
      return TRUE;
    }
  if (fsync (self->fd) != 0 && errno != EINVAL)
    return file_error (self, error);
  /* mkstemp made it 0600; give it the mode a plain creat() would have. */
  mode_t mask = umask (0);
  umask (mask);
  if (fchmod (self->fd, 0666 & ~mask) != 0)
    return file_error (self, error);
  FILE *fp = g_steal_pointer (&self->fp);
  if (fclose (fp) != 0)
    return file_error (self, error);
  if (rename (self->tmp_path, self->path) != 0)
    {
      int saved = errno;
      g_set_error (error, VPC_ERROR, VPC_ERROR_IO, "%s: cannot rename %s: %s", self->name,
                   self->tmp_path, g_strerror (saved));
      return FALSE;
    }
  self->committed = TRUE;
  vpc_output_set_delivered (output, self->marked);
  return TRUE;
}

static void
file_mark (VpcOutput *output, guint64 mark)
{
  ((FileOutput *) output)->marked = mark;
}

static void
file_destroy (VpcOutput *output)
{
  FileOutput *self = (FileOutput *) output;
  if (self->fp != NULL)
    fclose (self->fp); /* finishes the sink; closes fd if it owns it */
  vpc_sink_free (self->sink);
  if (self->tmp_path != NULL && !self->committed)
    unlink (self->tmp_path);
  g_free (self->name);
  g_free (self->path);
  g_free (self->tmp_path);
}

static const VpcOutputClass file_class = {
  .send = file_send,
  .finish = file_finish,
  .mark = file_mark,
  .destroy = file_destroy,
};

VpcOutput *
vpc_output_new_file (const char *path, GError **error)
{
  int fd;
  g_autofree char *final_path = NULL;
  g_autofree char *tmp_path = NULL;
  gboolean is_stdout = strcmp (path, "-") == 0;
  if (is_stdout)
    {
      if (isatty (STDOUT_FILENO))
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE,
                       "refusing to write IPFIX to a terminal: redirect standard output or use -o FILE");
          return NULL;
        }
      fd = STDOUT_FILENO;
    }
  else if ((fd = vpc_output_path_open (path, &final_path, &tmp_path, error)) < 0)
    return NULL;
  FileOutput *self = g_new0 (FileOutput, 1);
  vpc_output_init (&self->base, &file_class, "file", is_stdout ? "-" : path, FILE_MESSAGE_MAX);
  self->fd = fd;
  self->name = g_strdup (is_stdout ? "<stdout>" : path);
  self->path = g_steal_pointer (&final_path); /* NULL: written directly */
  self->tmp_path = g_steal_pointer (&tmp_path);
  self->sink = vpc_sink_new (fd, self->name, !is_stdout);
  self->fp = vpc_sink_get_file (self->sink);
  return &self->base;
}
