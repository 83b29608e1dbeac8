#!/usr/bin/env bash
# Runs the benchmarks and, in the same run, the peers' own figures:
#   - starts the libiec61850 server from ../../shared/peers on a free port,
#   - runs `swift package benchmark` (codec + our client against that server + raw TCP floor),
#   - runs libiec61850's own client (bench_reads.py) against the same server.
# Usage: Benchmarks/run.sh [extra benchmark args]   (pin with: taskset -c 0 Benchmarks/run.sh)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
shared="${IEC61850_SHARED:-$(cd "$root/.." && pwd)/shared}"
venv="$root/.venv-peers"
[ -x "$venv/bin/python" ] || bash "$shared/peers/setup.sh" "$venv"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
fifo=$(mktemp -u); mkfifo "$fifo"
"$venv/bin/python" "$shared/peers/libiec/server.py" --port "$port" < "$fifo" > /tmp/iec61850-bench-server.out 2>/dev/null &
server=$!
exec 3>"$fifo"
trap 'exec 3>&-; kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$fifo"' EXIT
for _ in $(seq 100); do grep -q READY /tmp/iec61850-bench-server.out 2>/dev/null && break; sleep 0.1; done
echo "libiec61850 server on port $port"
scd=/tmp/iec61850-bench-big.scd
scd10=/tmp/iec61850-bench-big10.scd
corpus="$shared/scl/open-scd/packages/plugins/test/testfiles/foundation/sclbasics.scd"
[ -f "$scd" ] || python3 "$shared/peers/gen_big_scd.py" --ieds 200 --lns 50 "$scd" > /dev/null
[ -f "$scd10" ] || python3 "$shared/peers/gen_big_scd.py" --ieds 2000 --lns 50 "$scd10" > /dev/null
(cd "$here" && IEC61850_BENCH_PORT=$port IEC61850_BENCH_SCD=$scd IEC61850_BENCH_SCD10=$scd10 IEC61850_BENCH_SCL_CORPUS=$corpus \
    swift package --allow-writing-to-package-directory benchmark "$@")
echo "The seed's load_scl(path) (iec61850 0.14.0) on the same files (read + parse + cross-reference resolution): p50 beside"
echo "our 'SCL load from file + validate(.references)' above, and its peak memory:"
for f in "$scd" "$scd10" "$corpus"; do
    "$venv/bin/python" -c "
import sys, time, resource, iec61850
p = sys.argv[1]
try:
    iec61850.load_scl(p)
except Exception as e:
    print('  %s: refused: %s' % (p.rsplit('/', 1)[-1], e)); sys.exit(0)
times = []
for _ in range(5 if 'big10' in p else 20):
    t = time.perf_counter(); iec61850.load_scl(p); times.append(time.perf_counter() - t)
times.sort()
print('  %s: p50 %.1f ms per load, peak RSS %d MB' % (p.rsplit('/', 1)[-1], times[len(times) // 2] * 1e3, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024))
" "$f"
done
echo "libiec61850's own client (bench_reads.py, 5000 sequential reads) against the same server:"
"$venv/bin/python" "$shared/peers/libiec/bench_reads.py" "127.0.0.1:$port" --n 5000

# Many associations: our server (release `iec61850 serve`) and the libiec61850 server, same client.
echo "Building iec61850 (release) for the association benchmark…"
(cd "$root" && swift build -c release --product iec61850 > /dev/null)
cli="$root/.build/release/iec61850"
ours=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$cli" serve --port "$ours" --max-associations 1100 > /tmp/iec61850-bench-ours.out 2>&1 &
ourpid=$!
trap 'exec 3>&-; kill $server $ourpid 2>/dev/null; wait $server 2>/dev/null; rm -f "$fifo"' EXIT
for _ in $(seq 100); do grep -q listening /tmp/iec61850-bench-ours.out 2>/dev/null && break; sleep 0.1; done
ref=TESTIEDGenericIO/GGIO1.AnIn1.mag.f
for n in 1 10 100 1000; do
    echo "our server, $n association(s): $("$cli" bench "127.0.0.1:$ours" "$ref" MX --associations "$n" --count 20000 --timeout 30)"
    echo "    server memory: $(grep -E 'VmRSS|VmHWM' /proc/$ourpid/status | tr -s ' \t\n' ' ')"
done
for n in 1 5; do
    echo "libiec61850 server, $n association(s): $("$cli" bench "127.0.0.1:$port" "$ref" MX --associations "$n" --count 20000)"
done

# Reports, beside the ordo-one "reports:" benchmarks (our server → our client): the libiec61850 server → our client.
# The Python binding can only change values from a Python thread (--tick-ms), so its figure is bounded by that thread.
tick=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
fifo2=$(mktemp -u); mkfifo "$fifo2"
"$venv/bin/python" "$shared/peers/libiec/server.py" --port "$tick" --tick-ms 1 < "$fifo2" > /tmp/iec61850-bench-tick.out 2>/dev/null &
ticker=$!
exec 4>"$fifo2"
trap 'exec 3>&- 4>&-; kill $server $ourpid $ticker 2>/dev/null; wait $server 2>/dev/null; rm -f "$fifo" "$fifo2"' EXIT
for _ in $(seq 100); do grep -q READY /tmp/iec61850-bench-tick.out 2>/dev/null && break; sleep 0.1; done
reports=$("$cli" watch "127.0.0.1:$tick" TESTIEDGenericIO/LLN0.RP.EventsRCB01 --duration 3 --json | wc -l)
echo "libiec61850 server (values changed every 1 ms by its Python thread) → our client: $reports reports in 3 s"
