#!/usr/bin/env bash
# The test command named in the README: runs every test project of the solution, writing one TRX file
# per project. Extra arguments go to `dotnet test` (e.g. -c Release --no-build).
# Later issues start the servers the integration tests need (PostgreSQL, moto) from here.
set -euo pipefail
cd "$(dirname "$0")/.."
results=TestResults/local
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = "--results-directory" ]; then results=${args[$((i + 1))]}; fi
done
has_results_dir=false
for a in "$@"; do [ "$a" = "--results-directory" ] && has_results_dir=true; done
if ! $has_results_dir; then set -- "$@" --results-directory "$results"; fi
dotnet test Rheo.slnx --logger "trx" "$@"
