#!/usr/bin/env bash
# Runs an mpirun job across two "hosts" on this machine: two network namespaces joined by a veth
# pair (10.231.0.1 and 10.231.0.2), with mpirun in the first and, through a launch agent that
# enters the second instead of ssh-ing, an Open MPI daemon in the second. The ranks see two nodes
# and talk over TCP, as on two machines; nothing leaves the machine. Needs root (ip netns).
#   scripts/mpi_two_hosts.sh .build/release/cochlea bench scaling --threads 1
#   scripts/mpi_two_hosts.sh .build/release/cochlea train data/ --out /tmp/model --threads 1
# Namespaces are removed on exit (COCHLEA_NETNS_KEEP=1 keeps them); COCHLEA_MPI_OPTIONS adds mpirun
# options. Waiting ranks yield the CPU (mpi_yield_when_idle): with every core busy, ranks that spin
# starve the kernel's TCP work and the allreduce runs 7× slower.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 PROGRAM [ARGUMENTS...]" >&2; exit 2; }
a=cochlea-host-a b=cochlea-host-b
work=$(mktemp -d)
cleanup() {
  [ "${COCHLEA_NETNS_KEEP:-0}" = 1 ] || { ip netns del "$a" 2>/dev/null || true; ip netns del "$b" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
ip netns del "$a" 2>/dev/null || true
ip netns del "$b" 2>/dev/null || true
ip netns add "$a"
ip netns add "$b"
ip link add veth-cochlea-a netns "$a" type veth peer name veth-cochlea-b netns "$b"
ip -n "$a" addr add 10.231.0.1/24 dev veth-cochlea-a
ip -n "$b" addr add 10.231.0.2/24 dev veth-cochlea-b
for ns in "$a" "$b"; do ip -n "$ns" link set lo up; done
ip -n "$a" link set veth-cochlea-a up
ip -n "$b" link set veth-cochlea-b up

# The hostfile a cluster would have, one rank per "host".
printf '10.231.0.1 slots=1\n10.231.0.2 slots=1\n' > "$work/hostfile"
# Open MPI starts its daemon on a remote host with "AGENT HOST COMMAND"; this agent enters the
# namespace that owns HOST's address instead of logging in.
cat > "$work/agent" <<AGENT
#!/bin/sh
host=\$1; shift
case "\$host" in 10.231.0.1) ns=$a ;; 10.231.0.2) ns=$b ;; *) echo "unknown host \$host" >&2; exit 1 ;; esac
exec ip netns exec "\$ns" /bin/sh -c "\$*"
AGENT
chmod +x "$work/agent"
ip netns exec "$a" mpirun --allow-run-as-root --hostfile "$work/hostfile" -np 2 --map-by node \
  --mca plm_rsh_agent "$work/agent" --mca btl tcp,self --mca btl_tcp_if_include 10.231.0.0/24 \
  --mca oob_tcp_if_include 10.231.0.0/24 --mca mpi_yield_when_idle 1 ${COCHLEA_MPI_OPTIONS:-} "$@"
