#!/usr/bin/python3
"""Writes one array in every format the loader reads, for `windowds bench` and baselines.py (same data, same run).

Run with Debian's python3 (python3-numpy, python3-h5py, python3-zarr):
  /usr/bin/python3 bench/python/make_format_bench.py DIR --rows 125000 --cols 2000
Writes DIR/A.npy, DIR/A-contiguous.h5, DIR/A-gzip.h5 (chunks (64, cols), gzip level 1 + shuffle, h5py's classic
file format), DIR/A-latest-gzip.h5 (the same with libver='latest'), DIR/A-blosc.zarr (zarr-python 2's default:
Blosc lz4 level 5, byte shuffle; chunks (64, cols)). Every file holds dataset/array 'data' (Zarr: the store itself).
Values: a float64 random walk per column (what sensor or price series look like; compresses about like real data).
"""
import argparse
import os

import h5py
import numpy as np
import zarr


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--rows", type=int, default=125000)
    p.add_argument("--cols", type=int, default=2000)
    p.add_argument("--chunk-rows", type=int, default=64)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    shape = (a.rows, a.cols)
    npy = os.path.join(a.dir, "A.npy")
    m = np.lib.format.open_memmap(npy, mode="w+", dtype="<f8", shape=shape)
    rng = np.random.default_rng(a.seed)
    level = np.zeros(a.cols)
    step = 8192
    for i in range(0, a.rows, step):
        n = min(step, a.rows - i)
        walk = level + np.cumsum(rng.standard_normal((n, a.cols)) * 0.01, axis=0)
        m[i:i + n] = walk
        level = walk[-1]
    m.flush()
    chunks = (a.chunk_rows, a.cols)
    with h5py.File(os.path.join(a.dir, "A-contiguous.h5"), "w") as f:
        d = f.create_dataset("data", shape=shape, dtype="<f8")
        for i in range(0, a.rows, step):
            d[i:i + step] = m[i:i + step]
    for name, libver in (("A-gzip.h5", "earliest"), ("A-latest-gzip.h5", "latest")):
        with h5py.File(os.path.join(a.dir, name), "w", libver=libver) as f:
            d = f.create_dataset("data", shape=shape, dtype="<f8", chunks=chunks, compression="gzip", compression_opts=1, shuffle=True)
            for i in range(0, a.rows, step):
                d[i:i + step] = m[i:i + step]
    z = zarr.open(os.path.join(a.dir, "A-blosc.zarr"), mode="w", shape=shape, chunks=chunks, dtype="<f8")
    for i in range(0, a.rows, step):
        z[i:i + step] = m[i:i + step]
    for entry in sorted(os.listdir(a.dir)):
        full = os.path.join(a.dir, entry)
        size = sum(os.path.getsize(os.path.join(r, x)) for r, _, fs in os.walk(full) for x in fs) if os.path.isdir(full) else os.path.getsize(full)
        print(f"{entry:22s} {size / 1e9:8.3f} GB")


if __name__ == "__main__":
    main()
