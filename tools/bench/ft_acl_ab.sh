#!/bin/bash
# ft_acl_ab.sh <module.so> <port>: FT.SEARCH of a NUMERIC range on 500 hashes, 8 clients,
# redis-benchmark (server on core 0, client on core 1), three runs. Used to A/B the
# ACL prefix check that FT.SEARCH does on every query.
so=$1; P=$2; D=$(mktemp -d)
taskset -c 0 redis-server --port $P --dir $D --save "" --loadmodule $so --logfile $D/log --daemonize yes
sleep 0.5
redis-cli -p $P FT.CREATE idx ON HASH PREFIX 1 d: SCHEMA n NUMERIC >/dev/null
for i in $(seq 1 500); do echo "HSET d:$i n $i"; done | redis-cli -p $P >/dev/null
sleep 0.5
for r in 1 2 3; do
  taskset -c 1 redis-benchmark -p $P -c 8 -n 50000 -q FT.SEARCH idx "@n:[0 10]" LIMIT 0 5 2>/dev/null | tr '\r' '\n' | grep "requests per second" | tail -1
done
redis-cli -p $P shutdown nosave >/dev/null; rm -rf $D
