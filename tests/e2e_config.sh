#!/usr/bin/env bash
# End-to-end: `facesync serve --config FILE` takes its options from the
# file's [serve] section, flags override the file, and unknown keys are
# refused.
#
# Usage: tests/e2e_config.sh path/to/facesync
set -euo pipefail

BINARY=$1
WORK=$(mktemp -d /tmp/facesync-config-XXXXXX)
SERVER_PID=""
PASSED=0
FAILED=0

cleanup() {
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null || true
  [[ -n $SERVER_PID ]] && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

check() {
  if [[ $2 == "$3" ]]; then
    PASSED=$((PASSED + 1)); echo "ok:   $1"
  else
    FAILED=$((FAILED + 1)); echo "FAIL: $1: got '$2', want '$3'"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start ARGS...: serves in the background and waits for /healthz.
start() {
  "$BINARY" serve "$@" >>"$WORK/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0
    sleep 0.1
  done
  echo "server did not start"; cat "$WORK/serve.log"; exit 1
}

stop() {
  kill "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""
}

# The op and date of the first record gate 0002 receives.
first_record() {
  curl -s "http://127.0.0.1:$PORT/api/CheckTicket/FaceInfo/Sync" \
    -H 'Content-Type: application/json' \
    -d '{"gatenum":"0002","lastsuccessindex":0}' |
    python3 -c 'import json,sys; t=json.load(sys.stdin)["tag"]; print(t["op"], t["effdatebegin"])'
}

# hasdata when gate 0001, which collected T1, asks from 0.
own_face() {
  curl -s "http://127.0.0.1:$PORT/api/CheckTicket/FaceInfo/Sync" \
    -H 'Content-Type: application/json' \
    -d '{"gatenum":"0001","lastsuccessindex":0}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["tag"]["hasdata"])'
}

PORT=$(free_port)
cat >"$WORK/facesync.toml" <<TOML
[serve]
listen = "127.0.0.1:$PORT"
data = "$WORK/data"
op-new = "A"
date-format = "yyyy-MM-dd"
TOML

start --config "$WORK/facesync.toml"
printf '\xff\xd8\xff\xe0face\xff\xd9' >"$WORK/face.jpg"
"$BINARY" enroll --server "http://127.0.0.1:$PORT" --ticket T1 \
  --image "$WORK/face.jpg" --gate 0001 --begin 20301201 --end 20301231 >/dev/null
check "the file sets listen, data, op-new and date-format" \
  "$(first_record)" "A 2030-12-01"
if [[ -f $WORK/data/facesync.db ]]; then where=data; else where=elsewhere; fi
check "the database is in the file's data directory" "$where" data
stop

start --config "$WORK/facesync.toml" --op-new N
check "a flag overrides the file" "$(first_record)" "N 2030-12-01"
check "a gate from 0 receives its own face by default" "$(own_face)" "1"
stop

printf 'rebuild-own-faces = false\n' >>"$WORK/facesync.toml"
start --config "$WORK/facesync.toml"
check "rebuild-own-faces = false spares a gate its own face" "$(own_face)" "0"
stop

printf '[serve]\nlisten-typo = "x"\n' >"$WORK/bad.toml"
if "$BINARY" serve --config "$WORK/bad.toml" >/dev/null 2>&1; then
  check "an unknown key is refused" "accepted" "refused"
else
  check "an unknown key is refused" "refused" "refused"
fi

echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
