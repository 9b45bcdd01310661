#!/usr/bin/env bash
# Runs a command with memory (page cache included) limited by a cgroup v1 memory controller, as root:
#   bench/memlimit.sh 8G windowds bench big32g.npy --cache cold ...
# Prints the cgroup's peak usage (memory.max_usage_in_bytes) and the bytes read from disk (system-wide pgpgin) when
# the command ends.
set -euo pipefail
limit=$1; shift
cg=/sys/fs/cgroup/memory/windowds-bench-$$
if [ ! -d /sys/fs/cgroup/memory ]; then
  echo "memlimit: no cgroup v1 memory controller at /sys/fs/cgroup/memory" >&2; exit 1
fi
mkdir "$cg"
trap 'rmdir "$cg" 2>/dev/null || true' EXIT
echo "$limit" > "$cg/memory.limit_in_bytes"
echo "memlimit: $cg limit $(cat "$cg/memory.limit_in_bytes") bytes" >&2
pgpgin() { awk '/^pgpgin /{print $2}' /proc/vmstat; }
before=$(pgpgin)
set +e
bash -c 'echo $$ > '"$cg"'/cgroup.procs && exec "$@"' memlimit "$@"
rc=$?
set -e
echo "memlimit: peak usage $(cat "$cg/memory.max_usage_in_bytes") bytes (page cache included)" >&2
echo "memlimit: read from disk (system-wide /proc/vmstat pgpgin delta) $(( ($(pgpgin) - before) * 1024 )) bytes" >&2
exit $rc
