# shellcheck shell=bash
# Helpers shared by harness/lab and the peer scripts in peers/*/peer (sourced, never run).
#
#   lab_log / lab_die         messages on stderr, prefixed with the calling function
#   in_ns NS CMD...           run CMD in network namespace NS
#   pid_alive PID [NAME]      is PID running (and, when NAME is given, is its comm NAME)
#   stop_pid PID [NAME]       TERM, wait up to 5 s, then KILL -- only that PID
#   kernel_has_esp            can this kernel install an ESP SA? (tried in a scratch namespace)
#   profile_get FILE KEY [DEF] one value of a DUT profile (section.key), via the generator
#   profile_check FILE        the generator's check
#   profile_set IN KEY VALUE  a copy of a profile with one key changed (stdout)
#   wait_for SECS CMD...      poll CMD every 0.1 s until it succeeds or SECS pass
#   tail_log FILE [N]         the last N lines of a log, indented, for failure reports

IKECHECK_ROOT=${IKECHECK_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
IKECHECK_BIN=${IKECHECK_BIN:-$IKECHECK_ROOT/build/ikecheck}

lab_log() { echo "${FUNCNAME[1]:-lab}: $*" >&2; }
lab_die() {
	echo "${FUNCNAME[1]:-lab}: $*" >&2
	exit 1
}

in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

pid_alive() {
	local pid=$1 name=${2:-}
	[[ -n $pid && -d /proc/$pid ]] || return 1
	# A zombie is not alive: it holds no socket and answers nothing.
	[[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] || return 1
	[[ -z $name ]] || [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$name" ]]
}

# For wait_for: PID has exited (a zombie our parent has not reaped yet counts as exited).
pid_gone() { ! pid_alive "$1"; }

stop_pid() {
	local pid=$1 name=${2:-} i
	pid_alive "$pid" "$name" || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		pid_alive "$pid" || return 0
		sleep 0.1
	done
	lab_log "pid $pid ($name) ignored TERM for 5 s; sending KILL"
	kill -KILL "$pid" 2>/dev/null || true
	for ((i = 0; i < 20; i++)); do
		pid_alive "$pid" || return 0
		sleep 0.1
	done
	return 1
}

wait_for() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

tail_log() {
	local f=$1 n=${2:-25}
	[[ -f $f ]] || {
		echo "    (no log at $f)"
		return 0
	}
	echo "    --- last $n lines of $f ---"
	tail -n "$n" "$f" | sed 's/^/    /'
}

# LAB-NOTES: this kernel has XFRM but no ESP; a CI machine elsewhere may have both. Ask the
# kernel, once per call, in a namespace of our own so nothing is left in the caller's tables.
# Prints "kernel" or "none". The answer is cached in $LAB_ESP_CACHE when set.
kernel_has_esp() {
	if [[ -n ${LAB_ESP_CACHE:-} && -s $LAB_ESP_CACHE ]]; then
		[[ $(cat "$LAB_ESP_CACHE") == kernel ]]
		return
	fi
	local ns=ikecheck-espprobe-$$-$RANDOM ans=none
	ip netns add "$ns" || return 1
	if ip -n "$ns" xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1000 \
		mode tunnel enc 'cbc(aes)' 0x000102030405060708090a0b0c0d0e0f \
		auth-trunc 'hmac(sha1)' 0x000102030405060708090a0b0c0d0e0f10111213 96 2>/dev/null; then
		ans=kernel
	fi
	ip netns del "$ns"
	[[ -z ${LAB_ESP_CACHE:-} ]] || echo "$ans" >"$LAB_ESP_CACHE"
	[[ $ans == kernel ]]
}

# Is the profile generator (suite/profile.c, `ikecheck profile ...`) in this build?
profile_generator() {
	[[ -x $IKECHECK_BIN ]] &&
		"$IKECHECK_BIN" help 2>&1 | grep -Eq '^ +profile '
}

# profile_get FILE section.key [DEFAULT]: the value (`ikecheck profile get`), or DEFAULT when
# the key is absent. The generator (suite/profile.c) is the one reader of profiles.
profile_get() {
	local file=$1 key=$2 v
	profile_generator || lab_die "the profile generator (ikecheck profile) is not built; run make"
	v=$("$IKECHECK_BIN" profile get "$file" "$key" 2>/dev/null) || v=
	if [[ -z $v ]]; then
		[[ $# -ge 3 ]] || return 1
		v=$3
	fi
	printf '%s\n' "$v"
}

# profile_check FILE: the generator's check (file, line and reason on failure).
profile_check() {
	profile_generator || {
		echo "profile_check: the profile generator (ikecheck profile) is not built; run make" >&2
		return 1
	}
	"$IKECHECK_BIN" profile check "$1"
}

# First host of a subnet "10.2.0.0/24" -> "10.2.0.1/24" (what the lab puts on lo).
subnet_host() {
	local net=${1%/*} len=${1#*/}
	[[ $1 == */* ]] || len=32
	local a b c d
	IFS=. read -r a b c d <<<"$net"
	[[ $len == 32 ]] || d=$((d + 1))
	echo "$a.$b.$c.$d/$len"
}

# profile_set IN section.key VALUE > OUT: a copy of a profile with one key set (added to its
# section when absent). For tests and the corpus, which vary one thing of a base profile.
profile_set() {
	local file=$1 key=$2 val=$3
	awk -v sec="${key%%.*}" -v k="${key#*.}" -v v="$val" '
		function flush() { if (cur == sec && !done) { print k " = " v; done = 1 } }
		/^[ \t]*\[/ {
			flush()
			cur = $0; gsub(/[][ \t]/, "", cur)
			print; next
		}
		{
			line = $0; i = index(line, "=")
			if (cur == sec && i > 0 && line !~ /^[ \t]*[#;]/) {
				kk = substr(line, 1, i - 1); gsub(/^[ \t]+|[ \t]+$/, "", kk)
				if (kk == k) { if (!done) print k " = " v; done = 1; next }
			}
			print
		}
		END { flush(); if (!done) { print "[" sec "]"; print k " = " v } }' "$file"
}
