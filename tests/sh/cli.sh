# The command line: subcommand table, version, usage errors (issue 2, Build 1).
. tests/lib.sh

check "help lists verbs" $IK help
check_grep "help names the version verb" 'version' "$(last_out)"
check "--version prints the version" $IK --version
check_grep "version string" '^ikecheck [0-9]+\.[0-9]+\.[0-9]+' "$(last_out)"
check_fails "no verb is a usage error" 2 $IK
check_fails "unknown verb exits 2" 2 $IK frobnicate
check_grep "unknown verb is named" "unknown verb 'frobnicate'" "$(last_out)"
exit $TESTS_FAILED
