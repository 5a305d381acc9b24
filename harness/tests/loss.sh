#!/usr/bin/env bash
# Lab: a lossy path must never read as the DUT's fault (docs/verdicts.md 7, issue 14 item 3).
# harness/loss.sh on a sample of the suite against ikecheck serve: 10% random UDP loss, once
# silent (INPUT in both namespaces) and once local (the tester's sends refused with EPERM); every
# verdict must equal the lossless run's. The whole suite, three runs each way, against any peer:
# `make loss PEER=strongswan` (README). Run times are printed, not asserted (make bench territory).
set -uo pipefail
cd "$(dirname "$0")/../.."
source harness/lib/labtest.sh
lab_test_init loss
SAMPLE='MM-POS-*,MM-NEG-00*,QM-POS-*,MM-LIFE-00*,INFO-*,DPD-*,RTX-*,MAL-00*,AM-POS-*,QM-LIFE-*,FZ-MM1-0[0-2]*,FZ-QM1-04*'

out=$TEST_TMP/loss
harness/loss.sh ikecheck --runs 1 --cases "$SAMPLE" --out "$out" >"$TEST_TMP/loss.out" 2>&1
rc=$?
sed 's/^/# /' "$TEST_TMP/loss.out"
check_grep "loss: the lossless run decided the sample" '^loss: ikecheck, [0-9]{2,} cases' "$TEST_TMP/loss.out"
check_grep "loss: silent 10% loss changes no verdict" '^loss: silent 10% run 1: 0 of' "$TEST_TMP/loss.out"
check_grep "loss: local send errors (EPERM) change no verdict" '^loss: local 10% run 1: 0 of' "$TEST_TMP/loss.out"
check_grep "loss: the lossy runs saw the loss (and said so)" 'signs of loss' "$TEST_TMP/loss.out"
check "loss: harness/loss.sh exit status 0" test "$rc" = 0
exit $TESTS_FAILED
