/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Parallel S3 GETs into temporary files, handed over in queue order. */
#include "config.h"

#include "s3-fetch.h"

#include <string.h>
#include <unistd.h>

typedef struct {
  char *bucket;
  VpcS3Object object;
  gboolean done;
  VpcS3Fetched result;
} Job;

static void
job_free (Job *job)
{
  if (job->result.fd >= 0)
    close (job->result.fd);
  g_clear_error (&job->result.error);
  g_free (job->bucket);
  g_free (job->object.key);
  g_free (job->object.etag);
  g_free (job);
}

struct VpcS3Fetcher {
  VpcAwsOptions options;
  GMutex lock;
  GCond changed;
  GQueue waiting;  /* Job*: not started, in order */
  GQueue jobs;     /* Job*: every job not yet taken, in order */
  gboolean closing;
  GPtrArray *threads;
  GPtrArray *clients; /* VpcAwsClient*, one per thread */
  gint cancel;        /* stops the transfers when the fetcher goes, or at options->interrupted */
};

typedef struct {
  VpcS3Fetcher *fetcher;
  VpcAwsClient *client;
} Worker;

static gpointer
worker_run (gpointer data)
{
  Worker *w = data;
  VpcS3Fetcher *f = w->fetcher;
  for (;;)
    {
      g_mutex_lock (&f->lock);
      while (!f->closing && g_queue_is_empty (&f->waiting))
        g_cond_wait (&f->changed, &f->lock);
      if (f->closing)
        {
          g_mutex_unlock (&f->lock);
          break;
        }
      Job *job = g_queue_pop_head (&f->waiting);
      g_mutex_unlock (&f->lock);

      VpcS3Fetched result = { .fd = vpc_s3_spool_open (&result.error) };
      if (result.fd >= 0
          && !vpc_s3_fetch (w->client, job->bucket, &job->object, result.fd, &result.gone,
                            &result.error))
        {
          result.gave_up = vpc_aws_client_gave_up (w->client);
          close (result.fd);
          result.fd = -1;
        }
      g_mutex_lock (&f->lock);
      job->result = result;
      job->done = TRUE;
      g_cond_broadcast (&f->changed);
      g_mutex_unlock (&f->lock);
    }
  g_free (w);
  return NULL;
}

VpcS3Fetcher *
vpc_s3_fetcher_new (const VpcAwsOptions *options, guint parallel)
{
  VpcS3Fetcher *f = g_new0 (VpcS3Fetcher, 1);
  f->options = *options;
  g_mutex_init (&f->lock);
  g_cond_init (&f->changed);
  g_queue_init (&f->waiting);
  g_queue_init (&f->jobs);
  f->threads = g_ptr_array_new ();
  f->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) vpc_aws_client_free);
  VpcAwsOptions own = *options;
  own.interrupted = &f->cancel;
  for (guint i = 0; i < MAX (parallel, 1u); i++)
    g_ptr_array_add (f->clients, vpc_aws_client_new (&own));
  for (guint i = 0; i < f->clients->len; i++)
    {
      Worker *w = g_new0 (Worker, 1);
      w->fetcher = f;
      w->client = f->clients->pdata[i];
      g_ptr_array_add (f->threads, g_thread_new ("vpc-s3-get", worker_run, w));
    }
  return f;
}

void
vpc_s3_fetcher_free (VpcS3Fetcher *f)
{
  if (f == NULL)
    return;
  g_mutex_lock (&f->lock);
  f->closing = TRUE;
  g_atomic_int_set (&f->cancel, 1);
  g_cond_broadcast (&f->changed);
  g_mutex_unlock (&f->lock);
  /* A transfer in progress ends at the stop flag or at its end. */
  for (guint i = 0; i < f->threads->len; i++)
    g_thread_join (f->threads->pdata[i]);
  g_ptr_array_unref (f->threads);
  g_queue_clear (&f->waiting);
  g_queue_clear_full (&f->jobs, (GDestroyNotify) job_free);
  g_ptr_array_unref (f->clients);
  g_mutex_clear (&f->lock);
  g_cond_clear (&f->changed);
  g_free (f);
}

void
vpc_s3_fetcher_add (VpcS3Fetcher *f, const char *bucket, const VpcS3Object *object)
{
  Job *job = g_new0 (Job, 1);
  job->bucket = g_strdup (bucket);
  job->object.key = g_strdup (object->key);
  job->object.etag = g_strdup (object->etag);
  job->object.size = object->size;
  job->object.modified = object->modified;
  job->result.fd = -1;
  g_mutex_lock (&f->lock);
  g_queue_push_tail (&f->jobs, job);
  g_queue_push_tail (&f->waiting, job);
  g_cond_signal (&f->changed);
  g_mutex_unlock (&f->lock);
}

gboolean
vpc_s3_fetcher_next (VpcS3Fetcher *f, gint64 timeout_us, VpcS3Fetched *fetched)
{
  if (f->options.interrupted != NULL && g_atomic_int_get (f->options.interrupted))
    g_atomic_int_set (&f->cancel, 1);
  gint64 until = g_get_monotonic_time () + timeout_us;
  g_mutex_lock (&f->lock);
  Job *job = g_queue_peek_head (&f->jobs);
  while (job != NULL && !job->done)
    if (!g_cond_wait_until (&f->changed, &f->lock, until))
      break;
  gboolean ready = job != NULL && job->done;
  if (ready)
    {
      g_queue_pop_head (&f->jobs);
      *fetched = job->result;
      job->result.fd = -1;
      job->result.error = NULL;
    }
  g_mutex_unlock (&f->lock);
  if (ready)
    job_free (job);
  return ready;
}

void
vpc_s3_fetcher_get_counters (VpcS3Fetcher *f, VpcAwsCounters *sum)
{
  memset (sum, 0, sizeof *sum);
  g_mutex_lock (&f->lock);
  for (guint i = 0; i < f->clients->len; i++)
    {
      const VpcAwsCounters *c = vpc_aws_client_get_counters (f->clients->pdata[i]);
      sum->requests += c->requests;
      sum->retries += c->retries;
      sum->throttles += c->throttles;
      sum->bytes += c->bytes;
    }
  g_mutex_unlock (&f->lock);
}
