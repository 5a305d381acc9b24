#!/usr/bin/env bash
# The one test command (make check, .ci/run): unit tests under ASan+UBSan, then the shell
# tests (CLI, known answers, wire checks), then the lab tests when root. Ends with one line
# "check: N passed, N failed".
#
#   tests/run.sh [unit|vectors|shell|lab ...]   run only those stages (default: all)
#   IKECHECK_SKIP_LAB=1                 skip the namespace lab (needs root)
set -uo pipefail
cd "$(dirname "$0")/.."

stages=("$@")
[[ ${#stages[@]} -eq 0 ]] && stages=(unit vectors shell lab)
passed=0
failed=0
failed_names=()
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

run_unit() {
	local t out line
	for t in build/san/tests/test_*; do
		[[ -x $t && ! $t == *.o && ! $t == *.d ]] || continue
		out=$("$t" 2>&1)
		local rc=$?
		# CUnit's summary row: "tests  <suites> <ran> <passed> <failed> <inactive>"
		line=$(grep -E '^ +tests ' <<<"$out" | tail -1)
		local ran=0 ok=0 bad=0
		read -r _ _ ran ok bad _ <<<"$line"
		if [[ -z $line || $rc -ne 0 ]]; then
			echo "$out" | grep -vE '\.\.\.passed$' | tail -40
			[[ ${bad:-0} -eq 0 ]] && bad=1
			failed_names+=("$t")
		fi
		passed=$((passed + ${ok:-0}))
		failed=$((failed + ${bad:-0}))
		printf '%-40s %4d passed, %d failed\n' "$t" "${ok:-0}" "${bad:-0}"
	done
}

# The known-answer vectors (ikecheck vectors): per family, and the total counted in.
run_vectors() {
	local out rc ok bad
	out=$(build/san/ikecheck vectors 2>&1)
	rc=$?
	sed "s/^/  /" <<<"$out" | grep -v "^  vectors:"
	read -r ok bad < <(sed -nE "s/^vectors: ([0-9]+) passed, ([0-9]+) failed/\1 \2/p" <<<"$out")
	if [[ -z ${ok:-} || $rc -ne 0 ]]; then
		[[ ${bad:-0} -eq 0 ]] && bad=1
		failed_names+=("vectors")
	fi
	passed=$((passed + ${ok:-0}))
	failed=$((failed + ${bad:-0}))
	printf "%-40s %4d passed, %d failed\n" "ikecheck vectors (known answers)" "${ok:-0}" "${bad:-0}"
}

run_sh() {
	local t out
	for t in "$@"; do
		[[ -f $t ]] || continue
		out=$(bash "$t" 2>&1)
		local rc=$? ok bad
		ok=$(grep -c '^ok ' <<<"$out")
		bad=$(grep -c '^not ok ' <<<"$out")
		if [[ $rc -ne 0 && $bad -eq 0 ]]; then bad=1; fi
		if [[ $bad -ne 0 ]]; then
			echo "$out" | grep -v '^ok ' | tail -60
			failed_names+=("$t")
		fi
		passed=$((passed + ok))
		failed=$((failed + bad))
		printf '%-40s %4d passed, %d failed\n' "$t" "$ok" "$bad"
	done
}

for s in "${stages[@]}"; do
	case $s in
	unit) run_unit ;;
	vectors) run_vectors ;;
	shell) run_sh tests/sh/*.sh ;;
	lab)
		if [[ ${IKECHECK_SKIP_LAB:-0} == 1 ]]; then
			echo "lab tests skipped (IKECHECK_SKIP_LAB=1)"
		elif [[ $(id -u) -ne 0 ]]; then
			echo "lab tests skipped: they need root (network namespaces)"
		else
			run_sh harness/tests/*.sh
		fi
		;;
	*) echo "tests/run.sh: unknown stage '$s'" >&2; exit 2 ;;
	esac
done

[[ ${#failed_names[@]} -gt 0 ]] && echo "failing: ${failed_names[*]}"
echo "check: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
