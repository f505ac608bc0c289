/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Statistics bookkeeping and rendering. */
#include "config.h"

#include "stats.h"

#include <string.h>

#include "vpc-error.h"

static void
input_stats_free (gpointer data)
{
  VpcInputStats *input = data;
  g_free (input->name);
  g_free (input->error);
  g_free (input);
}

static void
source_stats_free (gpointer data)
{
  VpcSourceStats *source = data;
  g_free (source->name);
  g_free (source);
}

VpcSourceStats *
vpc_stats_add_source (VpcStats *stats, const char *name)
{
  VpcSourceStats *source = g_new0 (VpcSourceStats, 1);
  source->name = g_strdup (name);
  g_ptr_array_add (stats->sources, source);
  return source;
}

void
vpc_output_stats_clear (VpcOutputStats *stats)
{
  g_clear_pointer (&stats->destination, g_free);
  g_clear_pointer (&stats->name, g_free);
  g_clear_pointer (&stats->domain_key, g_free);
}

VpcStats *
vpc_stats_new (void)
{
  VpcStats *stats = g_new0 (VpcStats, 1);
  stats->outputs = g_array_new (FALSE, TRUE, sizeof (VpcOutputStats));
  g_array_set_clear_func (stats->outputs, (GDestroyNotify) vpc_output_stats_clear);
  stats->inputs = g_ptr_array_new_with_free_func (input_stats_free);
  stats->sources = g_ptr_array_new_with_free_func (source_stats_free);
  stats->skipped_files = g_ptr_array_new_with_free_func (g_free);
  return stats;
}

void
vpc_stats_free (VpcStats *stats)
{
  if (stats == NULL)
    return;
  g_ptr_array_unref (stats->inputs);
  g_ptr_array_unref (stats->sources);
  g_ptr_array_unref (stats->skipped_files);
  g_array_unref (stats->outputs);
  g_free (stats->domain_from);
  g_free (stats->domains_json);
  g_free (stats);
}

void
vpc_stats_set_outputs (VpcStats *stats, GArray *outputs)
{
  g_array_set_size (stats->outputs, 0);
  g_array_append_vals (stats->outputs, outputs->data, outputs->len);
  g_array_set_clear_func (outputs, NULL);
  g_array_set_size (outputs, 0); /* the destinations moved */
}

VpcInputStats *
vpc_stats_begin_input (VpcStats *stats, const char *name)
{
  VpcInputStats *input = g_new0 (VpcInputStats, 1);
  input->name = g_strdup (name);
  g_ptr_array_add (stats->inputs, input);
  return input;
}

void
vpc_counts_add (VpcCounts *sum, const VpcCounts *c)
{
  sum->lines += c->lines;
  sum->headers += c->headers;
  sum->blank += c->blank;
  sum->flows += c->flows;
  sum->flows_ipv4 += c->flows_ipv4;
  sum->flows_ipv6 += c->flows_ipv6;
  sum->flows_noaddr += c->flows_noaddr;
  sum->nodata += c->nodata;
  sum->skipdata += c->skipdata;
  sum->malformed += c->malformed;
  sum->filtered += c->filtered;
  sum->control_messages += c->control_messages;
  sum->bad_payloads += c->bad_payloads;
}

void
vpc_stats_end_input (VpcStats *stats, VpcInputStats *input)
{
  vpc_counts_add (&stats->total, &input->counts);
  if (input->error != NULL)
    stats->failed_inputs++;
}

gboolean
vpc_counts_consistent (const VpcCounts *c)
{
  return c->lines == c->headers + c->blank + c->flows + c->nodata + c->skipdata + c->malformed
         && c->flows == c->flows_ipv4 + c->flows_ipv6 + c->flows_noaddr;
}

static void
append_counts_row (GString *out, const char *name, const VpcCounts *c)
{
  g_string_append_printf (out,
                          "  %-34s %10" G_GUINT64_FORMAT " %10" G_GUINT64_FORMAT
                          " %9" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT " %8" G_GUINT64_FORMAT
                          " %8" G_GUINT64_FORMAT " %9" G_GUINT64_FORMAT " %7" G_GUINT64_FORMAT
                          "\n",
                          name, c->lines, c->flows, c->flows_ipv4, c->flows_ipv6, c->nodata,
                          c->skipdata, c->malformed, c->headers + c->blank);
}

char *
vpc_stats_to_text (const VpcStats *stats)
{
  GString *out = g_string_new (NULL);
  g_string_append_printf (out, "  %-34s %10s %10s %9s %9s %8s %8s %9s %7s\n", "input", "lines",
                          "flows", "ipv4", "ipv6", "nodata", "skipdata", "malformed", "other");
  for (guint i = 0; i < stats->inputs->len; i++)
    {
      const VpcInputStats *input = stats->inputs->pdata[i];
      const char *name = input->name;
      gsize len = strlen (name);
      g_autofree char *shown = len > 34 ? g_strconcat ("...", name + len - 31, NULL)
                                        : g_strdup (name);
      append_counts_row (out, shown, &input->counts);
      if (input->counts.control_messages > 0 || input->counts.bad_payloads > 0)
        g_string_append_printf (out,
                                "    %s container: %" G_GUINT64_FORMAT
                                " control messages skipped, %" G_GUINT64_FORMAT
                                " bad payloads\n",
                                input->container, input->counts.control_messages,
                                input->counts.bad_payloads);
      if (input->error != NULL)
        g_string_append_printf (out, "    stopped early: %s\n", input->error);
    }
  if (stats->inputs->len != 1)
    {
      append_counts_row (out, "total", &stats->total);
      if (stats->total.control_messages > 0 || stats->total.bad_payloads > 0)
        g_string_append_printf (out,
                                "    containers: %" G_GUINT64_FORMAT
                                " control messages skipped, %" G_GUINT64_FORMAT
                                " bad payloads\n",
                                stats->total.control_messages, stats->total.bad_payloads);
    }
  if (stats->templates > 0) /* known once the encoder is done */
    g_string_append_printf (out,
                            "  (other = header and blank lines; %" G_GUINT64_FORMAT
                            " templates; %u interfaces; %u files skipped)\n",
                            stats->templates, stats->interfaces, stats->skipped_files->len);
  else
    g_string_append_printf (out, "  (other = header and blank lines; %u files skipped)\n",
                            stats->skipped_files->len);
  if (stats->total.filtered > 0)
    g_string_append_printf (out,
                            "  %" G_GUINT64_FORMAT " of the %" G_GUINT64_FORMAT
                            " flows were not selected by --filter (not sent)\n",
                            stats->total.filtered, stats->total.flows);
  if (stats->interface_collisions > 0)
    g_string_append_printf (out,
                            "  %u interface names share a numeric index with another one "
                            "(their flows still carry interfaceName)\n",
                            stats->interface_collisions);
  if (stats->state_skipped > 0)
    g_string_append_printf (out, "  %" G_GUINT64_FORMAT " input files skipped: done in an earlier run (--state)\n",
                            stats->state_skipped);
  for (guint i = 0; i < stats->sources->len; i++)
    {
      const VpcSourceStats *s = stats->sources->pdata[i];
      if (g_str_has_prefix (s->name, "cloudwatch://"))
        {
          g_string_append_printf (out,
                                  "  from %s: %" G_GUINT64_FORMAT " events in %" G_GUINT64_FORMAT
                                  " pages, %" G_GUINT64_FORMAT " seen again and dropped; %"
                                  G_GUINT64_FORMAT " requests, %" G_GUINT64_FORMAT " retries, %"
                                  G_GUINT64_FORMAT " throttled, %" G_GUINT64_FORMAT " bytes\n",
                                  s->name, s->events, s->pages, s->duplicate_events, s->requests,
                                  s->retries, s->throttles, s->bytes);
          continue;
        }
      if (s->messages_received > 0)
        g_string_append_printf (out,
                                "  from %s: %" G_GUINT64_FORMAT " messages received, %"
                                G_GUINT64_FORMAT " deleted, %" G_GUINT64_FORMAT
                                " not object notifications, %" G_GUINT64_FORMAT
                                " left after a failure, %" G_GUINT64_FORMAT " redelivered\n",
                                s->name, s->messages_received, s->messages_deleted,
                                s->messages_other, s->messages_failed, s->messages_redelivered);
      g_string_append_printf (out,
                              "  from %s: %" G_GUINT64_FORMAT " objects read, %" G_GUINT64_FORMAT
                              " done before, %" G_GUINT64_FORMAT " outside --since/--until, %"
                              G_GUINT64_FORMAT " gone, %" G_GUINT64_FORMAT " failed; %"
                              G_GUINT64_FORMAT " requests, %" G_GUINT64_FORMAT " retries, %"
                              G_GUINT64_FORMAT " throttled, %" G_GUINT64_FORMAT " bytes\n",
                              s->name, s->objects_read, s->objects_done_before,
                              s->objects_outside, s->objects_gone, s->objects_failed, s->requests,
                              s->retries, s->throttles, s->bytes);
    }
  for (guint i = 0; i < stats->outputs->len; i++)
    {
      const VpcOutputStats *o = &g_array_index (stats->outputs, VpcOutputStats, i);
      if (strcmp (o->transport, "file") == 0 && stats->outputs->len == 1)
        continue; /* the plain conversion: nothing to add */
      g_string_append_printf (out,
                              "  to %s%s%s: %" G_GUINT64_FORMAT " messages, %" G_GUINT64_FORMAT
                              " records, %" G_GUINT64_FORMAT " bytes",
                              o->destination, strcmp (o->protocol, "ipfix") == 0 ? "" : " as ",
                              strcmp (o->protocol, "ipfix") == 0 ? ""
                              : strcmp (o->protocol, "v9") == 0 ? "NetFlow v9" : "NetFlow v5",
                              o->messages, o->records, o->bytes);
      if (o->name != NULL)
        g_string_append_printf (out, " (output %s, domain %u, %" G_GUINT64_FORMAT
                                " flows not selected by its filter)",
                                o->name, o->observation_domain, o->filtered);
      if (o->domain_key != NULL)
        g_string_append_printf (out, " (domain %u: %s)", o->observation_domain, o->domain_key);
      if (o->template_messages > 0)
        g_string_append_printf (out, ", %" G_GUINT64_FORMAT " template messages",
                                o->template_messages);
      if (o->send_errors > 0)
        g_string_append_printf (out, ", %" G_GUINT64_FORMAT
                                " send errors (mostly nobody listening: datagrams lost)",
                                o->send_errors);
      if (o->reconnects > 0)
        g_string_append_printf (out,
                                ", %" G_GUINT64_FORMAT " reconnections: %" G_GUINT64_FORMAT
                                " records sent again in %" G_GUINT64_FORMAT " messages",
                                o->reconnects, o->resent_records, o->resent_messages);
      if (o->skipped_ipv6 > 0)
        g_string_append_printf (out, ", %" G_GUINT64_FORMAT " IPv6 flows not sent (v5 has no "
                                "IPv6)", o->skipped_ipv6);
      if (o->skipped_times > 0)
        g_string_append_printf (out, ", %" G_GUINT64_FORMAT " flows with times NetFlow cannot "
                                "carry not sent", o->skipped_times);
      if (o->split_flows > 0)
        g_string_append_printf (out, ", %" G_GUINT64_FORMAT " flows over 32-bit counters sent "
                                "as %" G_GUINT64_FORMAT " records",
                                o->split_flows, o->split_records);
      if (o->clamped_counters > 0)
        g_string_append_printf (out, ", %" G_GUINT64_FORMAT " flows over 4 TiB with their "
                                "counters clamped", o->clamped_counters);
      if (o->backdated_packets > 0)
        g_string_append_printf (out, ", %" G_GUINT64_FORMAT " packets of flows older than "
                                "49.7 days with their export time set back",
                                o->backdated_packets);
      if (o->clamped_times > 0)
        g_string_append_printf (out, ", %" G_GUINT64_FORMAT " flow start times clamped",
                                o->clamped_times);
      g_string_append_c (out, '\n');
    }
  if (stats->interrupted)
    g_string_append (out, "  stopped by a signal\n");
  return g_string_free (out, FALSE);
}

static void
append_json_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p < 0x20)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, (char) *p);
    }
  g_string_append_c (out, '"');
}

static void
append_json_counts (GString *out, const VpcCounts *c)
{
  g_string_append_printf (out,
                          "\"lines\": %" G_GUINT64_FORMAT ", \"headers\": %" G_GUINT64_FORMAT
                          ", \"blank\": %" G_GUINT64_FORMAT ", \"flows\": %" G_GUINT64_FORMAT
                          ", \"flows_ipv4\": %" G_GUINT64_FORMAT
                          ", \"flows_ipv6\": %" G_GUINT64_FORMAT
                          ", \"flows_noaddr\": %" G_GUINT64_FORMAT
                          ", \"nodata\": %" G_GUINT64_FORMAT ", \"skipdata\": %" G_GUINT64_FORMAT
                          ", \"malformed\": %" G_GUINT64_FORMAT
                          ", \"filtered\": %" G_GUINT64_FORMAT
                          ", \"control_messages\": %" G_GUINT64_FORMAT
                          ", \"bad_payloads\": %" G_GUINT64_FORMAT,
                          c->lines, c->headers, c->blank, c->flows, c->flows_ipv4, c->flows_ipv6,
                          c->flows_noaddr, c->nodata, c->skipdata, c->malformed, c->filtered,
                          c->control_messages, c->bad_payloads);
}

char *
vpc_stats_to_json (const VpcStats *stats)
{
  GString *out = g_string_new ("{\n  \"inputs\": [");
  for (guint i = 0; i < stats->inputs->len; i++)
    {
      const VpcInputStats *input = stats->inputs->pdata[i];
      g_string_append (out, i == 0 ? "\n    {\"name\": " : ",\n    {\"name\": ");
      append_json_string (out, input->name);
      g_string_append_printf (out, ", \"compressed\": %s, \"container\": ",
                              input->compressed ? "true" : "false");
      if (input->container != NULL)
        append_json_string (out, input->container);
      else
        g_string_append (out, "null");
      g_string_append (out, ", ");
      append_json_counts (out, &input->counts);
      g_string_append (out, ", \"error\": ");
      if (input->error != NULL)
        append_json_string (out, input->error);
      else
        g_string_append (out, "null");
      g_string_append (out, "}");
    }
  g_string_append (out, "\n  ],\n  \"skipped_files\": [");
  for (guint i = 0; i < stats->skipped_files->len; i++)
    {
      g_string_append (out, i == 0 ? "\n    " : ",\n    ");
      append_json_string (out, stats->skipped_files->pdata[i]);
    }
  g_string_append (out, "\n  ],\n  \"total\": {");
  append_json_counts (out, &stats->total);
  g_string_append_printf (out,
                          "},\n  \"templates\": %" G_GUINT64_FORMAT
                          ",\n  \"interfaces\": %u,\n  \"interface_index_collisions\": %u"
                          ",\n  \"failed_inputs\": %u,\n  \"state_skipped\": %" G_GUINT64_FORMAT
                          ",\n  \"interrupted\": %s,\n  \"outputs\": [",
                          stats->templates, stats->interfaces, stats->interface_collisions,
                          stats->failed_inputs, stats->state_skipped,
                          stats->interrupted ? "true" : "false");
  for (guint i = 0; i < stats->outputs->len; i++)
    {
      const VpcOutputStats *o = &g_array_index (stats->outputs, VpcOutputStats, i);
      g_string_append (out, i == 0 ? "\n    {\"destination\": " : ",\n    {\"destination\": ");
      append_json_string (out, o->destination);
      g_string_append_printf (
          out,
          ", \"transport\": \"%s\", \"protocol\": \"%s\", \"messages\": %" G_GUINT64_FORMAT
          ", \"records\": %" G_GUINT64_FORMAT ", \"bytes\": %" G_GUINT64_FORMAT
          ", \"template_messages\": %" G_GUINT64_FORMAT ", \"send_errors\": %" G_GUINT64_FORMAT
          ", \"connects\": %" G_GUINT64_FORMAT ", \"reconnects\": %" G_GUINT64_FORMAT
          ", \"resent_messages\": %" G_GUINT64_FORMAT ", \"resent_records\": %" G_GUINT64_FORMAT
          ", \"skipped_ipv6\": %" G_GUINT64_FORMAT ", \"skipped_times\": %" G_GUINT64_FORMAT
          ", \"split_flows\": %" G_GUINT64_FORMAT
          ", \"split_records\": %" G_GUINT64_FORMAT ", \"clamped_counters\": %" G_GUINT64_FORMAT
          ", \"backdated_packets\": %" G_GUINT64_FORMAT
          ", \"clamped_times\": %" G_GUINT64_FORMAT "}",
          o->transport, o->protocol, o->messages, o->records, o->bytes, o->template_messages, o->send_errors,
          o->connects, o->reconnects, o->resent_messages, o->resent_records, o->skipped_ipv6,
          o->skipped_times,
          o->split_flows, o->split_records, o->clamped_counters, o->backdated_packets, o->clamped_times);
      if (o->domain_key != NULL)
        {
          g_string_truncate (out, out->len - 1); /* the closing brace */
          g_string_append_printf (out, ", \"observation_domain\": %u, \"domain_key\": ",
                                  o->observation_domain);
          append_json_string (out, o->domain_key);
          g_string_append_c (out, '}');
        }
      if (o->name != NULL)
        {
          g_string_truncate (out, out->len - 1); /* the closing brace */
          g_string_append (out, ", \"name\": ");
          append_json_string (out, o->name);
          if (o->domain_key == NULL)
            g_string_append_printf (out, ", \"observation_domain\": %u", o->observation_domain);
          g_string_append_printf (out, ", \"filtered\": %" G_GUINT64_FORMAT "}", o->filtered);
        }
    }
  g_string_append (out, "\n  ]");
  if (stats->domain_from != NULL)
    {
      g_string_append (out, ",\n  \"observation_domain_from\": ");
      append_json_string (out, stats->domain_from);
      g_string_append_printf (out, ",\n  \"observation_domains\": %s",
                              stats->domains_json != NULL ? stats->domains_json : "{}");
    }
  g_string_append (out, ",\n  \"sources\": [");
  for (guint i = 0; i < stats->sources->len; i++)
    {
      const VpcSourceStats *s = stats->sources->pdata[i];
      g_string_append (out, i == 0 ? "\n    {\"name\": " : ",\n    {\"name\": ");
      append_json_string (out, s->name);
      g_string_append_printf (
          out,
          ", \"objects_listed\": %" G_GUINT64_FORMAT ", \"objects_read\": %" G_GUINT64_FORMAT
          ", \"objects_done_before\": %" G_GUINT64_FORMAT ", \"objects_outside\": %" G_GUINT64_FORMAT
          ", \"objects_gone\": %" G_GUINT64_FORMAT ", \"objects_failed\": %" G_GUINT64_FORMAT
          ", \"pages\": %" G_GUINT64_FORMAT ", \"events\": %" G_GUINT64_FORMAT
          ", \"duplicate_events\": %" G_GUINT64_FORMAT ", \"messages_received\": %" G_GUINT64_FORMAT
          ", \"messages_deleted\": %" G_GUINT64_FORMAT ", \"messages_other\": %" G_GUINT64_FORMAT
          ", \"messages_failed\": %" G_GUINT64_FORMAT ", \"messages_redelivered\": %" G_GUINT64_FORMAT
          ", \"visibility_extensions\": %" G_GUINT64_FORMAT ", \"requests\": %" G_GUINT64_FORMAT
          ", \"retries\": %" G_GUINT64_FORMAT ", \"throttles\": %" G_GUINT64_FORMAT
          ", \"bytes\": %" G_GUINT64_FORMAT "}",
          s->objects_listed, s->objects_read, s->objects_done_before, s->objects_outside,
          s->objects_gone, s->objects_failed, s->pages, s->events, s->duplicate_events,
          s->messages_received, s->messages_deleted, s->messages_other, s->messages_failed,
          s->messages_redelivered, s->visibility_extensions, s->requests, s->retries,
          s->throttles, s->bytes);
    }
  g_string_append (out, "\n  ]\n}\n");
  return g_string_free (out, FALSE);
}
