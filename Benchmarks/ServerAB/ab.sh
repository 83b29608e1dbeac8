#!/usr/bin/env bash
# A/B measurement of the server for one or more source trees (e.g. before / after a refactor).
#
#   bash Benchmarks/ServerAB/ab.sh TREE [TREE2 ...]   e.g. two clones: git clone . /tmp/before && git -C /tmp/before checkout OLD
#                                                      then ab.sh /tmp/before . (copy one Package.resolved into the other)
#
# For every tree, first builds (release) `iec61850` in TREE and updatebench against TREE's IEC61850
# library (updatebench/make.sh beside this script); then, tree after tree:
#   1. IEDServer.update(_:fc:to:) time per call (updatebench, server not started, N=200 000, best/median of 5)
#   2. the "Many associations" section of Benchmarks/run.sh: `iec61850 serve --max-associations 1100`
#      (demo IED) and `iec61850 bench 127.0.0.1:PORT TESTIEDGenericIO/GGIO1.AnIn1.mag.f MX --associations N
#      --count 20000 --timeout 30` for N in 1 10 100 1000 (AB_REPEAT times each, median and best), server
#      VmRSS / VmHWM from /proc after each N
#   3. (unless AB_VALGRIND=0) instructions (callgrind) and mallocs + bytes (memcheck "total heap usage") per
#      update() call: difference between N=10 000 and N=30 000 calls / 20 000. Deterministic, not noisy.
# Env: AB_REPEAT (default 3), AB_ROUNDS (default 1: with 2+ trees, sections 1–2 are repeated this many times,
#      alternating trees), AB_VALGRIND (default 1), AB_UPDATE_N (200000), AB_UPDATE_RUNS (5).
# Needs nothing from ../shared or the Python peers. Does not touch the trees except their .build.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 TREE [TREE2 ...]" >&2; exit 2; }
repeat="${AB_REPEAT:-3}"; rounds="${AB_ROUNDS:-1}"; use_valgrind="${AB_VALGRIND:-1}"
update_n="${AB_UPDATE_N:-200000}"; update_runs="${AB_UPDATE_RUNS:-5}"
ref=TESTIEDGenericIO/GGIO1.AnIn1.mag.f
trees=(); clis=(); ubs=()
for t in "$@"; do trees+=("$(cd "$t" && pwd)"); done

label() { local t="$1"; printf '%s @ %s%s' "$t" "$(git -C "$t" rev-parse --short HEAD 2>/dev/null || echo '?')" \
    "$(git -C "$t" diff --quiet HEAD -- Sources Package.swift 2>/dev/null || echo ' (+ uncommitted changes)')"; }
load() { printf 'load avg %s, %s cores' "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== build (release)"
for t in "${trees[@]}"; do
    echo "   $(label "$t")"
    (cd "$t" && swift build -c release --product iec61850 > "$here/.build-cli.log" 2>&1) || { cat "$here/.build-cli.log"; exit 1; }
    clis+=("$t/.build/release/iec61850")
    ubs+=("$(bash "$here/updatebench/make.sh" "$t" 2> "$here/.build-updatebench.log")") || { cat "$here/.build-updatebench.log"; exit 1; }
done

update_section() {
    local ub="$1"
    echo "-- IEDServer.update(_:fc:to:), server not started, value .float(i), reference built once (demo-literal: string literal per call)"
    echo "   $(load)"
    "$ub" all "$update_n" "$update_runs" | sed 's/^/   /'
}

assoc_section() {
    local cli="$1" port out pid n i res rates uss best med
    port=$(free_port); out=$(mktemp)
    "$cli" serve --port "$port" --max-associations 1100 > "$out" 2>&1 &
    pid=$!
    for _ in $(seq 100); do grep -q listening "$out" 2>/dev/null && break; sleep 0.1; done
    grep -q listening "$out" || { echo "server did not start:"; cat "$out"; kill "$pid" 2>/dev/null; return 1; }
    echo "-- many associations: serve --max-associations 1100 (demo IED), bench $ref MX --count 20000, ×$repeat each"
    echo "   $(load)"
    printf '   %-6s %14s %14s %12s %10s %10s\n' assocs 'reads/s med' 'reads/s best' 'µs/read med' 'VmRSS MB' 'VmHWM MB'
    printf '   %-6s %14s %14s %12s %10s %10s\n' idle - - - \
        "$(awk '/VmRSS/{printf "%.1f", $2/1024}' /proc/$pid/status)" "$(awk '/VmHWM/{printf "%.1f", $2/1024}' /proc/$pid/status)"
    for n in 1 10 100 1000; do
        rates=(); uss=()
        for i in $(seq "$repeat"); do
            res=$("$cli" bench "127.0.0.1:$port" "$ref" MX --associations "$n" --count 20000 --timeout 30 2>&1) || { echo "   bench failed: $res"; continue; }
            rates+=("$(grep -oE '[0-9.]+ reads/s' <<<"$res" | cut -d' ' -f1)")
            uss+=("$(grep -oE '[0-9.]+ µs per read' <<<"$res" | cut -d' ' -f1)")
        done
        med=$(printf '%s\n' "${rates[@]}" | median); best=$(printf '%s\n' "${rates[@]}" | sort -g | tail -1)
        printf '   %-6s %14.0f %14.0f %12s %10s %10s\n' "$n" "$med" "$best" "$(printf '%s\n' "${uss[@]}" | median)" \
            "$(awk '/VmRSS/{printf "%.1f", $2/1024}' /proc/$pid/status)" "$(awk '/VmHWM/{printf "%.1f", $2/1024}' /proc/$pid/status)"
    done
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; rm -f "$out"
}

valgrind_section() {
    local ub="$1" bin c a b ia ib ma mb ba bb
    bin=$(mktemp); strip --strip-debug "$ub" -o "$bin"   # valgrind 3.19 cannot read Swift 6.3's DWARF
    a=10000; b=30000
    echo "-- per update() call under valgrind (difference N=$b minus N=$a, / $((b - a))); exact, not noisy"
    printf '   %-13s %10s %8s %8s\n' case 'instr' 'mallocs' 'bytes'
    for c in demo demo-literal mv20 mv20-last mv100 mv100-last; do
        ia=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$c" "$a" 0 2>&1 | awk '/Collected/{print $NF}')
        ib=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$c" "$b" 0 2>&1 | awk '/Collected/{print $NF}')
        read -r ma ba < <(valgrind --tool=memcheck --leak-check=no "$bin" "$c" "$a" 0 2>&1 | awk '/total heap usage/{gsub(",",""); print $5, $9}')
        read -r mb bb < <(valgrind --tool=memcheck --leak-check=no "$bin" "$c" "$b" 0 2>&1 | awk '/total heap usage/{gsub(",",""); print $5, $9}')
        awk -v c="$c" -v d="$((b - a))" -v ia="$ia" -v ib="$ib" -v ma="$ma" -v mb="$mb" -v ba="$ba" -v bb="$bb" \
            'BEGIN {printf "   %-13s %10.0f %8.2f %8.0f\n", c, (ib-ia)/d, (mb-ma)/d, (bb-ba)/d}'
    done
    rm -f "$bin"
}

echo "== models: demo = DSL copy of DemoIED (TESTIEDGenericIO/GGIO1, 12 DOs), updating GGIO1.AnIn1.mag.f [MX];"
echo "   mvK = IED BIG, LD LD0, GGIO1 with K MVs (AnIn1…AnInK), updating AnIn1 (or AnInK for -last)"
for r in $(seq "$rounds"); do
    for k in "${!trees[@]}"; do
        echo; echo "== $(label "${trees[$k]}")$([ "$rounds" -gt 1 ] && echo "  [round $r/$rounds]")"
        update_section "${ubs[$k]}"
        assoc_section "${clis[$k]}"
    done
done
if [ "$use_valgrind" = 1 ]; then
    for k in "${!trees[@]}"; do
        echo; echo "== $(label "${trees[$k]}")"
        valgrind_section "${ubs[$k]}"
    done
fi
