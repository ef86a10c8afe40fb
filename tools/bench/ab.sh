#!/usr/bin/env bash
# A/B of two module builds on P2 via DAG (and P1 with ONLY=dag_p1), pinned and
# unpinned: tools/bench/ab.sh <old.so> (the new one is the tree's build).
# Env: ONLY (dag_p2), PINS ("0 1"), ROUNDS ("1 2"). Used for the
# "Load-aware inline runs" A/B in BENCHMARKS.md.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
OLD=${1:?usage: tools/bench/ab.sh <old libredisai.so>}
run() { # run <label> <module> <pin: 0|1>
    local label=$1 mod=$2 pin=$3 port=$((24000 + RANDOM % 1000)) dir; dir=$(mktemp -d)
    local ps=() pc=(); [ "$pin" = 1 ] && { ps=(taskset -c 0); pc=(taskset -c 1); }
    "${ps[@]}" redis-server --port $port --dir $dir --save "" --logfile $dir/log --loadmodule $mod &
    local srv=$!; for _ in $(seq 50); do redis-cli -p $port PING >/dev/null 2>&1 && break; sleep 0.1; done
    echo "== $label pin=$pin"
    "${pc[@]}" $CARGO_TARGET_DIR/release/redisai-bench --port $port --only ${ONLY:-dag_p2} --rounds 5 2>&1 | grep -E '^\| p[12]_|^P[12]'
    kill $srv; wait $srv 2>/dev/null; rm -rf $dir
}
for pin in ${PINS:-0 1}; do
  for round in ${ROUNDS:-1 2}; do
    run old "$OLD" $pin
    run new $MODULE $pin
  done
done
