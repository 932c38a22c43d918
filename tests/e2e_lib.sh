# Shared by the end-to-end scripts: the binary argument, a work directory
# removed on exit with the server and writer processes the script started,
# and counted checks. Source it after `set -euo pipefail`; it sets BINARY,
# WORK, SERVER_PID, WRITER_PID, PASSED and FAILED.

if [[ $# -ne 1 || ! -x $1 ]]; then
  echo "usage: $0 FACESYNC_BINARY" >&2
  exit 2
fi
BINARY=$1
WORK=$(mktemp -d "/tmp/facesync-$(basename "$0" .sh)-XXXXXX")
SERVER_PID=""
WRITER_PID=""
PASSED=0
FAILED=0

cleanup() {
  for pid in "$WRITER_PID" "$SERVER_PID"; do
    if [[ -n $pid ]]; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

pass() {
  PASSED=$((PASSED + 1))
  echo "ok:   $1"
}

fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL: $1"
}

# check NAME COMMAND...: runs the command, counting it as one check.
check() {
  local name=$1
  shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}

# start_server: serves WORK/data on a free loopback port (a random high one
# without python3) in the background, setting PORT, URL and SERVER_PID, and
# counts /healthz answering as a check; exits when it does not.
start_server() {
  if command -v python3 >/dev/null; then
    PORT=$(python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  else
    PORT=$((20000 + RANDOM % 40000))
  fi
  URL="http://127.0.0.1:$PORT"
  "$BINARY" serve --listen "127.0.0.1:$PORT" --data "$WORK/data" \
    >"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!

  up=false
  for _ in $(seq 100); do
    if curl -fsS "$URL/healthz" >/dev/null 2>&1; then
      up=true
      break
    fi
    sleep 0.1
  done
  if $up; then
    pass "server answers /healthz"
  else
    fail "server answers /healthz"
    cat "$WORK/serve.log"
    echo "$PASSED passed, $FAILED failed"
    exit 1
  fi
}
