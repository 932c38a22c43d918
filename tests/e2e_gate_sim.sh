#!/usr/bin/env bash
# End-to-end: a real `facesync serve`, faces enrolled from several gates
# through `facesync enroll`, simulated gates in all four body formats and
# in v2 batches syncing while faces keep changing, then every gate
# verified against the server once the changes stop, and a v2 gate
# waiting for a face.
#
# Usage: tests/e2e_gate_sim.sh path/to/facesync
set -euo pipefail

source "$(dirname "$0")/e2e_lib.sh"

# A few bytes that pass for a JPEG, different for every payload.
make_jpeg() {
  printf '\xff\xd8\xff\xe0%s\xff\xd9' "$2" >"$1"
}

enroll() {  # enroll TICKET GATE PAYLOAD [TEMPLATE_INFO]
  local image="$WORK/images/$1-$3.jpg"
  make_jpeg "$image" "$3"
  local gate_args=()
  [[ -n $2 ]] && gate_args=(--gate "$2")
  "$BINARY" enroll --server "$URL" --ticket "$1" --image "$image" \
    "${gate_args[@]}" --begin 20300101 --end 20301231 \
    --template-info "${4:-0}" >>"$WORK/enroll.log" 2>&1
}

revoke() {
  "$BINARY" revoke --server "$URL" --ticket "$1" >>"$WORK/enroll.log" 2>&1
}

# gate_sim FORMAT FIRST_GATE GATES [more flags]: one simulator run with
# --verify and the format's own state directory; prints its exit status.
gate_sim() {
  local format=$1 gate=$2 gates=$3
  shift 3
  local status=0
  "$BINARY" gate-sim --server "$URL" --format "$format" --gate "$gate" \
    --gates "$gates" --state-dir "$WORK/state-$format" --verify "$@" \
    >"$WORK/sim-$format.out" 2>&1 || status=$?
  echo "$status"
}

# gate_sim_v2 FIRST_GATE GATES NAME [more flags]: one v2 simulator run in
# batches of 7 with --verify and the state directory of NAME; prints its
# exit status.
gate_sim_v2() {
  local gate=$1 gates=$2 name=$3
  shift 3
  local status=0
  "$BINARY" gate-sim --server "$URL" --v2 --batch 7 --gate "$gate" \
    --gates "$gates" --state-dir "$WORK/state-$name" --verify "$@" \
    >"$WORK/sim-$name.out" 2>&1 || status=$?
  echo "$status"
}

# The writer: new faces, replacements from other gates, revocations, until
# told to stop; counts what the server accepted.
writer() {
  local gates=(0001 0002 0003 0004 "")
  local i=0 ok=0
  while [[ ! -e $WORK/stop-writing || $i -lt 40 ]]; do
    local gate=${gates[$((i % 5))]}
    case $((i % 3)) in
      0) enroll "W$i" "$gate" "w$i" $((i % 256)) && ok=$((ok + 1)) ;;
      1) enroll "E$(printf %03d $((i % 60)))" "$gate" "r$i" && ok=$((ok + 1)) ;;
      2) revoke "E$(printf %03d $(((i * 7) % 60)))" && ok=$((ok + 1)) ;;
    esac
    i=$((i + 1))
    [[ $i -ge 400 ]] && break
  done
  echo "$i $ok" >"$WORK/writer.done"
}

mkdir -p "$WORK/images" "$WORK/data"

# ---- the server ----
start_server

# ---- the first faces, from several gates and from none ----
GATES=(0001 0002 0003 0004 "")
enrolled=0
for i in $(seq 0 59); do
  ticket=E$(printf %03d "$i")
  enroll "$ticket" "${GATES[$((i % 5))]}" "e$i" $((i % 7)) &&
    enrolled=$((enrolled + 1))
done
check "60 faces enrolled through facesync enroll" test "$enrolled" -eq 60

# ---- simulators in every format while the writer keeps changing faces ----
FORMATS=(json xml form bson)
declare -A FIRST_GATE=([json]=0001 [xml]=0003 [form]=0004 [bson]=0002)
declare -A GATE_COUNT=([json]=3 [xml]=2 [form]=2 [bson]=2)
declare -A BAD_RUNS=([json]=0 [xml]=0 [form]=0 [bson]=0)
BAD_V2_RUNS=0

writer &
WRITER_PID=$!
rounds=0
while [[ ! -e $WORK/writer.done ]]; do
  for format in "${FORMATS[@]}"; do
    # Differences are expected while faces change (exit 3); a failed gate
    # (2) or a usage error (1) is not.
    status=$(gate_sim "$format" "${FIRST_GATE[$format]}" \
      "${GATE_COUNT[$format]}")
    if [[ $status -ne 0 && $status -ne 3 ]]; then
      BAD_RUNS[$format]=$((BAD_RUNS[$format] + 1))
      cat "$WORK/sim-$format.out"
    fi
  done
  status=$(gate_sim_v2 0001 3 v2)
  if [[ $status -ne 0 && $status -ne 3 ]]; then
    BAD_V2_RUNS=$((BAD_V2_RUNS + 1))
    cat "$WORK/sim-v2.out"
  fi
  rounds=$((rounds + 1))
  [[ $rounds -ge 3 ]] && touch "$WORK/stop-writing"
done
wait "$WRITER_PID"
WRITER_PID=""
read -r writes writes_ok <"$WORK/writer.done"
echo "writer: $writes changes tried, $writes_ok accepted;" \
  "$rounds rounds of simulators"

for format in "${FORMATS[@]}"; do
  check "gate-sim $format kept syncing during writes" \
    test "${BAD_RUNS[$format]}" -eq 0
done
check "gate-sim --v2 kept syncing during writes" test "$BAD_V2_RUNS" -eq 0
check "the writer's changes were accepted" test "$writes_ok" -ge 30

# ---- once the writes stop, every format converges from its saved state ----
for format in "${FORMATS[@]}"; do
  status=$(gate_sim "$format" "${FIRST_GATE[$format]}" \
    "${GATE_COUNT[$format]}")
  if [[ $status -ne 0 ]]; then cat "$WORK/sim-$format.out"; fi
  check "gate-sim $format resumes and verifies" test "$status" -eq 0
  check "gate-sim $format reports a match" \
    grep -q "all gates match" "$WORK/sim-$format.out"
done

# A second run from the saved cursors has nothing left to fetch.
gate_sim json 0001 3 >/dev/null
check "a resumed run applies no records" \
  grep -q "^total: 3 gates, 0 records applied" "$WORK/sim-json.out"

# A gate starting from nothing converges too.
status=$(gate_sim xml 0040 1)
check "a fresh xml gate verifies" test "$status" -eq 0

# ---- v2 batches end where the legacy loop ends ----
status=$(gate_sim_v2 0001 3 v2)
if [[ $status -ne 0 ]]; then cat "$WORK/sim-v2.out"; fi
check "gate-sim --v2 resumes and verifies" test "$status" -eq 0
check "gate-sim --v2 reports a match" \
  grep -q "all gates match" "$WORK/sim-v2.out"

# The same new gate from nothing, once each way: the same state file. The
# newest record is a face, so that the server's collection of removals
# between the two runs cannot move where they end.
enroll FRESH "" fresh
gate_sim json 0060 1 >/dev/null
status=$(gate_sim_v2 0060 1 v2-fresh)
check "a fresh v2 gate verifies" test "$status" -eq 0
check "a fresh v2 gate holds what a fresh legacy gate holds" \
  cmp "$WORK/state-json/gate-0060.state" "$WORK/state-v2-fresh/gate-0060.state"
check "the fresh v2 gate fetched in batches of 7" \
  grep -Eq "^gate 0060: ([0-9]+) records applied.* ([0-9]+) requests" \
  "$WORK/sim-v2-fresh.out"
read -r v2_records v2_requests < <(sed -nE \
  's/^gate 0060: ([0-9]+) records applied.* ([0-9]+) requests.*/\1 \2/p' \
  "$WORK/sim-v2-fresh.out")
check "... in $v2_requests requests for $v2_records records" \
  test "$v2_requests" -eq $((v2_records / 7 + 1))

# A caught-up v2 gate that waits receives a face enrolled meanwhile, long
# before its wait runs out: one request finds nothing, the next waits.
gate_sim_v2 0070 1 wait >/dev/null
requests_of_0070() {
  curl -fsS "$URL/v2/gates/0070" | sed -nE 's/.*"requests":([0-9]+).*/\1/p'
}
before=$(requests_of_0070)
started=$(date +%s)
"$BINARY" gate-sim --server "$URL" --v2 --gate 0070 \
  --state-dir "$WORK/state-wait" --wait 30 >"$WORK/sim-wait.out" 2>&1 &
WAIT_PID=$!
# Enroll once the gate has asked twice: caught up, then waiting.
for _ in $(seq 100); do
  [[ $(requests_of_0070) -ge $((before + 2)) ]] && break
  sleep 0.1
done
sleep 0.2
enroll WAITED 0001 waited
status=0
wait "$WAIT_PID" || status=$?
waited=$(($(date +%s) - started))
check "a waiting v2 gate ends well" test "$status" -eq 0
check "a waiting v2 gate receives the face enrolled meanwhile" \
  grep -q "^gate 0070: 1 records applied, .* 2 requests" "$WORK/sim-wait.out"
check "... well within its 30 s wait (${waited} s)" test "$waited" -lt 15

# v2 flags go together: --batch and --wait need --v2, --format excludes it.
for flags in "--batch 5" "--wait 1" "--v2 --format xml" "--v2 --batch 0" \
  "--v2 --wait 61"; do
  # shellcheck disable=SC2086  # the flags are split on purpose
  check "gate-sim refuses $flags" bash -c "! '$BINARY' gate-sim \
    --server '$URL' --gate 0071 $flags >/dev/null 2>&1"
done

# ---- verification catches a face set that is wrong ----
state_file="$WORK/state-json/gate-0002.state"
if [[ -f $state_file ]]; then
  # A face the server never had; the cursor stays where it was, so only
  # verification can notice it.
  printf 'face\tGHOST\t1\t%064d\t20300101\t20301231\t0\n' 0 >>"$state_file"
  status=$(gate_sim json 0001 3)
  check "gate-sim --verify fails on a tampered face set (exit 3)" \
    test "$status" -eq 3
  check "the difference names the ticket" \
    grep -q "ticket GHOST" "$WORK/sim-json.out"
else
  fail "gate 0002 saved its state"
fi

# ---- the client commands report the server's refusals ----
check "revoke of an unknown ticket fails" \
  bash -c "! '$BINARY' revoke --server '$URL' --ticket NOPE >/dev/null 2>&1"
make_jpeg "$WORK/images/bad.jpg" bad
check "enroll with an impossible date fails" \
  bash -c "! '$BINARY' enroll --server '$URL' --ticket BAD \
    --image '$WORK/images/bad.jpg' --begin 20301301 --end 20301231 \
    >/dev/null 2>&1"

echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
