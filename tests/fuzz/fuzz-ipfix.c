/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: IPFIX read back from memory with libfixbuf, the flows counted into a vpc-report summary. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "report/ipfix-input.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The input is an IPFIX file (plain). */
int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VpcIpfixInput) input = vpc_ipfix_input_open_memory ("fuzz", data, size, &error);
  g_assert (input != NULL);
  VpcReportOptions options = VPC_REPORT_OPTIONS_INIT;
  g_autoptr (VpcReport) report = vpc_report_new (&options, NULL);
  const VpcFlow *flow;
  guint64 mask;
  while (vpc_ipfix_input_next (input, &flow, &mask, &error))
    vpc_report_add_flow (report, flow, mask);
  g_assert (error != NULL);
  g_assert (g_error_matches (error, VPC_ERROR, VPC_ERROR_EOF)
            || g_error_matches (error, VPC_ERROR, VPC_ERROR_IPFIX));
  g_assert (vpc_ipfix_input_get_options_records (input) <= vpc_ipfix_input_get_records (input));
  g_autoptr (VpcReportSummary) summary = vpc_report_finish (report, NULL);
  g_autofree char *json = vpc_report_to_json (summary);
  g_assert (json != NULL);
  return 0;
}
