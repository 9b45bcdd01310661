#!/usr/bin/python3
"""Writes the .npy / raw fixtures of WindowDataset.Tests with real numpy, and what numpy says they hold.

Run from anywhere with Debian's python3 (numpy 1.24):  /usr/bin/python3 tests/WindowDataset.Tests/Fixtures/make_fixtures.py
Deterministic (seeded); rewriting produces identical bytes. Everything lands next to this script:

  manifest.json        every fixture: file, how to open it, numpy's dtype/shape, and its expected-value files
  npy/                 arrays in every dtype (little- and big-endian), format versions 1.0/2.0/3.0, 1-D, 3-D, 4-D,
                       fortran order
  shards/part-*.npy    one array in 3 shards (glob "part-*.npy"); labels.npy: one label row per input row
  mismatch/            shards that do not match each other (dtype, row shape, byte order)
  raw/                 headerless binaries (one with a 64-byte header to skip)
  expected/            numpy's own values of each array as raw C-order little-endian bytes: <name>.native.bin
                       (the file's dtype), <name>.f4.bin (a.astype('<f4')), <name>.f8.bin (a.astype('<f8'))
  random/              series.npy (1200, 8) float64, starts.npy: 10,000 starts drawn by numpy for 16-row windows,
                       checksums.npy: for each start, sum over k of bits[k] * (2k + 1) mod 2**64 where bits are the
                       uint64 patterns of numpy's slice series[s:s+16] in C order
  hostile/             files numpy writes that the loader must refuse: object, structured, unicode, complex, ...
"""
import json
import os
import shutil

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = np.random.default_rng(20240611)
MANIFEST = {"numpy": np.__version__, "arrays": [], "hostile": [], "random": None, "mismatch": []}

CODES = ["f8", "f4", "f2", "i8", "i4", "i2", "i1", "u8", "u4", "u2", "u1", "b1"]


def path(*parts):
    p = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def write_npy(rel, a, version=(1, 0)):
    with open(path(rel), "wb") as f:
        np.lib.format.write_array(f, a, version=version, allow_pickle=False)


def values(code, shape):
    """Values that exercise the whole range of the type, with the special ones in the first row."""
    dt = np.dtype(code)
    n = int(np.prod(shape))
    if dt.kind == "f":
        v = RNG.standard_normal(n) * np.power(10.0, RNG.integers(-3, 4, n))
        specials = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-30, 3.0e38, -65504.0]
        v[: len(specials)] = specials
        if code == "f2":
            v[np.isfinite(v)] = np.clip(v[np.isfinite(v)], -60000, 60000)
            v[5] = 6e-8  # a float16 subnormal
        if code == "f4":
            v[6] = 3.0e38
        return v.astype(dt).reshape(shape)
    if dt.kind == "b":
        return (RNG.integers(0, 2, n) == 1).reshape(shape)
    info = np.iinfo(dt)
    v = RNG.integers(info.min, info.max, n, dtype=dt, endpoint=True)
    specials = [info.min, info.max, 0, 1, info.max - 1]
    if code in ("i8", "u8"):
        specials += [2**53 + 1, 2**62 + 3, 2**24 + 1]  # not exact in float64 / float32: rounding must match numpy
    if code in ("i4", "u4"):
        specials += [2**24 + 1, 2**31 - 1 - 64]
    v[: len(specials)] = np.array(specials, dtype=object).astype(dt)
    return v.reshape(shape)


def expected(name, a):
    """numpy's own conversions of the whole array, as raw little-endian C-order bytes."""
    native = a.astype(a.dtype.newbyteorder("<"))
    out = {}
    for key, dt in (("native", native.dtype), ("float32", np.dtype("<f4")), ("float64", np.dtype("<f8"))):
        rel = f"expected/{name}.{key}.bin"
        with np.errstate(over="ignore", invalid="ignore"):
            np.ascontiguousarray(a.astype(dt)).tofile(path(rel))
        out[key] = rel
    return out


def add_array(name, rel, a, version=(1, 0), **extra):
    write_npy(rel, a, version)
    entry = {
        "name": name,
        "paths": [rel],
        "format": "npy",
        "descr": a.dtype.str,
        "shape": list(a.shape),
        "version": f"{version[0]}.{version[1]}",
        "expected": expected(name, a),
    }
    entry.update(extra)
    MANIFEST["arrays"].append(entry)


def main():
    for sub in ("npy", "shards", "mismatch", "raw", "expected", "random", "hostile"):
        shutil.rmtree(os.path.join(HERE, sub), ignore_errors=True)

    # Every dtype, little- and big-endian (1-byte types have no byte order: numpy writes '|').
    for code in CODES:
        a = values(code, (40, 3))
        if a.dtype.itemsize == 1:
            add_array(code, f"npy/{code}.npy", a)
        else:
            add_array(f"{code}_le", f"npy/{code}_le.npy", a.astype("<" + code))
            add_array(f"{code}_be", f"npy/{code}_be.npy", a.astype(">" + code))

    # Format versions 1.0, 2.0 and 3.0 of the same data (numpy only picks 2.0/3.0 itself when needed).
    a = values("f8", (25, 4))
    for version in ((1, 0), (2, 0), (3, 0)):
        add_array(f"v{version[0]}", f"npy/v{version[0]}.npy", a, version)

    # Shapes: 1-D is (N, 1); trailing axes flatten into the row.
    add_array("d1_i4", "npy/d1_i4.npy", values("i4", (50,)))
    add_array("d3_f4", "npy/d3_f4.npy", values("f4", (30, 2, 3)))
    add_array("d4_u2_be", "npy/d4_u2_be.npy", values("u2", (12, 2, 2, 2)).astype(">u2"), (2, 0))

    # Fortran order: refused with a message that says how to fix it.
    fa = np.asfortranarray(values("f8", (10, 3)))
    write_npy("npy/fortran.npy", fa)
    MANIFEST["fortran"] = "npy/fortran.npy"

    # Shards: one (51, 4) float64 array in 3 files, plus one label per row.
    full = values("f8", (51, 4))
    bounds = [0, 17, 42, 51]
    shard_paths = []
    for i in range(3):
        rel = f"shards/part-{i:03d}.npy"
        write_npy(rel, full[bounds[i]:bounds[i + 1]])
        shard_paths.append(rel)
    labels = np.arange(51, dtype="<i8") * 7 - 100
    write_npy("shards/labels.npy", labels)
    MANIFEST["arrays"].append({
        "name": "shards",
        "paths": shard_paths,
        "glob": "shards/part-*.npy",
        "format": "npy",
        "descr": "<f8",
        "shape": list(full.shape),
        "shardRows": [bounds[i + 1] - bounds[i] for i in range(3)],
        "version": "1.0",
        "expected": expected("shards", full),
        "labels": {"path": "shards/labels.npy", "expected": expected("labels", labels)},
    })

    # Shards that do not fit together: each of b, c, d against a.
    write_npy("mismatch/a.npy", values("f8", (10, 4)))
    write_npy("mismatch/b_dtype.npy", values("f4", (10, 4)))
    write_npy("mismatch/c_shape.npy", values("f8", (10, 5)))
    write_npy("mismatch/d_order.npy", values("f8", (10, 4)).astype(">f8"))
    MANIFEST["mismatch"] = ["mismatch/a.npy", "mismatch/b_dtype.npy", "mismatch/c_shape.npy", "mismatch/d_order.npy"]

    # Raw binaries: one with a 64-byte header to skip (rows given), one plain (rows derived from the size).
    r = values("i2", (33, 2, 2)).astype(">i2")
    with open(path("raw/offset64_i2_be.bin"), "wb") as f:
        f.write(bytes(range(64)))
        f.write(r.tobytes())
    MANIFEST["arrays"].append({
        "name": "raw_offset", "paths": ["raw/offset64_i2_be.bin"], "format": "raw", "descr": ">i2",
        "dtype": ">i2", "rowShape": [2, 2], "rows": 33, "headerOffset": 64, "shape": [33, 2, 2],
        "expected": expected("raw_offset", r),
    })
    p = values("f4", (20, 3))
    p.tofile(path("raw/plain_f4.bin"))
    MANIFEST["arrays"].append({
        "name": "raw_plain", "paths": ["raw/plain_f4.bin"], "format": "raw", "descr": "<f4",
        "dtype": "float32", "rowShape": [3], "rows": None, "headerOffset": 0, "shape": [20, 3],
        "expected": expected("raw_plain", p),
    })

    # 10,000 random 16-row windows: numpy's starts and a checksum of numpy's own slices.
    series = RNG.standard_normal((1200, 8))
    write_npy("random/series.npy", series)
    window = 16
    starts = RNG.integers(0, series.shape[0] - window + 1, 10_000).astype("<i8")
    np.save(path("random/starts.npy"), starts)
    bits = series.view("<u8")
    windows = bits[starts[:, None] + np.arange(window)[None, :]].reshape(len(starts), -1)  # (10000, 128)
    weights = (2 * np.arange(windows.shape[1], dtype="<u8") + 1)[None, :]
    checksums = (windows * weights).sum(axis=1, dtype="<u8")  # wraps mod 2**64
    np.save(path("random/checksums.npy"), checksums.astype("<u8"))
    MANIFEST["random"] = {"path": "random/series.npy", "starts": "random/starts.npy",
                          "checksums": "random/checksums.npy", "window": window}

    # What numpy writes that the loader must refuse (clear error, no crash).
    hostile = [
        ("object", np.array([1, "a", None], dtype=object), True, "object"),
        ("structured", np.zeros(4, dtype=[("a", "<f8"), ("b", "<i4")]), False, "structured"),
        ("structured_subarray", np.zeros(4, dtype=[("x", "<f4", (2,))]), False, "structured"),
        ("unicode", np.array(["ab", "cd"]), False, "'<U2'"),
        ("bytes", np.array([b"abc", b"de"]), False, "'|S3'"),
        ("complex", np.zeros((4, 2), dtype="<c16"), False, "'<c16'"),
        ("datetime", np.zeros(4, dtype="<M8[ns]"), False, "'<M8[ns]'"),
        ("longdouble", np.zeros(4, dtype=np.longdouble), False, "'<f16'"),
        ("empty_rows", np.zeros((0, 3)), False, "dimensions > 0"),
        ("zero_dim", np.zeros((5, 0)), False, "dimensions > 0"),
        ("scalar", np.array(3.5), False, "at least one dimension"),
    ]
    for name, arr, pickle, message in hostile:
        rel = f"hostile/{name}.npy"
        with open(path(rel), "wb") as f:
            np.lib.format.write_array(f, arr, version=(1, 0), allow_pickle=pickle)
        MANIFEST["hostile"].append({"name": name, "path": rel, "message": message})

    with open(path("manifest.json"), "w", encoding="utf-8") as f:
        json.dump(MANIFEST, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
