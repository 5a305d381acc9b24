# The layer rule (tests/layers.sh, make layers; docs/architecture.md): the tree keeps it, a
# tree that breaks it is refused with the file and line of each wrong include, and the
# architecture page names only files that exist.
. tests/lib.sh

check "the tree keeps the layer rule" tests/layers.sh
check "make layers runs the check" make --no-print-directory layers

# A small tree: each wrong include once, and the includes that are allowed.
t=$TEST_TMP/tree
mkdir -p "$t/engine" "$t/reports" "$t/suite"
touch "$t/engine/x.h" "$t/engine/same.h" "$t/suite/same.h" "$t/suite/runner.h" "$t/reports/result.h"
printf '#include "x.h"\n#include <string.h>\n#include "runner.h"\n#include "same.h"\n' >"$t/engine/a.c"
printf '  # include "result.h"\n' >"$t/engine/b.def"
printf '#include "result.h"\n#include "../engine/x.h"\n#include <x.h>\n' >"$t/reports/r.c"
printf '#include "x.h"\n#include "result.h"\n#include "runner.h"\n' >"$t/suite/s.c"
check_fails "a tree that breaks the rule is refused" 1 tests/layers.sh "$t"
out=$TEST_TMP/refused
cp "$(last_out)" "$out"
check_grep "engine including suite/ is named with file and line" \
	'^engine/a\.c:3: includes suite/runner\.h, but engine/ may include only engine/ headers' "$out"
check_grep "engine including reports/ from a .def is named" '^engine/b\.def:1: includes reports/result\.h' "$out"
check_grep "reports including the engine by path is named" '^reports/r\.c:2: includes engine/x\.h' "$out"
check_grep "reports including the engine by <name> is named" '^reports/r\.c:3: includes engine/x\.h' "$out"
check_grep "the count of wrong includes" '^layers: 4 include\(s\) break the layer rule' "$out"
check "a layer's own header of a shared name is allowed" bash -c "! grep -q 'a\.c:4' '$out'"
check "suite/ may include engine/ and reports/" bash -c "! grep -q '^suite/' '$out'"

# Inside the engine: the codec may not reach up into the exchanges; the exchanges may use it.
t2=$TEST_TMP/inner
mkdir -p "$t2/engine/codec" "$t2/engine/crypto" "$t2/engine/exchanges"
touch "$t2/engine/codec/buf.h" "$t2/engine/exchanges/ike.h" "$t2/engine/crypto/prf.h"
printf '#include "buf.h"\n#include "ike.h"\n' >"$t2/engine/codec/buf.c"
printf '#include "buf.h"\n#include "prf.h"\n' >"$t2/engine/crypto/prf.c"
printf '#include "buf.h"\n#include "prf.h"\n#include "ike.h"\n' >"$t2/engine/exchanges/ike.c"
check_fails "the codec including the exchanges is refused" 1 tests/layers.sh "$t2"
check_grep "the inner rule names the file, line and rule" \
	'^engine/codec/buf\.c:2: includes engine/exchanges/ike\.h, but engine/codec/ may include only engine/codec/ headers' "$(last_out)"
check_grep "crypto using the codec and the exchanges using both are allowed" \
	'^layers: 1 include\(s\) break the layer rule' "$(last_out)"

# docs/architecture.md says which file does what; every path it names must exist.
missing_paths() {
	local p
	grep -oE '\b(engine|suite|reports|tests|bench|fuzz)/[A-Za-z0-9_.*/-]+\.(c|h|def|sh)\b' \
		docs/architecture.md | sort -u | while read -r p; do
		compgen -G "$p" >/dev/null || echo "$p"
	done
}
check "docs/architecture.md names only files that exist" test -z "$(missing_paths)"
exit $TESTS_FAILED
