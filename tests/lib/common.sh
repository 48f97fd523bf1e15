# Shared helpers for the test scripts (sourced).

# Where cargo puts binaries (respecting CARGO_TARGET_DIR).
BIN_DIR="${CARGO_TARGET_DIR:-$PWD/target}/debug"

# A step's heading, with the seconds the script has run so far (where a run's time goes).
step() { printf '\n==> %s   [%d s]\n' "$*" "$SECONDS"; }

# A free TCP port on the loopback interface.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until URL answers (any HTTP status), up to $2 seconds (default 60).
wait_for_url() {
  local url=$1 limit=${2:-60} waited=0
  until curl -s -o /dev/null "$url"; do
    sleep 0.5
    waited=$((waited + 1))
    if [ "$waited" -ge $((limit * 2)) ]; then
      echo "timed out waiting for $url" >&2
      return 1
    fi
  done
}

# Whether process group $1 is gone within $2 tenths of a second (killed processes hold their
# ports and files until they are reaped).
group_gone_within() {
  local _
  for _ in $(seq "$2"); do
    kill -0 -- "-$1" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

# Stops a process group started with setsid, politely then firmly.
stop_group() {
  local pgid=$1
  [ -n "$pgid" ] || return 0
  kill -TERM -- "-$pgid" 2>/dev/null || true
  group_gone_within "$pgid" 30 && return 0
  kill -KILL -- "-$pgid" 2>/dev/null || true
  group_gone_within "$pgid" 20 || true
}

random_secret() {
  python3 -c 'import secrets; print(secrets.token_urlsafe(36))'
}

# Waits until FILE has a line with TEXT while process PID lives (up to 2 minutes); prints the
# file when it does not come.
wait_for_line() {
  local file=$1 text=$2
  for _ in $(seq 1 1200); do
    grep -q "$text" "$file" 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { cat "$file"; return 1; }
    sleep 0.1
  done
  cat "$file"
  return 1
}
