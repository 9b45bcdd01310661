#!/usr/bin/env bash
# Trains the TorchSharp sample with fixed 1, 2 and N (= nproc) loader workers and with "auto", RUNS times each
# (interleaved), and prints one table: median windows/s, median data wait over the run and over epochs 2+, and
# the workers active on average, and the share of the run in waits of 1 ms or more (stalls: the training thread
# descheduled, not the loader short of batches). usage: scripts/workers-compare.sh [CONFIG] [RUNS]  (default configs/quickstart.json, 3)
# Extra settings: WORKERS="1 2 4 auto" overrides the list. The machine should be otherwise idle.
set -euo pipefail
cd "$(dirname "$0")/.."
config="${1:-configs/quickstart.json}"
runs="${2:-3}"
n=$(nproc)
list="${WORKERS:-1 2 $n auto}"
list=$(echo "$list" | tr ' ' '\n' | awk '!seen[$0]++' | tr '\n' ' ')
dotnet build src/TrainingSample -c Release -v q --nologo >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for r in $(seq 1 "$runs"); do
  for w in $list; do
    dotnet run --no-build --project src/TrainingSample -c Release -- --config "$config" --workers "$w" --json --quiet | tail -1 >> "$out/$w.jsonl"
  done
done
/usr/bin/python3 - "$out" "$config" "$runs" $list <<'PY'
import json, statistics, sys, os
out, config, runs, *workers = sys.argv[1:]
print(f"{config}, {runs} runs each, {os.cpu_count()} cores (median of runs)")
print(f"| workers | windows/s | data wait (run) | data wait (epochs 2+, worst) | of it stalls >= 1 ms (run) | mean active workers | losses identical |")
print(f"|---|---|---|---|---|---|---|")
ref = None
for w in workers:
    rows = [json.loads(l) for l in open(os.path.join(out, f"{w}.jsonl"))]
    losses = [tuple(r["loss_per_epoch"]) for r in rows]
    ref = ref or losses[0]
    same = all(l == ref for l in losses)
    later = [max(r["data_wait_per_epoch"][1:] or [0]) for r in rows]
    print(f"| {w} | {statistics.median(r['windows_per_second'] for r in rows):,.0f} | "
          f"{100 * statistics.median(r['data_wait_share'] for r in rows):.2f} % | {100 * statistics.median(later):.2f} % | "
          f"{100 * statistics.median(r['data_wait_stall_share'] for r in rows):.2f} % | "
          f"{statistics.median(r['mean_active_workers'] for r in rows):.2f} | {'yes' if same else 'NO'} |")
PY
