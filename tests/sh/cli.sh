# The command line: subcommand table, version, usage errors (issue 2, Build 1); every verb's
# options from one table over getopt_long (issue 13 item 5, suite/cli_opts.c).
. tests/lib.sh

check "help lists verbs" $IK help
check_grep "help names the version verb" 'version' "$(last_out)"
check "--version prints the version" $IK --version
check_grep "version string" '^ikecheck [0-9]+\.[0-9]+\.[0-9]+' "$(last_out)"
check_fails "no verb is a usage error" 2 $IK
check_fails "unknown verb exits 2" 2 $IK frobnicate
check_grep "unknown verb is named" "unknown verb 'frobnicate'" "$(last_out)"

# The long names in a verb's option table(s): the IK_FLAG/IK_STR/IK_SET rows of its file, and
# the rows connect and serve share (IK_RUN_OPTS in suite/run_engine.h).
table_names() {
	local f=suite/cmd_$1.c
	{
		tr '\n' ' ' <"$f"
		grep -q 'IK_RUN_OPTS(' "$f" && tr '\n' ' ' <suite/run_engine.h
	} | grep -oE 'IK_(FLAG|STR|SET|SET_WHOLE)\( *"[a-z-]+"' | grep -oE '"[a-z-]+"' | tr -d '"'
}

# A verb with sub-verbs takes options after the sub-verb: one that parses them on its own.
declare -A SUB=([list]="list cases" [profile]="profile keys")
verbs=$(grep -oE '^CMD\("[a-z]+"' suite/commands.def | cut -d'"' -f2)
for v in $verbs; do
	names=$(table_names "$v")
	[[ -n $names || $v == vectors ]] || { echo "not ok - $v: no option rows found"; TESTS_FAILED=1; }
	check "$v --help" $IK $v --help
	cp "$(last_out)" "$TEST_TMP/help.$v"
	for o in $names quiet verbose help; do
		check_grep "$v --help lists --$o" "(^|[ ,])--$o( |\[=|$)" "$TEST_TMP/help.$v"
	done
	check_grep "$v --help: -q, --quiet" '^  -q, --quiet ' "$TEST_TMP/help.$v"
	check_grep "$v --help: -v, --verbose" '^  -v, --verbose ' "$TEST_TMP/help.$v"
	check "$v -h" $IK $v -h
	cmd=${SUB[$v]:-$v}
	check "$cmd: -q and -v parse (then --help)" $IK $cmd -q -v --help
	check "$cmd: --quiet and --verbose parse (then --help)" $IK $cmd --quiet --verbose --help
	check_fails "$cmd: an unknown option exits 2" 2 $IK $cmd -q --frobnicate
	check_grep "$cmd: the unknown option is named" "unknown option '--frobnicate'" "$(last_out)"
	check_grep "$cmd: the usage follows" "^usage: ikecheck $cmd" "$(last_out)"
	check_fails "$cmd: an unknown short option exits 2" 2 $IK $cmd -Z
	check_grep "$cmd: the unknown short option is named" "unknown option '-Z'" "$(last_out)"
done

# -q and -v where the verb really runs, not only parses.
check "vectors -q -v hmac" $IK vectors -q -v hmac
check "list cases -q -v" $IK list cases -q -v
check "list mutations -q" $IK list mutations -q
check "profile check -q -v" $IK profile check peers/profiles/strongswan.conf -q -v
check_fails "decode --quiet: a cut message" 1 $IK decode --quiet --hex \
	350e17d1cc217f6900000000000000000110020000000000000000b40d00007000000001000000010000006401010003
check_grep "decode --quiet: the failure, no tree" '^decode: message: ' "$(last_out)"
check_fails "decode --quiet: one line" 1 grep -q 'exch=' "$(last_out)"
check_fails "a value given to a flag is refused" 2 $IK decode --full=yes --hex 00
check_grep "the flag is named" "'--full=yes' takes no value" "$(last_out)"

# A missing value: the option and what it wanted are named (exit 2, the usage follows).
missing() {
	local name=$1 opt=$2 arg=$3
	shift 3
	check_fails "$name: missing value exits 2" 2 $IK "$@"
	check_grep "$name: the option and its value are named" "--$opt needs a value: $arg" \
		"$(last_out)"
}
missing "connect --profile" profile FILE connect --profile
missing "serve --pidfile" pidfile FILE serve --profile x.conf --pidfile
missing "run --cases" cases GLOBS run --profile x.conf --cases
missing "decode --hex" hex HEX decode --hex
missing "report --out" out DIR report somewhere --out
missing "vectors --dir" dir DIR vectors --dir
missing "list cases --level" level 'MUST\|SHOULD' list cases --level
missing "profile render --target" target 'swanctl\|' profile render f.conf --target

# A bad value names the option and the value; a missing or extra operand is said.
check_fails "connect --timeout 0 exits 2" 2 $IK connect --profile x.conf --timeout 0
check_grep "bad value named" "--timeout '0': expected a whole number from 1 to 3600" "$(last_out)"
check_fails "report without DIR exits 2" 2 $IK report -q
check_grep "missing operand said" 'report: missing argument \(DIR' "$(last_out)"
check_fails "profile check with two files exits 2" 2 $IK profile check a.conf b.conf
check_grep "extra operand named" "unexpected argument 'b.conf'" "$(last_out)"
exit $TESTS_FAILED
