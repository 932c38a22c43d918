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
