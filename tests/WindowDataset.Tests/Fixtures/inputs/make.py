#!/usr/bin/python3
"""Writes the aligned-inputs fixtures of WindowDataset.Tests (issue 11, item 6) with real numpy, h5py and zarr.

Run with Debian's python3 (numpy 1.24, h5py 3.7, zarr 2.13):  /usr/bin/python3 tests/WindowDataset.Tests/Fixtures/inputs/make.py
Deterministic (seeded); everything lands next to this script. Three arrays of 48 rows, stored apart with shard
boundaries that differ per array:

  x_0.npy, x_1.npy      x   float64 (48, 4), rows [0, 20) and [20, 48)
  cov_0.npy, cov_1.npy  cov int16 (48, 2, 3), rows [0, 30) and [30, 48)
  cov.h5 (/cov)         cov again, one chunked gzip HDF5 dataset (chunks (8, 2, 3))
  y.zarr                y   float32 (48,), one Zarr v2 array (chunks (10,), zlib)
  y.npy                 y again, one .npy
  x.npy, cov.npy        numpy's whole arrays (what h5py / zarr read back equals them: checked here)

Expected, for windows of W = 5 rows that fit in one shard of every input (merged boundaries 0, 20, 30, 48):
  starts_w5.npy         int64 (S,), the valid starts in order
  x_w5.npy              float64 (S, 5, 4)        x[s:s+5] for each start
  cov_w5.npy            int16 (S, 5, 2, 3)       cov[s:s+5]
  y_w5.npy              float32 (S, 5)           y[s:s+5]
  concat_f8_w5.npy      float64 (S, 5, 11)       np.concatenate of the flattened rows, each .astype('<f8')
  concat_f4_w5.npy      float32 (S, 5, 11)       the same with .astype('<f4')
and for W = 5 with a next target of H = 2 rows (the span of 7 rows must fit in one shard of every input):
  starts_w5_h2.npy      int64 (S2,)
  cov_next_h2.npy       int16 (S2, 2, 2, 3)      cov[s+5:s+7]
"""
import os

import h5py
import numpy as np
import zarr

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20261202)
N, W, H = 48, 5, 2

x = RNG.standard_normal((N, 4)) * 1e3
x[3, 1] = np.nan  # NaN and inf travel bit for bit
x[7, 2] = np.inf
cov = RNG.integers(-32768, 32767, size=(N, 2, 3), dtype=np.int16)
y = (RNG.standard_normal(N) * 10).astype(np.float32)


def save(name, a):
    np.save(os.path.join(HERE, name), np.ascontiguousarray(a))


save("x_0.npy", x[:20])
save("x_1.npy", x[20:])
save("cov_0.npy", cov[:30])
save("cov_1.npy", cov[30:])
save("x.npy", x)
save("cov.npy", cov)
save("y.npy", y)

with h5py.File(os.path.join(HERE, "cov.h5"), "w") as f:
    f.create_dataset("cov", data=cov, chunks=(8, 2, 3), compression="gzip", compression_opts=4)
with h5py.File(os.path.join(HERE, "cov.h5"), "r") as f:
    assert np.array_equal(f["cov"][...], cov)

store = os.path.join(HERE, "y.zarr")
if os.path.exists(store):
    import shutil
    shutil.rmtree(store)
z = zarr.open(store, mode="w", shape=y.shape, chunks=(10,), dtype="<f4", compressor=zarr.Zlib(level=1))
z[...] = y
assert np.array_equal(zarr.open(store, mode="r")[...], y)

bounds = sorted({0, 20, 30, N})


def valid(span):
    out = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        out.extend(range(lo, hi - span + 1))
    return np.array(out, dtype=np.int64)


starts = valid(W)
save("starts_w5.npy", starts)
save("x_w5.npy", np.stack([x[s:s + W] for s in starts]))
save("cov_w5.npy", np.stack([cov[s:s + W] for s in starts]))
save("y_w5.npy", np.stack([y[s:s + W] for s in starts]))
for code, name in (("<f8", "concat_f8_w5.npy"), ("<f4", "concat_f4_w5.npy")):
    rows = [np.concatenate([a[s:s + W].reshape(W, -1).astype(code) for a in (x, cov, y)], axis=1) for s in starts]
    save(name, np.stack(rows))

starts2 = valid(W + H)
save("starts_w5_h2.npy", starts2)
save("cov_next_h2.npy", np.stack([cov[s + W:s + W + H] for s in starts2]))
print("wrote", len(starts), "windows and", len(starts2), "targets")
