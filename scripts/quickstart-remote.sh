#!/usr/bin/env bash
# Trains the TorchSharp sample from a URL: serves data/ over HTTP (byte ranges, ETags) on 127.0.0.1:8766 with
# tools/RangeServer, runs the sample with configs/quickstart-remote.json (extra arguments go to the sample, e.g.
# --json or --epochs 1), and stops the server. data/quickstart.npy is created first when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${QUICKSTART_REMOTE_PORT:-8766}"
if [ "$port" != 8766 ]; then
  echo "quickstart-remote: configs/quickstart-remote.json names port 8766; found QUICKSTART_REMOTE_PORT=$port" >&2
  exit 2
fi
mkdir -p data
if [ ! -f data/quickstart.npy ]; then
  dotnet run --project src/WindowDataset.Cli -c Release -- gen data/quickstart.npy --rows 100000 --cols 32 --dtype float32 --seed 7 --signal ar --quiet
fi
dotnet build tools/RangeServer -c Release -v q --nologo >/dev/null
dotnet tools/RangeServer/bin/Release/net10.0/RangeServer.dll data "$port" >/dev/null &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
  kill -0 "$server" 2>/dev/null || { echo "quickstart-remote: the range server did not start on 127.0.0.1:$port (port in use?)" >&2; exit 1; }
  sleep 0.2
done
dotnet run --project src/TrainingSample -c Release -- --config configs/quickstart-remote.json "$@"
