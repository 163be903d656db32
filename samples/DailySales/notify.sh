#!/usr/bin/env bash
# The reactor of the daily-sales sample: "sends" each region's weekly report to its sales team by writing the message
# into the node's output (a real pipeline would call a mail or chat API here). Arguments: report folder, output folder,
# region, day. The first attempt for EU fails as a busy mail relay would, so the sample shows a retry.
set -euo pipefail
report_dir=$1 output_dir=$2 region=$3 day=$4
if [ "$region" = "EU" ] && [ "${RHEO_ATTEMPT:-1}" = "1" ]; then
  echo "mail relay busy, try again later" >&2
  exit 75
fi
to="sales-$(echo "$region" | tr '[:upper:]' '[:lower:]')@example.com"
echo "sent to $to: $(cat "$report_dir/report.txt")" | tee "$output_dir/message.txt"
