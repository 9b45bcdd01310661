#!/usr/bin/python3
"""Fixtures for the statistics and normalization tests: run with Debian's /usr/bin/python3 (numpy 1.24, h5py, zarr 2).

For each array NAME it writes:
  NAME.npy (or .h5 / .zarr)         the data, with NaN and +-inf in some elements
  NAME__S_E.expected.npy            float64 (6, elements): count, mean, std, min, max, nanCount of rows [S, E)
                                    (np.nanmean / np.nanstd / np.nanmin / np.nanmax over the finite values; NaN where none)
  NAME.stats.json                   numpy's full-array statistics in the windowds stats format (repr of each double)
  NAME__standard_f4.npy / _f8.npy   ((x.astype(f8) - mean) * (1.0 / std)).astype(out)   std 0 or null -> 1, mean null -> 0
  NAME__minmax_f4.npy               ((x.astype(f8) - min) * (1.0 / (max - min))).astype(f4)   range 0 or null -> 1
  NAME__fill_const_f4.npy           non-finite -> 0.5, then standard, float32
  NAME__fill_mean_f8.npy            non-finite -> the element's mean (0 if none), no scaling, float64
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RANGES = {"f8": [(0, 1000), (100, 900), (999, 1000)], "f4": [(0, 777), (5, 300)], "i2": [(0, 500), (10, 20)],
          "be": [(0, 300)], "multi": [(0, 200), (50, 150)], "h5": [(0, 300), (70, 250)], "zarr": [(0, 300), (33, 222)]}


def stats(x):
    rows = x.shape[0]
    flat = x.reshape(rows, -1).astype(np.float64)
    finite = np.isfinite(flat)
    masked = np.where(finite, flat, np.nan)
    count = finite.sum(axis=0).astype(np.float64)
    with np.errstate(all="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mean = np.nanmean(masked, axis=0)
            std = np.nanstd(masked, axis=0)
            mn = np.nanmin(masked, axis=0)
            mx = np.nanmax(masked, axis=0)
    return np.stack([count, mean, std, mn, mx, rows - count])


def save_json(path, x, source):
    s = stats(x)
    def num(v):
        return None if not np.isfinite(v) else float(v)
    doc = {"source": source, "rowStart": 0, "rows": int(x.shape[0]), "rowShape": list(x.shape[1:]),
           "count": [int(v) for v in s[0]], "mean": [num(v) for v in s[1]], "std": [num(v) for v in s[2]],
           "min": [num(v) for v in s[3]], "max": [num(v) for v in s[4]], "nanCount": [int(v) for v in s[5]]}
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)  # json writes repr(float): shortest round-trip
    return s


def normalized(x, s, method, out, fill=None):
    rows = x.shape[0]
    flat = x.reshape(rows, -1).astype(np.float64)
    mean, std, mn, mx = s[1], s[2], s[3], s[4]
    if fill is not None:
        flat = np.where(np.isfinite(flat), flat, fill)
    if method == "standard":
        center = np.where(np.isfinite(mean), mean, 0.0)
        width = std
    elif method == "minmax":
        center = np.where(np.isfinite(mn), mn, 0.0)
        width = mx - mn
    else:
        return flat.astype(out).reshape(x.shape)
    with np.errstate(invalid="ignore"):
        ok = np.isfinite(width) & (width > 0)
    scale = np.where(ok, 1.0 / np.where(ok, width, 1.0), 1.0)
    return ((flat - center) * scale).astype(out).reshape(x.shape)


def holes(x, rng, fraction=0.05):
    flat = x.reshape(-1)
    n = flat.size
    idx = rng.choice(n, int(n * fraction), replace=False)
    third = len(idx) // 3
    flat[idx[:third]] = np.nan
    flat[idx[third:2 * third]] = np.inf
    flat[idx[2 * third:]] = -np.inf


def emit(name, x, data_name):
    for s_, e_ in RANGES[name]:
        np.save(os.path.join(HERE, f"{name}__{s_}_{e_}.expected.npy"), stats(x[s_:e_]))
    s = save_json(os.path.join(HERE, f"{name}.stats.json"), x, data_name)
    if x.dtype.kind == "f":
        np.save(os.path.join(HERE, f"{name}__standard_f4.npy"), normalized(x, s, "standard", np.float32))
        np.save(os.path.join(HERE, f"{name}__standard_f8.npy"), normalized(x, s, "standard", np.float64))
        np.save(os.path.join(HERE, f"{name}__minmax_f4.npy"), normalized(x, s, "minmax", np.float32))
        np.save(os.path.join(HERE, f"{name}__fill_const_f4.npy"), normalized(x, s, "standard", np.float32, fill=0.5))
        fill = np.where(np.isfinite(s[1]), s[1], 0.0)
        np.save(os.path.join(HERE, f"{name}__fill_mean_f8.npy"), normalized(x, s, "none", np.float64, fill=fill))
    else:
        np.save(os.path.join(HERE, f"{name}__standard_f4.npy"), normalized(x, s, "standard", np.float32))


def main():
    rng = np.random.default_rng(11)
    # float64, 4 columns: large offset (a stable variance matters), a constant column (std 0), an all-missing one.
    f8 = np.empty((1000, 4))
    f8[:, 0] = 1e6 + rng.standard_normal(1000) * 1e-2
    f8[:, 1] = rng.standard_normal(1000) * 3 - 7
    f8[:, 2] = 2.5
    f8[:, 3] = np.nan
    sub = f8[:, :2].copy()
    holes(sub, rng)
    f8[:, :2] = sub
    np.save(os.path.join(HERE, "f8.npy"), f8)
    emit("f8", f8, "f8.npy")

    f4 = (rng.standard_normal((777, 5)) * np.array([1, 10, 100, 0.1, 5]) + 40).astype(np.float32)
    holes(f4, rng)
    np.save(os.path.join(HERE, "f4.npy"), f4)
    emit("f4", f4, "f4.npy")

    i2 = rng.integers(-30000, 30000, size=(500, 2)).astype(np.int16)
    np.save(os.path.join(HERE, "i2.npy"), i2)
    emit("i2", i2, "i2.npy")

    be = (rng.standard_normal((300, 2)) * 2 + 1).astype(">f8")
    holes(be, rng)
    np.save(os.path.join(HERE, "be.npy"), be)
    emit("be", be, "be.npy")

    multi = rng.standard_normal((200, 3, 4)) + np.arange(12).reshape(3, 4)
    holes(multi, rng)
    np.save(os.path.join(HERE, "multi.npy"), multi)
    emit("multi", multi, "multi.npy")

    import h5py
    h5 = rng.standard_normal((300, 3)) * 4 + 9
    holes(h5, rng)
    with h5py.File(os.path.join(HERE, "h5.h5"), "w") as f:
        f.create_dataset("x", data=h5, chunks=(64, 3), compression="gzip")
    with h5py.File(os.path.join(HERE, "h5.h5"), "r") as f:
        h5 = f["x"][...]
    emit("h5", h5, "h5.h5")

    import zarr
    z = (rng.standard_normal((300, 5)) * 3 - 2).astype(np.float32)
    holes(z, rng)
    # Chunked along the row too (2 of 5 columns per chunk): rows are assembled from partial lines.
    arr = zarr.open(os.path.join(HERE, "zarr.zarr"), mode="w", shape=z.shape, chunks=(50, 2), dtype="<f4")
    arr[...] = z
    z = zarr.open(os.path.join(HERE, "zarr.zarr"), mode="r")[...]
    emit("zarr", z, "zarr.zarr")


if __name__ == "__main__":
    main()
