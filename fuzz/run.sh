#!/usr/bin/env bash
# Fuzzes one target of WindowDataset with SharpFuzz + AFL++ for a given time, then prints the figures and replays
# every crash and hang found.
#   fuzz/run.sh npy 600        # the .npy header parser (ArraySource.Open / NpyHeader.Read), 10 minutes
#   fuzz/run.sh hdf5 600       # the HDF5 superblock / object header / B-tree parser (Hdf5File.Open + Describe)
#   fuzz/run.sh zarr 600       # Zarr metadata (.zarray / zarr.json) and chunk 0's codec chain
#   fuzz/run.sh config 600     # the JSON config binder (WindowLoaderOptions.LoadFile), 10 minutes
# Environment: FUZZ_WORK (default /tmp/windowdataset-fuzz): build output and findings; FUZZ_TIMEOUT_MS (5000).
set -euo pipefail

target="${1:?usage: fuzz/run.sh npy|hdf5|zarr|config [seconds]}"
seconds="${2:-600}"
case "$target" in npy|hdf5|zarr|config) ;; *) echo "unknown target '$target' (npy, hdf5, zarr or config)" >&2; exit 2 ;; esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="${FUZZ_WORK:-/tmp/windowdataset-fuzz}"
bin="$work/bin"
findings="$work/findings-$target"
mkdir -p "$work"

if ! command -v afl-fuzz >/dev/null; then
  echo "afl-fuzz not found: install AFL++ (Debian/Ubuntu: sudo apt-get install -y afl++)" >&2
  exit 1
fi

export PATH="$PATH:$HOME/.dotnet/tools"
if ! command -v sharpfuzz >/dev/null; then
  dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0
fi

# Release build into a clean folder, then instrument the library under test (only it: the harness, SharpFuzz and
# the framework stay as they are).
# A plain copy replays the findings (instrumented code may only run under afl-fuzz).
plain="$work/plain"
rm -rf "$bin" "$plain"
dotnet publish "$here/WindowDataset.Fuzz/WindowDataset.Fuzz.csproj" -c Release -o "$plain" --artifacts-path "$work/artifacts" -nologo -v q
cp -r "$plain" "$bin"
sharpfuzz "$bin/WindowDataset.dll"

dict="$here/dict/npy.dict"
[ "$target" = config ] && dict="$here/dict/config.json.dict"
dictopt=(); [ "$target" = npy ] || [ "$target" = config ] && dictopt=(-x "$dict")

rm -rf "$findings"
# Scratch folder for the harness's input files (tmpfs when there is one), removed when the script ends.
scratch_root=/dev/shm; [ -d "$scratch_root" ] || scratch_root="$work"
export FUZZ_TMP="$scratch_root/windowdataset-fuzz-$$"
mkdir -p "$FUZZ_TMP"
trap 'rm -rf "$FUZZ_TMP"' EXIT
export AFL_SKIP_BIN_CHECK=1            # the forkserver binary is dotnet itself, not instrumented
export AFL_SKIP_CPUFREQ=1
export AFL_NO_AFFINITY=1               # shared machines: don't pin a core
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_UI=1
export AFL_FORKSRV_INIT_TMOUT=60000    # the runtime starts slowly
afl-fuzz -i "$here/corpus/$target" -o "$findings" "${dictopt[@]}" -t "${FUZZ_TIMEOUT_MS:-5000}" -m none -V "$seconds" \
  -- dotnet "$bin/WindowDataset.Fuzz.dll" "$target" > "$work/afl-$target.log" 2>&1 || {
  echo "afl-fuzz failed; last lines of $work/afl-$target.log:" >&2; tail -30 "$work/afl-$target.log" >&2; exit 1; }

stats="$findings/default/fuzzer_stats"
field() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
echo "target:          $target"
echo "run time (s):    $(field run_time)"
echo "execs:           $(field execs_done)"
echo "execs/s:         $(field execs_per_sec)"
echo "corpus:          $(field corpus_count) inputs, $(field edges_found) edges"
echo "unique crashes:  $(field saved_crashes)"
echo "unique hangs:    $(field saved_hangs)"

status=0
for kind in crashes hangs; do
  dir="$findings/default/$kind"
  if compgen -G "$dir/id:*" >/dev/null; then
    echo "== $kind (replayed in-process) =="
    dotnet "$plain/WindowDataset.Fuzz.dll" "$target" --replay "$dir" || status=1
  fi
done
exit $status
