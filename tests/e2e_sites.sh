#!/usr/bin/env bash
# End-to-end: sites and expiry. A real `facesync serve`; gates 0001, 0002
# and 0003 registered in sites north, south and none with `facesync gates
# set`; faces scoped to north, south, both and none enrolled from several
# gates while simulated gates sync and verify; then `facesync sweep`
# removes the faces past their end date and every gate converges again.
# What each gate holds is checked against the script's own model of the
# live faces as well as by gate-sim --verify, so that a server that lost
# the sites (and verified against its own mistake) still fails.
#
# Usage: tests/e2e_sites.sh path/to/facesync
set -euo pipefail

source "$(dirname "$0")/e2e_lib.sh"

# ---- the model: what the script believes the server's live faces are ----
# Keyed by ticket; a ticket without an entry has no live face. SITES is a
# comma-separated list, "" for every gate.
declare -A F_GATE=() F_PAYLOAD=() F_SITES=() F_END=()
declare -A GATE_SITE=([0001]=north [0002]=south [0003]="")
GATES=(0001 0002 0003)
OPS_LOG=""  # when set, successful changes are appended to it

model_enroll() {  # model_enroll TICKET GATE PAYLOAD SITES END
  F_GATE[$1]=$2
  F_PAYLOAD[$1]=$3
  F_SITES[$1]=$4
  F_END[$1]=$5
}

model_revoke() {
  unset "F_GATE[$1]" "F_PAYLOAD[$1]" "F_SITES[$1]" "F_END[$1]"
}

is_live() {
  [[ -n ${F_GATE[$1]+x} ]]
}

# reaches SITES SITE: do gates of SITE ("" for none) receive such a face?
reaches() {
  [[ -z $1 || ",$1," == *",$2,"* ]]
}

# A few bytes that pass for a JPEG, different for every payload.
make_jpeg() {
  printf '\xff\xd8\xff\xe0%s\xff\xd9' "$2" >"$1"
}

# enroll TICKET GATE PAYLOAD SITES END: through `facesync enroll`; on
# success the model (and OPS_LOG, if set) learns of it.
enroll() {
  local image="$WORK/images/$3.jpg"
  make_jpeg "$image" "$3"
  local args=() site_list=() site
  [[ -n $2 ]] && args+=(--gate "$2")
  IFS=, read -ra site_list <<<"$4"
  for site in "${site_list[@]}"; do args+=(--site "$site"); done
  "$BINARY" enroll --server "$URL" --ticket "$1" --image "$image" \
    "${args[@]}" --begin 20300101 --end "$5" >>"$WORK/enroll.log" 2>&1 ||
    return 1
  model_enroll "$@"
  if [[ -n $OPS_LOG ]]; then echo "enroll|$1|$2|$3|$4|$5" >>"$OPS_LOG"; fi
}

# rescope TICKET SITES: the live face again, same image, other sites.
rescope() {
  enroll "$1" "${F_GATE[$1]}" "${F_PAYLOAD[$1]}" "$2" "${F_END[$1]}"
}

revoke() {
  "$BINARY" revoke --server "$URL" --ticket "$1" >>"$WORK/enroll.log" 2>&1 ||
    return 1
  model_revoke "$1"
  if [[ -n $OPS_LOG ]]; then echo "revoke|$1" >>"$OPS_LOG"; fi
}

# Applies the changes a writer made in its own shell to this one's model.
replay_ops() {
  local op ticket gate payload sites end
  while IFS='|' read -r op ticket gate payload sites end; do
    case $op in
      enroll) model_enroll "$ticket" "$gate" "$payload" "$sites" "$end" ;;
      revoke) model_revoke "$ticket" ;;
    esac
  done <"$1"
}

# gate_sim GATE FORMAT: one simulator run with --verify from the gate's
# saved state; prints its exit status.
gate_sim() {
  local status=0
  "$BINARY" gate-sim --server "$URL" --gate "$1" --format "$2" \
    --state-dir "$WORK/state" --verify >"$WORK/sim-$1.out" 2>&1 || status=$?
  echo "$status"
}

# The tickets gate GATE holds, sorted.
held_tickets() {
  local file="$WORK/state/gate-$1.state"
  [[ -f $file ]] || return 0
  awk -F'\t' '$1 == "face" { print $2 }' "$file" | sort
}

# What GATE must hold by the model, without the faces it collected itself
# (it receives those when it rebuilds from 0); sorted.
expected_tickets() {
  local ticket
  for ticket in "${!F_GATE[@]}"; do
    [[ ${F_GATE[$ticket]} == "$1" ]] && continue
    if reaches "${F_SITES[$ticket]}" "${GATE_SITE[$1]}"; then
      echo "$ticket"
    fi
  done | sort
}

# held_matches_model GATE: the gate's faces, but for its own, are exactly
# the model's.
held_matches_model() {
  local held expected ticket
  held=$(held_tickets "$1" | while read -r ticket; do
    if is_live "$ticket" && [[ ${F_GATE[$ticket]} == "$1" ]]; then continue; fi
    echo "$ticket"
  done)
  expected=$(expected_tickets "$1")
  if [[ $held != "$expected" ]]; then
    echo "  gate $1 holds:    ${held//$'\n'/ }"
    echo "  gate $1 expected: ${expected//$'\n'/ }"
    return 1
  fi
}

# sync_all ROUND NAME: every gate syncs and verifies (exit 0) and holds
# what the model says.
sync_all() {
  local formats=(json xml form bson) gate status i=0
  for gate in "${GATES[@]}"; do
    status=$(gate_sim "$gate" "${formats[$((($1 + i) % 4))]}")
    i=$((i + 1))
    if [[ $status -ne 0 ]]; then cat "$WORK/sim-$gate.out"; fi
    check "$2: gate $gate (site ${GATE_SITE[$gate]:-none}) syncs and verifies" \
      test "$status" -eq 0
    check "$2: gate $gate holds the model's faces" held_matches_model "$gate"
  done
}

# holds GATE TICKET, lacks GATE TICKET: about the gate's saved face set.
holds() {
  held_tickets "$1" | grep -qx "$2"
}

lacks() {
  ! holds "$@"
}

# gates_cell GATENUM COLUMN: one cell of the last `facesync gates` table,
# found under its column heading.
gates_cell() {
  awk -v gate="$1" -v column="$2" '
    NR == 1 {
      start = index($0, column)
      rest = substr($0, start + length(column))
      width = match(rest, /[^ ]/) ? length(column) + RSTART - 1 : 0
    }
    NR > 1 && $1 == gate {
      cell = width ? substr($0, start, width) : substr($0, start)
      sub(/ +$/, "", cell)
      print cell
    }' "$WORK/gates.out"
}

list_gates() {
  "$BINARY" gates --server "$URL" >"$WORK/gates.out" 2>&1
}

mkdir -p "$WORK/images" "$WORK/data" "$WORK/state"

# ---- the server ----
start_server

# ---- the gates ----
# gates_set ARGS...: `facesync gates ARGS...`, its output in set.out.
gates_set() {
  "$BINARY" gates "$@" >"$WORK/set.out" 2>&1 || true
}

gates_set set 0001 --server "$URL" --site north --name "North 1"
check "gates set registers gate 0001" grep -q \
  "^gate 0001 registered: name North 1, site north, enabled" "$WORK/set.out"
gates_set --server "$URL" set 0002 --site south
check "gates set registers gate 0002" \
  grep -q "^gate 0002 registered: name -, site south" "$WORK/set.out"
gates_set set 0003 --server "$URL" --address 127.0.0.1
check "gates set registers gate 0003 with no site" grep -q \
  "^gate 0003 registered: name -, site -, enabled, addresses 127.0.0.1" \
  "$WORK/set.out"

# An update sends every setting: the ones not given keep their values.
gates_set set 0001 --server "$URL" --enabled true
check "gates set keeps the settings not given" grep -q \
  "^gate 0001 updated: name North 1, site north, enabled" "$WORK/set.out"
gates_set set 0003 --server "$URL" --name "Gate 3"
check "gates set keeps the addresses" grep -q \
  "^gate 0003 updated: name Gate 3, site -, enabled, addresses 127.0.0.1" \
  "$WORK/set.out"
check "gates set refuses a bad site" \
  bash -c "! '$BINARY' gates set 0002 --server '$URL' --site 'no spaces' \
    >/dev/null 2>&1"

list_gates || true
check "gates lists the three registered gates" \
  test "$(tail -n +2 "$WORK/gates.out" | wc -l)" -eq 3
sites=$(gates_cell 0001 SITE)/$(gates_cell 0002 SITE)/$(gates_cell 0003 SITE)
check "gates shows the sites" test "$sites" = "north/south/-"
check "gates shows names with spaces in their column" \
  test "$(gates_cell 0001 NAME)" = "North 1"
check "gates shows a gate that never synced" \
  test "$(gates_cell 0002 LAST_SEEN)" = never

# ---- the first faces: every scope, from several gates and from none ----
SCOPES=(north south "north,south" "")
COLLECTORS=(0001 0002 0003 0004 "")
enrolled=0
for i in $(seq 0 39); do
  end=20301231
  ((i % 5 == 0)) && end=20300115
  enroll "F$(printf %02d "$i")" "${COLLECTORS[$((i % 5))]}" "f$i" \
    "${SCOPES[$((i % 4))]}" "$end" && enrolled=$((enrolled + 1))
done
check "40 faces enrolled with --site" test "$enrolled" -eq 40

check "an end date in the past is refused" \
  bash -c "! '$BINARY' enroll --server '$URL' --ticket OLD \
    --image '$WORK/images/f0.jpg' --begin 20200101 --end 20200131 \
    >'$WORK/old.out' 2>&1"
check "the refusal names errcode 2006" grep -q "errcode 2006" "$WORK/old.out"

sync_all 0 "first sync"
# Spot checks of the model itself: F04 and F08 are for north only, F01
# for south only, F02 for both, F07 and F11 for every gate.
check "the north gate holds north-only faces" holds 0001 F04
check "the north gate holds no south-only face" lacks 0001 F01
check "the south gate holds no north-only face" lacks 0002 F08
check "the south gate holds faces for both sites" holds 0002 F02
check "the gate of no site holds unscoped faces" holds 0003 F07
for ticket in F04 F01 F02; do
  check "the gate of no site lacks $ticket, meant for sites" \
    lacks 0003 "$ticket"
done

# ---- gates keep syncing while a writer changes faces ----
# The writer works on its own copy of the model and logs what it did, for
# this shell to replay once it is done.
writer() {
  local i ticket
  for i in $(seq 0 47); do
    ticket=F$(printf %02d $(((i * 7) % 40)))
    case $((i % 4)) in
      0) enroll "W$i" "${COLLECTORS[$((i % 5))]}" "w$i" \
        "${SCOPES[$(((i / 4) % 4))]}" 20300115 || true ;;
      1) if is_live "$ticket"; then
        rescope "$ticket" "${SCOPES[$(((i / 4) % 4))]}" || true
      fi ;;
      2) if is_live "$ticket"; then revoke "$ticket" || true; fi ;;
      3) enroll "$ticket" "${COLLECTORS[$(((i + 1) % 5))]}" "r$i" \
        "${SCOPES[$(((i + 1) % 4))]}" 20301231 || true ;;
    esac
  done
  touch "$WORK/writer.done"
}

: >"$WORK/ops.log"
OPS_LOG="$WORK/ops.log" writer &
WRITER_PID=$!
bad_runs=0
rounds=0
while kill -0 "$WRITER_PID" 2>/dev/null || [[ $rounds -lt 2 ]]; do
  for gate in "${GATES[@]}"; do
    # Differences are expected while faces change (exit 3); a failed gate
    # (2) or a usage error (1) is not.
    status=$(gate_sim "$gate" json)
    if [[ $status -ne 0 && $status -ne 3 ]]; then
      bad_runs=$((bad_runs + 1))
      cat "$WORK/sim-$gate.out"
    fi
  done
  rounds=$((rounds + 1))
done
wait "$WRITER_PID" || true
WRITER_PID=""
check "the writer finished" test -e "$WORK/writer.done"
replay_ops "$WORK/ops.log"
echo "writer: $(wc -l <"$WORK/ops.log") changes; $rounds rounds of gates"
check "gates kept syncing during the writes" test "$bad_runs" -eq 0
check "the writer's changes were accepted" \
  test "$(wc -l <"$WORK/ops.log")" -ge 30

sync_all 1 "after the writes"

# ---- re-scoping, replacing and revoking between syncs ----
round=2
for ticket in F01 F02 F03 F06 F09; do
  if is_live "$ticket"; then
    case ${F_SITES[$ticket]} in
      north) to=south ;;
      south) to="" ;;
      *) to=north ;;
    esac
    check "re-scope $ticket from '${F_SITES[$ticket]}' to '$to'" \
      rescope "$ticket" "$to"
  else
    check "enroll $ticket again, for north" \
      enroll "$ticket" 0002 "back$ticket" north 20300115
  fi
  sync_all "$round" "after changing $ticket"
  round=$((round + 1))
done
check "enroll a new face for both sites" \
  enroll N1 0004 n1 "north,south" 20300115
check "enroll a new face for south" enroll N2 "" n2 south 20301231
if is_live F13; then check "revoke F13" revoke F13; fi
check "replace F14 from gate 0001 for every gate" \
  enroll F14 0001 again14 "" 20301231
sync_all "$round" "after new, replaced and revoked faces"

# ---- the sweep ----
expiring=()
for ticket in "${!F_END[@]}"; do
  ((F_END[$ticket] < 20300201)) && expiring+=("$ticket")
done
echo "the model expects ${#expiring[@]} faces to expire"
check "some faces are due to expire" test "${#expiring[@]}" -ge 5

"$BINARY" sweep --server "$URL" --as-of 20300201 >"$WORK/sweep.out" 2>&1 ||
  true
check "sweep expired the faces ending before 20300201" \
  grep -qx "expired ${#expiring[@]} faces as of 20300201" "$WORK/sweep.out"
for ticket in "${expiring[@]}"; do model_revoke "$ticket"; done
"$BINARY" sweep --server "$URL" --as-of 20300201 >"$WORK/sweep.out" 2>&1 ||
  true
check "a second sweep finds nothing" \
  grep -qx "expired 0 faces as of 20300201" "$WORK/sweep.out"
check "sweep refuses a bad day" \
  bash -c "! '$BINARY' sweep --server '$URL' --as-of 2030 >/dev/null 2>&1"

sync_all "$round" "after the sweep"
gone=0
for ticket in "${expiring[@]}"; do
  for gate in "${GATES[@]}"; do
    held_tickets "$gate" | grep -qx "$ticket" && gone=$((gone + 1))
  done
done
check "the expired faces are gone from every gate" test "$gone" -eq 0

# ---- the registry shows the gates caught up ----
list_gates || true
for gate in "${GATES[@]}"; do
  check "gates shows gate $gate with lag 0" \
    test "$(gates_cell "$gate" LAG)" = 0
  check "gates shows gate $gate has synced" \
    test "$(gates_cell "$gate" LAST_SEEN)" != never
  check "gates shows gate $gate needs no resync" \
    test "$(gates_cell "$gate" NEEDS_RESYNC)" = no
done
check "gates still lists three gates" \
  test "$(tail -n +2 "$WORK/gates.out" | wc -l)" -eq 3

echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
