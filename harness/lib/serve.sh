# shellcheck shell=bash
# Starting and stopping one `ikecheck serve` for the demo scripts (sourced, never run).
#
#   serve_start PROFILE LOG   start serve in the background, wait until it has written its pidfile
#                             (exit 2 with its log when it dies or does not start in 5 s);
#                             sets serve_pid
#   serve_stop                stop it (safe to call twice; the scripts trap it on EXIT)
# Needs IK (the ikecheck binary).

serve_pid=
serve_pidfile=

serve_stop() {
	[[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
	[[ -n $serve_pidfile ]] && rm -f "$serve_pidfile"
	serve_pid=
	return 0
}

serve_start() {
	local profile=$1 log=$2
	serve_pidfile=$(mktemp -u /tmp/ikecheck-serve.XXXXXX.pid)
	$IK serve --profile "$profile" --pidfile "$serve_pidfile" >"$log" 2>&1 &
	serve_pid=$!
	for _ in $(seq 50); do
		[[ -s $serve_pidfile ]] && return 0
		kill -0 "$serve_pid" 2>/dev/null || { cat "$log" >&2; exit 2; }
		sleep 0.1
	done
	echo "${0##*/}: ikecheck serve ($profile) did not start" >&2
	cat "$log" >&2
	exit 2
}
