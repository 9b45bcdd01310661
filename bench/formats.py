#!/usr/bin/python3
"""The format benchmark of the README: the loader on one array in every format, and the Python readers users would
otherwise use, on the same windows, in one run.

  /usr/bin/python3 bench/formats.py DIR [--count 2000] [--cache warm|cold|both] [--repeat 3]

DIR holds the files of bench/python/make_format_bench.py (made there when missing: --rows/--cols). The loader runs
through `windowds bench --json` (built from this checkout), the baselines through bench/python/baselines.py on the
starts the loader read (--starts-out). Prints one markdown table; every figure is a median over --repeat runs.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def windowds(args):
    tool = os.path.join(ROOT, "src", "WindowDataset.Cli", "bin", "Release", "net10.0", "windowds.dll")
    if not os.path.exists(tool):
        subprocess.run(["dotnet", "build", os.path.join(ROOT, "src", "WindowDataset.Cli"), "-c", "Release", "-v", "q", "--nologo"], check=True)
    out = subprocess.run(["dotnet", tool, "bench", *args, "--json", "-q"], check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def python(npy, starts, method, cache, repeat, extra):
    rows = []
    for _ in range(repeat):
        out = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "python", "baselines.py"), npy, "--starts", starts, "--window", "16",
                              "--methods", method, "--cache", cache, "--json", *extra], check=True, capture_output=True, text=True).stdout
        rows += [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    rows.sort(key=lambda r: r["windows_per_second"])
    return rows[len(rows) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--count", type=int, default=2000)
    p.add_argument("--cache", choices=["warm", "cold", "both"], default="warm")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--rows", type=int, default=125000)
    p.add_argument("--cols", type=int, default=2000)
    a = p.parse_args()
    d = a.dir
    npy = os.path.join(d, "A.npy")
    if not os.path.exists(npy):
        subprocess.run(["/usr/bin/python3", os.path.join(HERE, "python", "make_format_bench.py"), d, "--rows", str(a.rows), "--cols", str(a.cols)], check=True)
    block = os.path.join(d, "shuffle-block.json")
    with open(block, "w") as f:
        json.dump({"loader": {"shuffleBlock": {"chunks": 8}}}, f)
    starts = os.path.join(d, "starts.txt")
    caches = ["warm", "cold"] if a.cache == "both" else [a.cache]
    common = ["--count", str(a.count), "--baselines", "none", "--repeat", str(a.repeat)]
    print("| source | reader | cache | windows/s | GB/s | vs Python | read amplification |")
    print("|---|---|---|---|---|---|---|")
    for cache in caches:
        base = windowds([npy, *common, "--cache", cache, "--starts-out", starts])[0]
        py = {
            "npy": python(npy, starts, "memmap", cache, a.repeat, []),
            "contiguous": python(npy, starts, "h5py", cache, a.repeat, ["--h5", os.path.join(d, "A-contiguous.h5")]),
            "gzip": python(npy, starts, "h5py", cache, a.repeat, ["--h5", os.path.join(d, "A-gzip.h5")]),
            "zarr": python(npy, starts, "zarr", cache, a.repeat, ["--zarr", os.path.join(d, "A-blosc.zarr")]),
        }
        runs = [
            (".npy", "npy", base),
            ("HDF5 contiguous", "contiguous", windowds([os.path.join(d, "A-contiguous.h5"), "--dataset", "/data", *common, "--cache", cache])[0]),
            ("HDF5 chunked gzip(1)+shuffle", "gzip", windowds([os.path.join(d, "A-gzip.h5"), "--dataset", "/data", *common, "--cache", cache])[0]),
            ("HDF5 chunked, libver latest", "gzip", windowds([os.path.join(d, "A-latest-gzip.h5"), "--dataset", "/data", *common, "--cache", cache])[0]),
            ("HDF5 chunked + shuffleBlock 8", "gzip", windowds([os.path.join(d, "A-gzip.h5"), "--dataset", "/data", "--config", block, *common, "--cache", cache])[0]),
            ("Zarr v2 blosc-lz4+shuffle", "zarr", windowds([os.path.join(d, "A-blosc.zarr"), *common, "--cache", cache])[0]),
            ("Zarr v2 + shuffleBlock 8", "zarr", windowds([os.path.join(d, "A-blosc.zarr"), "--config", block, *common, "--cache", cache])[0]),
        ]
        names = {"npy": "numpy.memmap", "contiguous": "h5py", "gzip": "h5py", "zarr": "zarr-python"}
        for key in ["npy", "contiguous", "gzip", "zarr"]:
            r = py[key]
            label = {"npy": ".npy", "contiguous": "HDF5 contiguous", "gzip": "HDF5 chunked gzip(1)+shuffle", "zarr": "Zarr v2 blosc-lz4+shuffle"}[key]
            print(f"| {label} | {names[key]} | {cache} | {r['windows_per_second']:,.0f} | {r['gb_per_second']:.3f} | 1.0x | |")
        for label, key, r in runs:
            ratio = r["windows_per_second"] / py[key]["windows_per_second"]
            amp = r.get("read_amplification")
            print(f"| {label} | WindowDataset | {cache} | {r['windows_per_second']:,.0f} | {r['gb_per_second']:.3f} | {ratio:.1f}x vs {names[key]} | {'' if not amp else f'{amp:.2f}'} |")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
