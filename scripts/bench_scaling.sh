#!/usr/bin/env bash
# The measurements behind docs/SCALING.md: training-step time split into compute and allreduce for
# 1 rank (2 threads, 1 thread) and 2 ranks × 1 thread, for the default model (2 × 160) and for
# 5 × 320 (about 10 M parameters); then, on two network-namespace "hosts" (root), the allreduce
# over TCP beside the raw TCP throughput of the same link. Run it when the machine is otherwise idle
# (check `uptime`); each figure is the median of several steps.
#   swift build -c release --product cochlea && scripts/bench_scaling.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/cochlea
mpi=(mpirun --allow-run-as-root -np 2)
uptime
for model in "--hidden 160 --layers 2 --steps 10" "--hidden 320 --layers 5 --steps 3 --allreduces 10"; do
  echo "== $model"
  echo "-- 1 rank, 2 threads";  $bin bench scaling $model --threads 2 | sed -n 2p
  echo "-- 1 rank, 1 thread";   $bin bench scaling $model --threads 1 | tail -n +2
  echo "-- 2 ranks × 1 thread"; "${mpi[@]}" $bin bench scaling $model --threads 1 | tail -n +2
  echo "-- 2 ranks × 1 thread, --overlap"; "${mpi[@]}" $bin bench scaling $model --threads 1 --overlap | tail -n +2
done
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null; then
  echo "== two network-namespace hosts over TCP"
  for model in "--hidden 160 --layers 2 --steps 3" "--hidden 320 --layers 5 --steps 2 --allreduces 10"; do
    echo "-- $model"; scripts/mpi_two_hosts.sh $bin bench scaling $model --threads 1 | tail -n +2
  done
  if command -v python3 >/dev/null; then
    COCHLEA_NETNS_KEEP=1 scripts/mpi_two_hosts.sh /bin/true >/dev/null
    ip netns exec cochlea-host-b python3 - <<'PY' &
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("10.231.0.2", 5999)); s.listen(1)
c, _ = s.accept()
while c.recv(1 << 20): pass
PY
    sleep 0.5
    ip netns exec cochlea-host-a python3 - <<'PY'
import socket, time
c = socket.create_connection(("10.231.0.2", 5999)); buffer = b"x" * (1 << 20); start = time.time()
for _ in range(2000): c.sendall(buffer)
c.close(); print("raw TCP between the two hosts, one stream: %.2f GB/s" % (2000 * len(buffer) / (time.time() - start) / 1e9))
PY
    wait
    ip netns del cochlea-host-a; ip netns del cochlea-host-b
  fi
fi
uptime
