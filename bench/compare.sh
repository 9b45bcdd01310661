#!/usr/bin/env bash
# The performance issue's table in one run: `windowds bench` (loader + in-process baselines) and the Python answers
# (numpy.memmap, h5py, torch DataLoader) on the same windows, warm and cold, printed side by side.
#   bench/compare.sh DATA.npy [COUNT] [extra windowds bench options...]
# Needs Debian's python3 with python3-numpy python3-h5py python3-torch for the Python rows (skipped when missing).
# The h5py row needs an HDF5 copy of the array next to it (DATA.h5, made once; as large as DATA.npy).
set -euo pipefail
data=$1; count=${2:-10000}; shift $(( $# >= 2 ? 2 : 1 ))
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
windowds=(dotnet run --project "$here/../src/WindowDataset.Cli" -c Release --)
"${windowds[@]}" bench "$data" --window 16 --batch 64 --count "$count" --io both --cache both --repeat 3 \
  --starts-out "$out/starts.txt" --json --quiet "$@" | tee "$out/bench.jsonl" >&2
methods=memmap,torch
h5="${data%.npy}.h5"
if [ "${WINDOWDS_H5:-1}" = 1 ]; then methods=memmap,h5py,torch; fi
if /usr/bin/python3 -c 'import numpy, h5py, torch' 2>/dev/null; then
  for cache in warm cold; do
    /usr/bin/python3 "$here/python/baselines.py" "$data" --starts "$out/starts.txt" --methods "$methods" --h5 "$h5" \
      --cache "$cache" --repeat 3 --json | tee -a "$out/python.jsonl" >&2
  done
else
  echo "compare: /usr/bin/python3 lacks numpy/h5py/torch: Python rows skipped (apt-get install python3-numpy python3-h5py python3-torch)" >&2
  : > "$out/python.jsonl"
fi
/usr/bin/python3 - "$out/bench.jsonl" "$out/python.jsonl" <<'PY'
import json, statistics, sys
bench = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
py = [json.loads(l) for l in open(sys.argv[2]) if l.startswith("{")]
rows = {}
def add(name, cache, gbs):
    rows.setdefault(name, {}).setdefault(cache, []).append(gbs)
for b in bench:
    c = b["cache"]
    add(f"WindowDataset loader, io={b['io']}", c, b["gb_per_second"])
    add("pread per window, 1 thread (bench)", c, b["pread_baseline_gb_per_second"])
    add(f"pread per window, {b.get('workers', 'N')} threads (bench)", c, b["pread_mt_baseline_gb_per_second"])
    add("memmap + madvise(WILLNEED) 8 ahead (bench)", c, b["madvise_baseline_gb_per_second"])
    if c == "warm":
        add("memcpy, 1 thread (copy ceiling, bench)", c, b["memcpy_baseline_gb_per_second"])
for p in py:
    add({"memmap": "numpy.memmap slicing, copied out", "h5py": "h5py slicing (the seed answer's loop)",
         "torch": "torch DataLoader over a memmap, 2 workers"}[p["method"]], p["cache"], p["gb_per_second"])
fmt = lambda v: f"{statistics.median(v):.2f}" if v else "-"
print("| method | warm GB/s | cold GB/s |\n|---|---|---|")
for name, by in rows.items():
    print(f"| {name} | {fmt(by.get('warm', []))} | {fmt(by.get('cold', []))} |")
PY
