#!/usr/bin/env bash
# Run one libFuzzer target for a bounded time on its seed corpus; exit non-zero on a finding.
#
#   fuzz/run.sh build/fuzz/fuzz_decode SECONDS
#
# Seeds: fuzz/corpus/<target without fuzz_>/ (committed). New inputs go to
# build/fuzz/corpus/<name>/ so the repository stays clean; crashes to build/fuzz/artifacts/.
set -euo pipefail
bin=${1:?usage: fuzz/run.sh BINARY SECONDS}
secs=${2:-60}
name=$(basename "$bin")
name=${name#fuzz_}
cd "$(dirname "$0")/.."
seeds=fuzz/corpus/$name
work=build/fuzz/corpus/$name
arts=build/fuzz/artifacts/$name/
mkdir -p "$work" "$arts" "$seeds"
echo "fuzz: $bin for ${secs}s (seeds $seeds)"
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$arts" "$work" "$seeds" 2>&1 | grep -vE '^#[0-9]+.*(pulse|NEW|REDUCE)' | tail -40
rc=${PIPESTATUS[0]}
if [[ $rc -ne 0 ]]; then
	echo "fuzz: $name found a problem (exit $rc); inputs in $arts" >&2
	exit 1
fi
echo "fuzz: $name ok"
