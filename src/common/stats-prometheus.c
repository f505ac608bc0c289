/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The statistics as Prometheus text (the node_exporter textfile convention). */
#include "config.h"

#include "stats.h"

#include <string.h>

/* A label value: backslash, double quote and newline escaped. */
static void
append_label (GString *out, const char *name, const char *value)
{
  g_string_append_printf (out, "%s=\"", name);
  for (const char *c = value != NULL ? value : ""; *c != '\0'; c++)
    if (*c == '\\' || *c == '"')
      g_string_append_printf (out, "\\%c", *c);
    else if (*c == '\n')
      g_string_append (out, "\\n");
    else
      g_string_append_c (out, *c);
  g_string_append_c (out, '"');
}

static void
append_help (GString *out, const char *metric, const char *type, const char *help)
{
  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n", metric, help, metric, type);
}

/* Two counts that are sums, not members. */
#define EXPORTED G_MAXSIZE
#define NO_FLOW (G_MAXSIZE - 1)

typedef struct {
  const char *metric;
  const char *help;
  gsize offset; /* in VpcCounts, or EXPORTED, NO_FLOW */
} CountsMetric;

static const CountsMetric counts_metrics[] = {
  { "vpc2ipfix_records_read_total", "Record lines read (headers and blank lines included).",
    G_STRUCT_OFFSET (VpcCounts, lines) },
  { "vpc2ipfix_flows_total", "Flow records read (log-status OK or absent).",
    G_STRUCT_OFFSET (VpcCounts, flows) },
  { "vpc2ipfix_records_exported_total", "Flow records handed to the outputs (not filtered out).",
    EXPORTED },
  { "vpc2ipfix_records_filtered_total", "Flow records --filter did not select.",
    G_STRUCT_OFFSET (VpcCounts, filtered) },
  { "vpc2ipfix_records_malformed_total", "Record lines that could not be parsed.",
    G_STRUCT_OFFSET (VpcCounts, malformed) },
  { "vpc2ipfix_records_nodata_total", "NODATA and SKIPDATA records (nothing to export).", NO_FLOW },
};

static guint64
counts_value (const CountsMetric *m, const VpcCounts *c)
{
  if (m->offset == EXPORTED)
    return c->flows - c->filtered;
  if (m->offset == NO_FLOW)
    return c->nodata + c->skipdata;
  return *(const guint64 *) ((const guint8 *) c + m->offset);
}

typedef struct {
  const char *metric;
  const char *help;
  gsize offset; /* in VpcOutputStats */
} OutputMetric;

static const OutputMetric output_metrics[] = {
  { "vpc2ipfix_output_messages_total", "Stream messages sent (resends not counted).",
    G_STRUCT_OFFSET (VpcOutputStats, messages) },
  { "vpc2ipfix_output_records_total", "Data records in them.",
    G_STRUCT_OFFSET (VpcOutputStats, records) },
  { "vpc2ipfix_output_bytes_total", "Bytes of the stream messages.",
    G_STRUCT_OFFSET (VpcOutputStats, bytes) },
  { "vpc2ipfix_output_template_messages_total", "Template-only messages (refreshes, reconnects).",
    G_STRUCT_OFFSET (VpcOutputStats, template_messages) },
  { "vpc2ipfix_output_send_errors_total", "UDP sends that failed (mostly nobody listening).",
    G_STRUCT_OFFSET (VpcOutputStats, send_errors) },
  { "vpc2ipfix_output_connects_total", "TCP connections made.",
    G_STRUCT_OFFSET (VpcOutputStats, connects) },
  { "vpc2ipfix_output_reconnects_total", "TCP connections made again after one was lost.",
    G_STRUCT_OFFSET (VpcOutputStats, reconnects) },
  { "vpc2ipfix_output_resent_records_total", "Records sent again after a reconnect.",
    G_STRUCT_OFFSET (VpcOutputStats, resent_records) },
  { "vpc2ipfix_output_filtered_total", "Flows the output's own filter did not select.",
    G_STRUCT_OFFSET (VpcOutputStats, filtered) },
};

char *
vpc_stats_to_prometheus (const VpcStats *stats, const VpcCounts *current, gboolean follow,
                         gint64 now_ms)
{
  /* The counts per container; the input being read counts as "reading"
   * until its container is known (at its end). */
  g_autoptr (GHashTable) by_container = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                              g_free);
  g_autoptr (GPtrArray) containers = g_ptr_array_new ();
  for (guint i = 0; i <= stats->inputs->len; i++)
    {
      const VpcInputStats *input = i < stats->inputs->len ? stats->inputs->pdata[i] : NULL;
      const VpcCounts *c = input != NULL ? &input->counts : current;
      /* The input being read is the last entry while it is read (its
       * counts are current's: not yet in the total). */
      if (input != NULL && current == &input->counts)
        continue;
      if (c == NULL)
        continue;
      const char *container = input != NULL && input->container != NULL ? input->container
                              : input != NULL                            ? "unknown"
                                                                         : "reading";
      VpcCounts *sum = g_hash_table_lookup (by_container, container);
      if (sum == NULL)
        {
          sum = g_new0 (VpcCounts, 1);
          g_hash_table_insert (by_container, (gpointer) container, sum);
          g_ptr_array_add (containers, (gpointer) container);
        }
      vpc_counts_add (sum, c);
    }
  GString *out = g_string_new (NULL);
  for (guint m = 0; m < G_N_ELEMENTS (counts_metrics); m++)
    {
      append_help (out, counts_metrics[m].metric, "counter", counts_metrics[m].help);
      for (guint i = 0; i < containers->len; i++)
        {
          g_string_append_printf (out, "%s{", counts_metrics[m].metric);
          append_label (out, "container", containers->pdata[i]);
          g_string_append_printf (
              out, "} %" G_GUINT64_FORMAT "\n",
              counts_value (&counts_metrics[m],
                            g_hash_table_lookup (by_container, containers->pdata[i])));
        }
    }
  append_help (out, "vpc2ipfix_inputs_failed_total", "counter",
               "Inputs that could not be read to their end.");
  g_string_append_printf (out, "vpc2ipfix_inputs_failed_total %u\n", stats->failed_inputs);
  for (guint m = 0; m < G_N_ELEMENTS (output_metrics); m++)
    {
      append_help (out, output_metrics[m].metric, "counter", output_metrics[m].help);
      for (guint i = 0; i < stats->outputs->len; i++)
        {
          const VpcOutputStats *o = &g_array_index (stats->outputs, VpcOutputStats, i);
          g_string_append_printf (out, "%s{", output_metrics[m].metric);
          append_label (out, "destination", o->destination);
          g_string_append_c (out, ',');
          append_label (out, "protocol", o->protocol);
          g_string_append_c (out, ',');
          append_label (out, "output", o->name != NULL ? o->name : "");
          g_string_append_printf (out, ",observation_domain=\"%u\"} %" G_GUINT64_FORMAT "\n",
                                  o->observation_domain,
                                  *(const guint64 *) ((const guint8 *) o
                                                      + output_metrics[m].offset));
        }
    }
  if (follow)
    {
      append_help (out, "vpc2ipfix_newest_record_lag_seconds", "gauge",
                   "How far the end time of the newest flow read is behind now (NaN: none yet).");
      if (stats->newest_end_ms > 0)
        g_string_append_printf (out, "vpc2ipfix_newest_record_lag_seconds %.3f\n",
                                (double) (now_ms - stats->newest_end_ms) / 1000.0);
      else
        g_string_append (out, "vpc2ipfix_newest_record_lag_seconds NaN\n");
    }
  append_help (out, "vpc2ipfix_last_update_timestamp_seconds", "gauge",
               "When these metrics were written (Unix time).");
  g_string_append_printf (out, "vpc2ipfix_last_update_timestamp_seconds %.3f\n",
                          (double) now_ms / 1000.0);
  return g_string_free (out, FALSE);
}
