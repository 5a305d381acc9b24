#!/usr/bin/env bash
# The format check (make check) and make format: every C file of the tree in the style of
# .clang-format. Check mode names each file clang-format would change and exits 1.
#
#   tests/format.sh [ROOT]          check: exit 0 when every file is formatted
#   tests/format.sh --fix [ROOT]    make format: rewrite the files in place
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
fix=
[[ ${1:-} == --fix ]] && { fix=1; shift; }
cd "${1:-$here}" || exit 2
[[ -e .clang-format ]] || cp "$here/.clang-format" .

CF=${CLANG_FORMAT:-clang-format}
command -v "$CF" >/dev/null || { echo "format: $CF not found (harness/deps.sh installs clang-format)" >&2; exit 2; }
mapfile -t files < <(find engine suite reports tests bench fuzz harness peers -name '*.[ch]' \
	-not -path '*/fixtures/*' 2>/dev/null | sort)

if [[ -n $fix ]]; then
	# Twice: a few long literals settle only on the second pass.
	"$CF" -i "${files[@]}" && "$CF" -i "${files[@]}"
	exit
fi
bad=$("$CF" --dry-run "${files[@]}" 2>&1 | grep -oE '^[^:]+\.[ch]:[0-9]+' | cut -d: -f1 | sort -u)
if [[ -n $bad ]]; then
	echo "format: these files are not formatted as .clang-format says (run make format):" >&2
	sed 's/^/  /' <<<"$bad" >&2
	exit 1
fi
echo "format: ${#files[@]} C files formatted as .clang-format says"
