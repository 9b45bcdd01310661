#!/usr/bin/python3
"""Writes the Zarr v2 fixtures with zarr-python 2.13 / numcodecs 0.11 (Debian's /usr/bin/python3).

Each readable array X.zarr gets X.npy: numpy.save of what zarr-python reads back (the full array), for bit-for-bit
comparison. manifest.json lists the readable arrays (and their inner array path) and the refused ones.
Run from anywhere: /usr/bin/python3 make_zarr_fixtures.py
"""
import json
import os
import shutil

import numcodecs
import numpy as np
import zarr
from numcodecs import GZip, LZ4, Blosc, Delta, Zlib, Zstd

numcodecs.blosc.use_threads = False
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "v2")
rng = np.random.default_rng(20261202)
readable = []
refused = []


def walk(shape, dtype=np.float64):
    """Random-walk data: realistic, compressible after shuffle, never constant."""
    steps = rng.standard_normal(shape).astype(np.float64)
    # Quantized to 1/256 so that every codec really compresses (unquantized float64 noise is often stored raw).
    return (np.round(np.cumsum(steps, axis=0) * 256) / 256).astype(dtype)


def path_of(name):
    p = os.path.join(OUT, name + ".zarr")
    if os.path.exists(p):
        shutil.rmtree(p)
    for old in [f for f in os.listdir(OUT) if f.startswith(name + ".") and f.endswith(".npy")]:
        os.remove(os.path.join(OUT, old))
    return p


expected_files = {}


def save_expected(name, arr, inner=""):
    arr = np.ascontiguousarray(arr)
    key = (arr.dtype.str, arr.shape, arr.tobytes())
    if key not in expected_files:  # arrays written with several codecs share one expected file
        expected_files[key] = "v2/" + name + (("." + inner.replace("/", ".")) if inner else "") + ".npy"
        np.save(os.path.join(HERE, expected_files[key]), arr)
    readable.append({"name": name + (("/" + inner) if inner else ""), "path": "v2/" + name + ".zarr", "array": inner,
                     "expected": expected_files[key], "shape": list(arr.shape), "dtype": arr.dtype.str})


def array(name, data, chunks, compressor="default", fill_value=0, **kw):
    p = path_of(name)
    extra = {} if compressor == "default" else {"compressor": compressor}
    z = zarr.open_array(p, mode="w", shape=data.shape, chunks=chunks, dtype=data.dtype, fill_value=fill_value, **extra, **kw)
    z[...] = data
    back = zarr.open_array(p, mode="r")[...]
    save_expected(name, back)
    return p


os.makedirs(OUT, exist_ok=True)
f8 = walk((50, 40))
array("default", f8, (16, 40))  # blosc lz4 shuffle, 50 rows: last chunk partial
array("blosc_lz4hc", f8, (16, 40), Blosc("lz4hc", 5, Blosc.SHUFFLE))
array("blosc_zstd", f8, (16, 40), Blosc("zstd", 3, Blosc.SHUFFLE))
array("blosc_zlib", f8, (16, 40), Blosc("zlib", 5, Blosc.SHUFFLE))
array("blosc_blosclz", f8, (16, 40), Blosc("blosclz", 5, Blosc.SHUFFLE))
array("blosc_bitshuffle", f8, (16, 40), Blosc("lz4", 5, Blosc.BITSHUFFLE))
array("blosc_noshuffle", f8, (16, 40), Blosc("lz4", 5, Blosc.NOSHUFFLE))
# Several blosc blocks per chunk (blocksize 256 bytes), with a leftover block, and split streams.
# Several blosc blocks per chunk (5120 bytes: blocks of 2048, 2048 and a leftover of 1024), split streams or not.
array("blosc_blocks", f8, (16, 40), Blosc("lz4", 5, Blosc.SHUFFLE, blocksize=2048))
array("blosc_blocks_blosclz", f8, (16, 40), Blosc("blosclz", 9, Blosc.SHUFFLE, blocksize=2048))
array("blosc_blocks_bitshuffle", f8, (16, 40), Blosc("zstd", 1, Blosc.BITSHUFFLE, blocksize=2048))
# Blocks of 125 elements: bit-shuffle leaves blocks whose element count is not a multiple of 8 as they are.
array("blosc_blocks_bitshuffle_odd", f8, (16, 40), Blosc("lz4", 5, Blosc.BITSHUFFLE, blocksize=1000))
# Split streams over several blocks plus an unsplit leftover block: 72,000-byte uint16 chunks, lz4/blosclz level 1
# (c-blosc picks 65,536-byte blocks here; blocksize= is ignored by the split codecs).
u2 = (1000 + np.cumsum(rng.choice([-1, 0, 0, 0, 0, 0, 0, 1], size=(40, 900)), axis=1)).astype(np.uint16)
array("blosc_split_blocks", u2, (40, 900), Blosc("lz4", 1, Blosc.SHUFFLE))
array("blosc_split_blocks_bitshuffle", u2, (40, 900), Blosc("lz4", 1, Blosc.BITSHUFFLE))
u1 = (rng.integers(0, 8, size=(64, 40))).astype(np.uint8)
array("blosc_u1", u1, (32, 40), Blosc("lz4", 5, Blosc.SHUFFLE))
array("blosc_u1_bitshuffle", u1, (32, 40), Blosc("blosclz", 5, Blosc.BITSHUFFLE))
array("zstd", f8, (16, 40), Zstd(level=3))
array("gzip", f8, (16, 40), GZip(level=5))
array("zlib", f8, (16, 40), Zlib(level=5))
array("lz4", f8, (16, 40), LZ4())
array("none", f8, (16, 40), None)
array("nested", walk((30, 10)), (8, 4), dimension_separator="/")
array("two_axes", walk((45, 20)), (16, 7))
array("three_d", walk((10, 6, 5)), (4, 3, 5))
array("big_endian", (walk((40, 6)) * 1000).astype(">i4"), (16, 6))
array("big_endian_f8", walk((40, 6)).astype(">f8"), (16, 6), Blosc("lz4", 5, Blosc.SHUFFLE))
array("bool", rng.integers(0, 2, size=(33, 9)).astype(bool), (10, 9))
array("f2", walk((40, 8)).astype(np.float16), (16, 8))
array("int64", (walk((40, 8)) * 1e6).astype(np.int64), (16, 8))
array("int8", rng.integers(-128, 128, size=(40, 8)).astype(np.int8), (16, 8), Zstd(1))
array("uint16", rng.integers(0, 65535, size=(40, 8)).astype(np.uint16), (16, 8))
array("float32", walk((40, 8)).astype(np.float32), (16, 8), Blosc("lz4", 5, Blosc.BITSHUFFLE))

# Chunks never written: zarr-python fills them with fill_value.
for name, fill in (("fill_value", 7.5), ("fill_nan", float("nan")), ("fill_none", None)):
    p = path_of(name)
    z = zarr.open_array(p, mode="w", shape=(50, 12), chunks=(16, 12), dtype="<f8", fill_value=fill)
    z[16:32, :] = walk((16, 12))
    back = zarr.open_array(p, mode="r")[...]
    if fill is None:
        # zarr-python leaves never-written chunks of a fill_value=None array uninitialized (np.empty); the loader
        # reads them as zeros, so the expected array has zeros there.
        back[:16] = 0
        back[32:] = 0
    save_expected(name, back)
p = path_of("fill_int")
z = zarr.open_array(p, mode="w", shape=(50, 12), chunks=(16, 6), dtype="<i4", fill_value=-3)
z[0:16, 0:6] = 5
save_expected("fill_int", zarr.open_array(p, mode="r")[...])
p = path_of("fill_inf")
z = zarr.open_array(p, mode="w", shape=(20, 3), chunks=(8, 3), dtype="<f4", fill_value=float("-inf"))
z[0:8] = 1
save_expected("fill_inf", zarr.open_array(p, mode="r")[...])

# A group with two arrays and a nested group holding one.
p = path_of("group")
g = zarr.open_group(p, mode="w")
a = g.create_dataset("a", data=walk((20, 4)), chunks=(8, 4))
b = g.create_dataset("b", data=walk((10, 3)).astype(np.float32), chunks=(4, 3))
x = g.create_group("grp").create_dataset("x", data=(walk((12, 2)) * 100).astype(np.int32), chunks=(5, 2))
g2 = zarr.open_group(p, mode="r")
for inner in ("a", "b", "grp/x"):
    save_expected("group", g2[inner][...], inner)
# A group holding exactly one array (array: null picks it).
p = path_of("group_one")
g = zarr.open_group(p, mode="w")
g.create_group("sub").create_dataset("only", data=walk((9, 2)), chunks=(4, 2))
save_expected("group_one", zarr.open_group(p, mode="r")["sub/only"][...], "sub/only")

# Refused.
p = path_of("order_f")
zarr.open_array(p, mode="w", shape=(10, 4), chunks=(5, 4), dtype="<f8", order="F")[...] = walk((10, 4))
refused.append({"name": "order_f", "path": "v2/order_f.zarr", "message": ["order", "F"]})
p = path_of("filter_delta")
zarr.open_array(p, mode="w", shape=(10, 4), chunks=(5, 4), dtype="<f8", filters=[Delta(dtype="<f8")])[...] = walk((10, 4))
refused.append({"name": "filter_delta", "path": "v2/filter_delta.zarr", "message": ["filters", "delta"]})
p = path_of("object")
zarr.open_array(p, mode="w", shape=(4,), chunks=(2,), dtype=object, object_codec=numcodecs.JSON())[...] = ["a", 1, None, 2.5]
refused.append({"name": "object", "path": "v2/object.zarr", "message": ["dtype", "|O"]})

with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump({"readable": readable, "refused": refused}, f, indent=1)
print(len(readable), "readable,", len(refused), "refused")
