#!/usr/bin/env bash
# make demo: what a newcomer sees first. Grows with the project; see README "make demo".
set -euo pipefail
cd "$(dirname "$0")/.."
IK=build/ikecheck
out=out/demo
mkdir -p "$out"
echo "== ikecheck $($IK --version | cut -d' ' -f2): available verbs"
$IK help
echo "demo: output in $out/"
