#!/usr/bin/python3
"""Ground truth for the rows/split/dilation/leadTime/skipWindows tests (run with Debian's /usr/bin/python3, numpy 1.24).

data.npy: float64 (200, 3), value row*1000 + col + 0.25, with NaN/inf in a few rows.
For each case: the windows (sliding_window_view with dilation) and next targets of every start of the whole array,
and the starts left by missing: skipWindows, and by each split range.
"""
import json
import os

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

here = os.path.dirname(os.path.abspath(__file__))
rows, cols = 200, 3
x = (np.arange(rows)[:, None] * 1000 + np.arange(cols)[None, :] + 0.25).astype(np.float64)
x[17, 1] = np.nan
x[60, 0] = np.nan
x[61, 2] = np.nan
x[99, 1] = np.inf
x[120, 0] = -np.inf
x[150, 2] = np.nan
np.save(os.path.join(here, "data.npy"), x)
bad = ~np.isfinite(x).all(axis=1)

cases = {
    # name: window, dilation, target kind, horizon, leadTime
    "d3": dict(window=5, dilation=3, kind="next", horizon=2, leadTime=4),
    "d1": dict(window=4, dilation=1, kind="next", horizon=1, leadTime=0),
    "d7": dict(window=3, dilation=7, kind="none", horizon=0, leadTime=0),
    "d2": dict(window=6, dilation=2, kind="next", horizon=3, leadTime=1),
}
split = {"train": [0.0, 0.8], "val": [0.8, 0.9], "test": [0.9, 1.0]}
gap = 5
expected = {"rows": rows, "cols": cols, "gap": gap, "split": split, "cases": {}}


def split_rows():
    parts = sorted(((int(np.floor(a * rows)), int(np.floor(b * rows)), n) for n, (a, b) in split.items()))
    out = {}
    for k, (a, b, n) in enumerate(parts):
        out[n] = [a + (gap if k > 0 else 0), b]
    return out


ranges = split_rows()
expected["splitRows"] = ranges
for name, c in cases.items():
    w, d, h, lead = c["window"], c["dilation"], c["horizon"], c["leadTime"]
    wspan = (w - 1) * d + 1
    span = wspan + (lead + h if c["kind"] == "next" else 0)
    n = rows - span + 1
    # (starts, cols, wspan) -> every d-th row -> (starts, w, cols)
    windows = sliding_window_view(x, wspan, axis=0)[:n, :, ::d].transpose(0, 2, 1)
    for i in (0, n // 2, n - 1):
        assert np.array_equal(windows[i], x[i:i + wspan:d], equal_nan=True)
    np.save(os.path.join(here, f"windows_{name}.npy"), np.ascontiguousarray(windows))
    if c["kind"] == "next":
        targets = np.stack([x[i + wspan + lead:i + wspan + lead + h] for i in range(n)])
        np.save(os.path.join(here, f"targets_{name}.npy"), targets)

    def rows_of(i):
        r = list(range(i, i + wspan, d))
        if c["kind"] == "next":
            r += list(range(i + wspan + lead, i + wspan + lead + h))
        return r

    skip = [i for i in range(n) if not bad[rows_of(i)].any()]
    per_split = {}
    for s, (a, b) in ranges.items():
        per_split[s] = [i for i in range(a, b - span + 1)]
        assert all(a <= r < b for i in per_split[s] for r in rows_of(i))
    expected["cases"][name] = dict(c, span=span, starts=n, skipStarts=skip, skipCount=len(skip), splitStarts=per_split)

with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
print({k: (v["starts"], v["skipCount"]) for k, v in expected["cases"].items()})

# The same array chunked (HDF5 deflate, Zarr blosc-free zlib), big-endian float32 raw for the skip pass's readers.
import h5py  # noqa: E402
import zarr  # noqa: E402
import numcodecs  # noqa: E402

with h5py.File(os.path.join(here, "data.h5"), "w") as f:
    f.create_dataset("grp/x", data=x, chunks=(16, 3), compression="gzip", compression_opts=1)
    f.create_dataset("other", data=np.zeros((200, 3)), chunks=(16, 3))
with h5py.File(os.path.join(here, "data.h5"), "r") as f:
    assert np.array_equal(f["grp/x"][...], x, equal_nan=True)
z = zarr.open(os.path.join(here, "data.zarr"), mode="w", shape=x.shape, chunks=(32, 3), dtype="<f8", compressor=numcodecs.Zlib(level=1))
z[...] = x
assert np.array_equal(zarr.open(os.path.join(here, "data.zarr"), mode="r")[...], x, equal_nan=True)
x.astype(">f4").tofile(os.path.join(here, "data_be_f4.raw"))
