#!/usr/bin/python3
"""The Python answers users would otherwise pick, timed on the same windows as `windowds bench`.

Run with Debian's python3 (numpy, h5py, torch from python3-numpy python3-h5py python3-torch):
  /usr/bin/python3 bench/python/baselines.py data.npy --starts starts.txt --window 16 --cache warm --json
Methods: memmap (numpy.memmap slicing, copied out), h5py (the seed answer's loop over an .h5 copy, made once next to
the .npy when missing and --h5 is given; --h5-dataset names the dataset, default 'data'), zarr (zarr-python slicing
of the store given by --zarr), torch (DataLoader over a memmap dataset, 2 worker processes).
For chunked files, one slice per window as the seed answer does: h5py and zarr decode every chunk a window touches.
Each prints one JSON object per line: method, cache, windows, seconds, gb_per_second.
"""
import argparse
import json
import os
import sys
import time

import numpy as np


def evict(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def warm(path):
    with open(path, "rb") as f:
        while f.read(64 << 20):
            pass


def load_starts(args, n_rows):
    if args.starts:
        return np.loadtxt(args.starts, dtype=np.int64, ndmin=1)
    rng = np.random.default_rng(args.seed)
    return rng.integers(0, n_rows - args.window + 1, size=args.count, dtype=np.int64)


def run_memmap(path, starts, w):
    a = np.load(path, mmap_mode="r")
    out = np.empty((w,) + a.shape[1:], dtype=a.dtype)
    t = time.perf_counter()
    for s in starts:
        out[...] = a[s:s + w]
    return time.perf_counter() - t, out.nbytes * len(starts)


def run_h5py(h5path, starts, w, dataset="data"):
    import h5py
    with h5py.File(h5path, "r") as f:
        d = f[dataset]
        t = time.perf_counter()
        nbytes = 0
        for s in starts:
            x = d[s:s + w]
            nbytes += x.nbytes
        return time.perf_counter() - t, nbytes


def run_zarr(zpath, starts, w):
    import zarr
    z = zarr.open(zpath, mode="r")
    t = time.perf_counter()
    nbytes = 0
    for s in starts:
        x = z[s:s + w]
        nbytes += x.nbytes
    return time.perf_counter() - t, nbytes


def evict_tree(path):
    if os.path.isdir(path):
        for root, _, files in os.walk(path):
            for name in files:
                evict(os.path.join(root, name))
    else:
        evict(path)


def warm_tree(path):
    if os.path.isdir(path):
        for root, _, files in os.walk(path):
            for name in files:
                warm(os.path.join(root, name))
    else:
        warm(path)


class _Windows:
    def __init__(self, path, starts, w):
        self.path, self.starts, self.w, self.a = path, starts, w, None

    def __len__(self):
        return len(self.starts)

    def __getitem__(self, i):
        import torch
        if self.a is None:
            self.a = np.load(self.path, mmap_mode="r")
        s = int(self.starts[i])
        return torch.from_numpy(np.array(self.a[s:s + self.w]))


def run_torch(path, starts, w, workers=2, batch=64):
    import torch
    from torch.utils.data import DataLoader
    loader = DataLoader(_Windows(path, starts, w), batch_size=batch, num_workers=workers, shuffle=False)
    t = time.perf_counter()
    nbytes = 0
    for x in loader:
        nbytes += x.numel() * x.element_size()
    return time.perf_counter() - t, nbytes


def main():
    p = argparse.ArgumentParser()
    p.add_argument("path")
    p.add_argument("--starts")
    p.add_argument("--count", type=int, default=10000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--window", type=int, default=16)
    p.add_argument("--methods", default="memmap,torch")
    p.add_argument("--h5", help="HDF5 copy of the array (dataset 'data'); created from the .npy when missing")
    p.add_argument("--h5-dataset", default="data")
    p.add_argument("--zarr", help="Zarr store of the same array (for the zarr method)")
    p.add_argument("--cache", choices=["warm", "cold"], default="warm")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    a = np.load(args.path, mmap_mode="r")
    starts = load_starts(args, a.shape[0])
    methods = args.methods.split(",")
    if "h5py" in methods:
        if not args.h5:
            sys.exit("--h5 PATH is needed for the h5py method")
        if not os.path.exists(args.h5):
            import h5py
            with h5py.File(args.h5, "w") as f:
                d = f.create_dataset("data", shape=a.shape, dtype=a.dtype)
                step = max(1, (256 << 20) // max(1, a[0].nbytes))
                for i in range(0, a.shape[0], step):
                    d[i:i + step] = a[i:i + step]
    for method in methods:
        target = args.h5 if method == "h5py" else args.zarr if method == "zarr" else args.path
        if method == "zarr" and not args.zarr:
            sys.exit("--zarr PATH is needed for the zarr method")
        for _ in range(args.repeat):
            if args.cache == "cold":
                evict_tree(target)
            else:
                warm_tree(target)
            if method == "memmap":
                sec, nbytes = run_memmap(args.path, starts, args.window)
            elif method == "h5py":
                sec, nbytes = run_h5py(args.h5, starts, args.window, args.h5_dataset)
            elif method == "zarr":
                sec, nbytes = run_zarr(args.zarr, starts, args.window)
            elif method == "torch":
                sec, nbytes = run_torch(args.path, starts, args.window)
            else:
                sys.exit(f"unknown method {method}")
            row = {"method": method, "cache": args.cache, "windows": int(len(starts)), "seconds": round(sec, 4),
                   "gb_per_second": round(nbytes / sec / 1e9, 4), "windows_per_second": round(len(starts) / sec, 1)}
            print(json.dumps(row) if args.json else
                  f"{method:8s} {args.cache:5s} {row['windows_per_second']:10.0f} windows/s {row['gb_per_second']:7.3f} GB/s")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
