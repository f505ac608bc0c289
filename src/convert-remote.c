/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The remote inputs of the conversion job: S3 prefixes, CloudWatch Logs groups, an SQS queue of S3 notifications. */
#include "config.h"

#include "convert-remote.h"

#include <string.h>
#include <unistd.h>

#include "input/aws-http.h"
#include "input/cloudwatch.h"
#include "input/inputs.h"
#include "input/remote-inputs.h"
#include "input/s3-fetch.h"
#include "input/s3.h"
#include "input/sqs.h"

/* SQS: a message received is hidden from the other workers for
 * --sqs-visibility seconds (default VISIBILITY_S), and extended by as much
 * when less than two fifths of it is left. */
#define VISIBILITY_S 300
/* SQS long polling (following), and the wait that says the queue is empty (not following). */
#define SQS_FOLLOW_WAIT_S 20
#define SQS_DRAIN_WAIT_S 2

/* An SQS message whose objects are being converted or delivered. */
typedef struct {
  char *receipt;
  guint64 mark;       /* the delivery mark of its last object (0: none converted) */
  gboolean complete;  /* every object read (or skipped) */
  gint64 visible_at;  /* monotonic µs when other workers may receive it again */
} Pending;

static void
pending_free (gpointer data)
{
  Pending *p = data;
  if (p->receipt != NULL)
    memset (p->receipt, 0, strlen (p->receipt));
  g_free (p->receipt);
  g_free (p);
}

struct VpcRemote {
  VpcRemoteKind kind;
  const VpcConvertOptions *options;
  char **inputs;
  VpcAwsClient *client;
  VpcSqs *sqs;
  VpcSourceStats *source; /* SQS */
  GQueue pending;         /* Pending*, in reception order */
  guint visibility_s;     /* SQS: --sqs-visibility */
  VpcS3Fetcher *fetcher;  /* SQS: the object downloads (the job polled while they run) */
  gboolean ticking;       /* inside vpc_remote_tick (its calls poll nothing) */
};

/* ---- S3 prefixes and CloudWatch Logs groups (input/remote-inputs.h) ---- */

static gboolean
inputs_poll (gpointer data, gboolean idle, GError **error)
{
  const VpcRemoteJob *job = data;
  return job->poll (job->job, idle, error);
}

static gboolean
inputs_convert (gpointer data, const char *path, const char *name, gboolean *failed,
                GError **error)
{
  const VpcRemoteJob *job = data;
  return job->convert (job->job, path, name, failed, error);
}

static gboolean
inputs_known (gpointer data, const char *name, const VpcFileIdentity *identity)
{
  const VpcRemoteJob *job = data;
  return job->known (job->job, name, identity);
}

/* Recorded in --state once its records are delivered. */
static gboolean
inputs_done (gpointer data, const char *name, const VpcFileIdentity *identity, GError **error)
{
  const VpcRemoteJob *job = data;
  guint64 mark = 0;
  return job->done (job->job, name, identity, TRUE, &mark, error);
}

static gboolean
run_inputs (VpcRemote *remote, const VpcRemoteJob *job, GError **error)
{
  const VpcConvertOptions *options = job->options;
  VpcRemoteInputsOptions inputs = {
    .aws = options->aws,
    .since = options->since,
    .until = options->until,
    .follow = options->follow,
    .poll_seconds = options->poll_seconds,
    .diag = options->diag,
    .stats = job->stats,
    .state = job->state,
  };
  inputs.aws.diag = options->diag;
  inputs.aws.interrupted = options->interrupted;
  const VpcRemoteInputsConsumer consumer = {
    .data = (gpointer) job,
    .poll = inputs_poll,
    .convert = inputs_convert,
    .known = inputs_known,
    .done = inputs_done,
  };
  return vpc_remote_inputs_read (remote->client, &inputs, (const char *const *) remote->inputs,
                                 &consumer, error);
}

/* ---- SQS: S3 event notifications ---- */

/* One object a message names: converted unless done in an earlier run or
 * gone; *failed if it must be tried again (the message is then kept). */
static gboolean
sqs_object (VpcRemote *remote, const VpcRemoteJob *job, const VpcSqsObject *o,
            Pending *pending, gboolean *failed, GError **error)
{
  VpcSourceStats *source = remote->source;
  g_autofree char *name = g_strdup_printf ("s3://%s/%s", o->bucket, o->object.key);
  VpcFileIdentity identity;
  vpc_remote_inputs_s3_identity (&o->object, &identity);
  if (o->object.etag != NULL && job->known (job->job, name, &identity))
    {
      source->objects_done_before++;
      return TRUE;
    }
  const char *skip = vpc_inputs_object_skip_reason (o->object.key);
  if (skip != NULL)
    {
      g_autofree char *why = g_strdup_printf ("%s (%s)", name, skip);
      vpc_diag_emit (remote->options->diag, "skipped %s", why);
      g_ptr_array_add (job->stats->skipped_files, g_steal_pointer (&why));
      return TRUE;
    }
  /* Downloaded by the fetcher's thread while the job polls: what was read
   * goes out, and the message's visibility is extended, however long it takes. */
  vpc_s3_fetcher_add (remote->fetcher, o->bucket, &o->object);
  VpcS3Fetched fetched = { .fd = -1 };
  gboolean idle = FALSE;
  while (!vpc_s3_fetcher_next (remote->fetcher, 50000, &fetched))
    {
      if (!job->poll (job->job, idle, error))
        {
          /* The fetcher is freed with the run: its download stops there. */
          return FALSE;
        }
      idle = TRUE;
    }
  g_autoptr (GError) local = g_steal_pointer (&fetched.error);
  if (fetched.fd < 0)
    {
      if (fetched.gone)
        {
          source->objects_gone++;
          vpc_diag_emit (remote->options->diag, "%s; skipped", local->message);
          return TRUE;
        }
      if (fetched.gave_up)
        {
          source->objects_failed++;
          job->stats->failed_inputs++;
          *failed = TRUE;
          vpc_diag_emit (remote->options->diag, "%s (its message is left in the queue)",
                         local->message);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  int spool = fetched.fd;
  g_autofree char *path = g_strdup_printf ("/proc/self/fd/%d", spool);
  gboolean read_failed = FALSE;
  gboolean converted = job->convert (job->job, path, name, &read_failed, error);
  close (spool);
  if (!converted)
    return FALSE;
  if (read_failed)
    {
      source->objects_failed++;
      *failed = TRUE;
      return TRUE;
    }
  source->objects_read++;
  /* Without an ETag in the notification, the object is not recorded in --state. */
  return job->done (job->job, name, &identity, o->object.etag != NULL, &pending->mark, error);
}

/* One message: its objects converted; it is deleted once they are
 * delivered (vpc_remote_tick), at once if it names none. */
static gboolean
sqs_message (VpcRemote *remote, const VpcRemoteJob *job, VpcSqsMessage *message,
             GError **error)
{
  VpcSourceStats *source = remote->source;
  if (message->receive_count > 1)
    source->messages_redelivered++;
  g_autoptr (GPtrArray) objects = g_ptr_array_new_with_free_func (vpc_sqs_object_free);
  if (!vpc_sqs_parse_notification (message->body, objects))
    {
      source->messages_other++;
      if (remote->options->sqs_keep_other)
        return TRUE;
      if (!vpc_sqs_delete (remote->sqs, message->receipt, error))
        return FALSE;
      source->messages_deleted++;
      return TRUE;
    }
  source->objects_listed += objects->len;
  Pending *pending = g_new0 (Pending, 1);
  pending->receipt = g_steal_pointer (&message->receipt);
  pending->visible_at = g_get_monotonic_time () + remote->visibility_s * G_USEC_PER_SEC;
  g_queue_push_tail (&remote->pending, pending);
  gboolean failed = FALSE;
  for (guint i = 0; i < objects->len; i++)
    if (!job->poll (job->job, FALSE, error)
        || !sqs_object (remote, job, objects->pdata[i], pending, &failed, error))
      return FALSE;
  if (failed)
    {
      /* Left to come back after its visibility timeout (or to the queue's
       * dead-letter queue): what was converted of it may be sent again. */
      g_queue_remove (&remote->pending, pending);
      pending_free (pending);
      source->messages_failed++;
      return TRUE;
    }
  pending->complete = TRUE;
  return TRUE;
}

static gboolean
run_sqs (VpcRemote *remote, const VpcRemoteJob *job, GError **error)
{
  const VpcConvertOptions *options = job->options;
  remote->source = vpc_stats_add_source (job->stats, options->sqs_url);
  VpcAwsOptions aws = options->aws;
  aws.interrupted = options->interrupted;
  aws.diag = options->diag;
  remote->fetcher = vpc_s3_fetcher_new (&aws, remote->client, 1);
  VpcAwsCounters before = *vpc_aws_client_get_counters (remote->client);
  VpcAwsCounters fetch_before = { 0 };
  gboolean ok = TRUE;
  while (ok)
    {
      /* What was read goes out before a long wait. */
      ok = job->poll (job->job, TRUE, error);
      g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func (vpc_sqs_message_free);
      /* No long wait while messages wait for their delivery: they are deleted between receives. */
      guint wait = !g_queue_is_empty (&remote->pending) ? 1
                   : options->follow                    ? SQS_FOLLOW_WAIT_S
                                                        : SQS_DRAIN_WAIT_S;
      ok = ok && vpc_sqs_receive (remote->sqs, wait, remote->visibility_s, messages, error);
      if (ok)
        remote->source->messages_received += messages->len;
      for (guint i = 0; ok && i < messages->len; i++)
        ok = sqs_message (remote, job, messages->pdata[i], error);
      vpc_remote_inputs_count (remote->source, vpc_aws_client_get_counters (remote->client), &before);
      VpcAwsCounters fetch_now;
      vpc_s3_fetcher_get_counters (remote->fetcher, &fetch_now);
      vpc_remote_inputs_count (remote->source, &fetch_now, &fetch_before);
      if (ok && messages->len == 0 && !options->follow)
        break; /* drained */
    }
  return ok;
}

gboolean
vpc_remote_tick (VpcRemote *remote, guint64 delivered, GError **error)
{
  if (remote == NULL || remote->sqs == NULL || remote->ticking)
    return TRUE;
  remote->ticking = TRUE;
  gboolean ok = TRUE;
  gint64 now = g_get_monotonic_time ();
  for (GList *l = remote->pending.head; ok && l != NULL;)
    {
      Pending *p = l->data;
      GList *next = l->next;
      if (p->complete && p->mark <= delivered)
        {
          ok = vpc_sqs_delete (remote->sqs, p->receipt, error);
          if (ok)
            {
              remote->source->messages_deleted++;
              g_queue_delete_link (&remote->pending, l);
              pending_free (p);
            }
        }
      else if (p->visible_at - now < (gint64) remote->visibility_s * G_USEC_PER_SEC * 2 / 5)
        {
          ok = vpc_sqs_change_visibility (remote->sqs, p->receipt, remote->visibility_s, error);
          if (ok)
            {
              p->visible_at = now + (gint64) remote->visibility_s * G_USEC_PER_SEC;
              remote->source->visibility_extensions++;
            }
        }
      l = next;
    }
  remote->ticking = FALSE;
  return ok;
}

/* ---- the remote kinds ---- */

gboolean
vpc_remote_kind (const char *const *inputs, const char *sqs_url, VpcRemoteKind *kind,
                 GError **error)
{
  if (sqs_url != NULL)
    {
      *kind = VPC_REMOTE_SQS;
      if (inputs != NULL && inputs[0] != NULL)
        {
          g_set_error (error, VPC_ERROR, VPC_ERROR_USAGE, "%s",
                       "--sqs takes no inputs: the queue's notifications name the objects");
          return FALSE;
        }
      return TRUE;
    }
  VpcRemoteInputsKind inputs_kind;
  if (!vpc_remote_inputs_kind (inputs, &inputs_kind, error))
    return FALSE;
  *kind = inputs_kind == VPC_REMOTE_INPUTS_S3           ? VPC_REMOTE_S3
          : inputs_kind == VPC_REMOTE_INPUTS_CLOUDWATCH ? VPC_REMOTE_CLOUDWATCH
                                                        : VPC_REMOTE_NONE;
  return TRUE;
}

VpcRemote *
vpc_remote_new (VpcRemoteKind kind, const VpcConvertOptions *options, const char *const *inputs,
                GError **error)
{
  g_autoptr (VpcRemote) remote = g_new0 (VpcRemote, 1);
  remote->kind = kind;
  remote->options = options;
  remote->inputs = g_strdupv ((char **) inputs);
  g_queue_init (&remote->pending);
  remote->visibility_s = options->sqs_visibility > 0 ? options->sqs_visibility : VISIBILITY_S;
  VpcAwsOptions aws = options->aws;
  aws.interrupted = options->interrupted;
  aws.diag = options->diag;
  remote->client = vpc_aws_client_new (&aws);
  for (char **url = remote->inputs; url != NULL && *url != NULL; url++)
    {
      g_autofree char *a = NULL, *b = NULL;
      if (kind == VPC_REMOTE_S3 ? !vpc_s3_parse_url (*url, &a, &b, error)
                                : !vpc_cloudwatch_parse_url (*url, &a, &b, error))
        return NULL;
    }
  if (kind == VPC_REMOTE_SQS
      && (remote->sqs = vpc_sqs_new (remote->client, options->sqs_url, error)) == NULL)
    return NULL;
  if (!vpc_aws_client_check_credentials (remote->client, error))
    return NULL;
  return g_steal_pointer (&remote);
}

void
vpc_remote_free (VpcRemote *remote)
{
  if (remote == NULL)
    return;
  g_queue_clear_full (&remote->pending, pending_free);
  vpc_s3_fetcher_free (remote->fetcher);
  vpc_sqs_free (remote->sqs);
  vpc_aws_client_free (remote->client);
  g_strfreev (remote->inputs);
  g_free (remote);
}

gboolean
vpc_remote_run (VpcRemote *remote, const VpcRemoteJob *job, GError **error)
{
  switch (remote->kind)
    {
    case VPC_REMOTE_S3:
    case VPC_REMOTE_CLOUDWATCH:
      return run_inputs (remote, job, error);
    case VPC_REMOTE_SQS:
      return run_sqs (remote, job, error);
    case VPC_REMOTE_NONE:
    default:
      return TRUE;
    }
}
