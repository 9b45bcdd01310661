#!/usr/bin/python3
"""Writes Zarr v3 fixtures from the specification (zarr-python 2.13 cannot write v3): numpy + numcodecs for the
compressors, a table-driven CRC-32C, and the sharding_indexed layout (inner chunks in C order, an index of
(offset, nbytes) uint64 pairs encoded by index_codecs, at the end or the start of the shard).

Every array is then read back by a second decoder written independently below (generic zarr.json interpretation,
bitwise CRC-32C, Python's gzip/zlib modules, numcodecs' decompress functions) and must equal the source array;
X.npy holds it. Run: /usr/bin/python3 make_zarr_v3_fixtures.py
"""
import gzip
import json
import os
import shutil
import struct

import numcodecs
import numpy as np
from numcodecs import blosc as nblosc
from numcodecs import Zstd

numcodecs.blosc.use_threads = False
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "v3")
rng = np.random.default_rng(3)
EMPTY = 2**64 - 1
NAMES = {"float64": "<f8", "float32": "<f4", "float16": "<f2", "int64": "<i8", "int32": "<i4", "int16": "<i2",
         "int8": "|i1", "uint64": "<u8", "uint32": "<u4", "uint16": "<u2", "uint8": "|u1", "bool": "|b1"}
readable, refused = [], []


def crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


TABLE = crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283


def walk(shape, dtype="<f8"):
    return (np.round(np.cumsum(rng.standard_normal(shape), axis=0) * 256) / 256).astype(dtype)


# ---------------------------------------------------------------- writer
def encode(codecs, chunk):
    """chunk: ndarray of the chunk shape (C order). Returns the stored bytes."""
    data = chunk
    for c in codecs:
        name, conf = c["name"], c.get("configuration", {})
        if name == "transpose":
            data = np.ascontiguousarray(np.transpose(data, conf["order"]))
        elif name == "bytes":
            endian = conf.get("endian", "little")
            dt = data.dtype.newbyteorder("<" if endian == "little" else ">") if data.dtype.itemsize > 1 else data.dtype
            data = np.ascontiguousarray(data, dtype=dt).tobytes()
        elif name == "blosc":
            shuffle = {"noshuffle": 0, "shuffle": 1, "bitshuffle": 2}[conf["shuffle"]]
            data = nblosc.compress(np.frombuffer(data, dtype="u%d" % conf["typesize"] if conf["typesize"] in (1, 2, 4, 8) else "u1"),
                                   conf["cname"].encode(), conf["clevel"], shuffle, conf.get("blocksize", 0))
        elif name == "gzip":
            data = gzip.compress(data, conf["level"], mtime=0)
        elif name == "zstd":
            data = Zstd(conf["level"]).encode(data)
        elif name == "crc32c":
            data = data + struct.pack("<I", crc32c(data))
        elif name == "sharding_indexed":
            data = encode_shard(conf, data)
        else:
            raise ValueError(name)
    return bytes(data)


def encode_shard(conf, shard, fill=0, omit=()):
    inner = conf["chunk_shape"]
    grid = [s // i for s, i in zip(shard.shape, inner)]
    index = np.full(grid + [2], EMPTY, dtype="<u8")
    body = bytearray()
    idx_size = len(encode(conf["index_codecs"], index))
    start = conf.get("index_location", "end") == "start"
    for pos in np.ndindex(*grid):
        block = shard[tuple(slice(p * i, (p + 1) * i) for p, i in zip(pos, inner))]
        if pos in omit or np.all(block == fill):
            continue  # inner chunks of fill values are not stored
        enc = encode(conf["codecs"], block)
        index[pos] = ((idx_size if start else 0) + len(body), len(enc))
        body += enc
    idx = encode(conf["index_codecs"], index)
    return idx + bytes(body) if start else bytes(body) + idx


def chunk_key(meta, pos):
    enc = meta["chunk_key_encoding"]
    sep = enc.get("configuration", {}).get("separator", "/" if enc["name"] == "default" else ".")
    parts = [str(p) for p in pos]
    return ("c" + sep + sep.join(parts)) if enc["name"] == "default" else sep.join(parts)


def write(name, data, chunks, codecs, fill_value=0, key=None, skip=(), omit_inner=(), suffix=".zarr", **extra):
    p = os.path.join(OUT, name + suffix)
    if os.path.exists(p):
        shutil.rmtree(p)
    os.makedirs(p)
    dtype = [k for k, v in NAMES.items() if np.dtype(v) == data.dtype.newbyteorder("=")][0] if data.dtype != bool else "bool"
    meta = {"zarr_format": 3, "node_type": "array", "shape": list(data.shape), "data_type": dtype,
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": list(chunks)}},
            "chunk_key_encoding": key or {"name": "default", "configuration": {"separator": "/"}},
            "fill_value": fill_value, "codecs": codecs, "attributes": {"written_by": "make_zarr_v3_fixtures.py"},
            "dimension_names": None}
    meta.update(extra)
    with open(os.path.join(p, "zarr.json"), "w") as f:
        json.dump(meta, f, indent=1)
    fill = fill_number(fill_value, data.dtype)
    grid = [-(-s // c) for s, c in zip(data.shape, chunks)]
    for pos in np.ndindex(*grid):
        if pos in skip:
            continue
        full = np.full(chunks, fill, dtype=data.dtype)
        sl = tuple(slice(q * c, min((q + 1) * c, s)) for q, c, s in zip(pos, chunks, data.shape))
        part = data[sl]
        full[tuple(slice(0, x) for x in part.shape)] = part
        if codecs[-1]["name"] == "sharding_indexed":
            stored = encode(codecs[:-1], full) if len(codecs) > 1 else None
            assert stored is None
            stored = encode_shard(codecs[-1]["configuration"], full, fill, omit_inner)
        else:
            stored = encode(codecs, full)
        f = os.path.join(p, chunk_key(meta, pos))
        os.makedirs(os.path.dirname(f), exist_ok=True)
        with open(f, "wb") as out:
            out.write(stored)
    return p, meta


def fill_number(v, dtype):
    if isinstance(v, str):
        if v.startswith("0x"):
            return np.frombuffer(int(v, 16).to_bytes(dtype.itemsize, "little"), dtype=dtype.newbyteorder("<"))[0]
        return {"NaN": np.nan, "Infinity": np.inf, "-Infinity": -np.inf}[v]
    return v


# ---------------------------------------------------------------- independent reader
def crc32c_bitwise(data):
    c = 0xFFFFFFFF
    for b in data:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ (0x82F63B78 & -(c & 1))
    return c ^ 0xFFFFFFFF


def decode(codecs, raw, shape, dtype):
    """Applies the codec chain backwards: bytes -> bytes codecs, then the array -> bytes codec, then transposes."""
    arr_codecs = [c for c in codecs if c["name"] in ("transpose",)]
    a2b = [c for c in codecs if c["name"] in ("bytes", "sharding_indexed")]
    b2b = [c for c in codecs if c["name"] not in ("transpose", "bytes", "sharding_indexed")]
    for c in reversed(b2b):
        if c["name"] == "crc32c":
            body, want = raw[:-4], struct.unpack("<I", raw[-4:])[0]
            assert crc32c_bitwise(body) == want, "crc mismatch"
            raw = body
        elif c["name"] == "gzip":
            raw = gzip.decompress(raw)
        elif c["name"] == "zstd":
            raw = Zstd().decode(raw)
        elif c["name"] == "blosc":
            raw = nblosc.decompress(raw)
    t_shape = list(shape)
    for c in arr_codecs:
        t_shape = [t_shape[i] for i in c["configuration"]["order"]]
    c = a2b[0] if a2b else {"name": "bytes"}
    if c["name"] == "sharding_indexed":
        a = read_shard(c["configuration"], raw, t_shape, dtype)
    else:
        endian = c.get("configuration", {}).get("endian", "little")
        a = np.frombuffer(raw, dtype=np.dtype(dtype).newbyteorder("<" if endian == "little" else ">")).reshape(t_shape)
    for c in reversed(arr_codecs):
        a = np.transpose(a, np.argsort(c["configuration"]["order"]))
    return a.astype(np.dtype(dtype).newbyteorder("<"))


def read_shard(conf, raw, shape, dtype, fill=0):
    inner = conf["chunk_shape"]
    grid = [s // i for s, i in zip(shape, inner)]
    n = int(np.prod(grid)) * 16 + (4 if any(c["name"] == "crc32c" for c in conf["index_codecs"]) else 0)
    at_start = conf.get("index_location", "end") == "start"
    idx_raw = raw[:n] if at_start else raw[len(raw) - n:]
    index = decode(conf["index_codecs"], idx_raw, grid + [2], "<u8")
    out = np.full(shape, read_shard.fill, dtype=dtype)
    for pos in np.ndindex(*grid):
        off, nb = (int(x) for x in index[pos])
        if off == EMPTY and nb == EMPTY:
            continue
        out[tuple(slice(p * i, (p + 1) * i) for p, i in zip(pos, inner))] = decode(conf["codecs"], raw[off:off + nb], inner, dtype)
    return out


def read_array(p):
    meta = json.load(open(os.path.join(p, "zarr.json")))
    dtype = NAMES[meta["data_type"]]
    shape, chunks = meta["shape"], meta["chunk_grid"]["configuration"]["chunk_shape"]
    fill = fill_number(meta["fill_value"], np.dtype(dtype))
    read_shard.fill = fill
    out = np.full(shape, fill, dtype=dtype)
    enc = meta["chunk_key_encoding"]
    sep = enc.get("configuration", {}).get("separator", "/" if enc["name"] == "default" else ".")
    for pos in np.ndindex(*[-(-s // c) for s, c in zip(shape, chunks)]):
        key = ("c" + sep if enc["name"] == "default" else "") + sep.join(map(str, pos))
        f = os.path.join(p, key)
        if not os.path.exists(f):
            continue
        chunk = decode(meta["codecs"], open(f, "rb").read(), chunks, dtype)
        sl = tuple(slice(q * c, min((q + 1) * c, s)) for q, c, s in zip(pos, chunks, shape))
        out[sl] = chunk[tuple(slice(0, x.stop - x.start) for x in sl)]
    return out


def check(name, p, expected, inner=""):
    back = read_array(p)
    assert back.dtype == np.dtype(expected.dtype).newbyteorder("<") or back.dtype == expected.dtype, (name, back.dtype)
    assert np.array_equal(back, expected.astype(back.dtype), equal_nan=True), name
    assert back.tobytes() == np.ascontiguousarray(expected.astype(back.dtype)).tobytes(), name  # bit for bit (NaN payloads too)
    npy = os.path.join(OUT, name + ".npy")
    np.save(npy, np.ascontiguousarray(back))
    readable.append({"name": name, "path": "v3/" + os.path.relpath(p, OUT), "array": inner, "expected": "v3/" + name + ".npy",
                     "shape": list(back.shape), "dtype": back.dtype.str})


def bytes_le(endian="little"):
    return {"name": "bytes", "configuration": {"endian": endian}}


def blosc(cname, shuffle, typesize, clevel=5):
    return {"name": "blosc", "configuration": {"cname": cname, "clevel": clevel, "shuffle": shuffle, "typesize": typesize, "blocksize": 0}}


CRC = {"name": "crc32c"}


def expected_of(data, chunks, fill, skip=(), inner=None, omit_inner=()):
    """What the writer stored: the data with skipped chunks (and omitted inner chunks) replaced by the fill value."""
    e = data.copy()
    for pos in skip:
        e[tuple(slice(q * c, (q + 1) * c) for q, c in zip(pos, chunks))] = fill
    for spos, ipos in omit_inner:
        e[tuple(slice(s * c + q * i, s * c + (q + 1) * i) for s, q, c, i in zip(spos, ipos, chunks, inner))] = fill
    return e


if os.path.exists(OUT):
    shutil.rmtree(OUT)
os.makedirs(OUT)
f8 = walk((40, 24))
for name, codecs, data in (
        ("bytes_le", [bytes_le()], f8),
        ("bytes_be", [bytes_le("big")], (walk((40, 6)) * 100).astype("<i4")),
        ("bytes_be_f8", [bytes_le("big"), CRC], f8),
        ("blosc_lz4", [bytes_le(), blosc("lz4", "shuffle", 8)], f8),
        ("blosc_zstd_bitshuffle", [bytes_le(), blosc("zstd", "bitshuffle", 8)], f8),
        ("blosc_blosclz_noshuffle", [bytes_le(), blosc("blosclz", "noshuffle", 8)], f8),
        ("gzip", [bytes_le(), {"name": "gzip", "configuration": {"level": 5}}], f8),
        ("zstd", [bytes_le(), {"name": "zstd", "configuration": {"level": 3, "checksum": False}}], f8),
        ("crc32c", [bytes_le(), CRC], f8),
        ("gzip_crc32c", [bytes_le(), {"name": "gzip", "configuration": {"level": 1}}, CRC], f8),
        ("transpose_identity", [{"name": "transpose", "configuration": {"order": [0, 1]}}, bytes_le()], f8),
        ("uint8_no_endian", [{"name": "bytes"}], rng.integers(0, 255, size=(30, 7)).astype("|u1")),
        ("bool", [{"name": "bytes"}, {"name": "zstd", "configuration": {"level": 1, "checksum": False}}], rng.integers(0, 2, size=(30, 7)).astype(bool)),
        ("float16", [bytes_le(), blosc("lz4", "shuffle", 2)], walk((30, 8), "<f2")),
        ("int64", [bytes_le("big"), {"name": "gzip", "configuration": {"level": 1}}], (walk((30, 8)) * 1e6).astype("<i8")),
):
    p, meta = write(name, data, (16, data.shape[1] if name != "bytes_le" else 10), codecs)
    check(name, p, data)

# Chunk key encodings.
p, _ = write("key_v2", f8, (16, 10), [bytes_le()], key={"name": "v2", "configuration": {"separator": "."}})
check("key_v2", p, f8)
p, _ = write("key_v2_slash", f8, (16, 10), [bytes_le()], key={"name": "v2", "configuration": {"separator": "/"}})
check("key_v2_slash", p, f8)
p, _ = write("key_dot", f8, (16, 10), [bytes_le()], key={"name": "default", "configuration": {"separator": "."}})
check("key_dot", p, f8)
p, _ = write("key_default_noconf", f8, (16, 10), [bytes_le()], key={"name": "default"})
check("key_default_noconf", p, f8)

# Missing chunks: fill values.
for name, fill, dtype in (("missing_nan", "NaN", "<f8"), ("missing_number", -2.5, "<f8"), ("missing_inf", "-Infinity", "<f4"),
                          ("missing_hex", "0x7fc00001", "<f4"), ("missing_int", 7, "<i2")):
    data = walk((40, 6), dtype)
    p, _ = write(name, data, (16, 6), [bytes_le()], fill_value=fill, skip=[(1, 0)])
    check(name, p, expected_of(data, (16, 6), fill_number(fill, np.dtype(dtype)), skip=[(1, 0)]))

# Sharding: shards of (16, 12), inner chunks of (4, 6); one shard never written, one inner chunk omitted.
shard_data = walk((40, 24))
for name, location, inner_codecs, index_codecs in (
        ("shard_end", "end", [bytes_le(), blosc("lz4", "shuffle", 8)], [bytes_le(), CRC]),
        ("shard_start", "start", [bytes_le(), {"name": "gzip", "configuration": {"level": 1}}], [bytes_le(), CRC]),
        ("shard_plain", None, [bytes_le()], [bytes_le()]),
        ("shard_crc_inner", "end", [bytes_le("big"), CRC], [bytes_le(), CRC])):
    conf = {"chunk_shape": [4, 6], "codecs": inner_codecs, "index_codecs": index_codecs}
    if location:
        conf["index_location"] = location
    codecs = [{"name": "sharding_indexed", "configuration": conf}]
    skip, omit = [(0, 1)], {(1, 1)}
    p, _ = write(name, shard_data, (16, 12), codecs, fill_value=0.5, skip=skip, omit_inner=omit)
    check(name, p, expected_of(shard_data, (16, 12), 0.5, skip, (4, 6), [((s0, s1), (1, 1)) for s0 in range(3) for s1 in range(2) if (s0, s1) not in skip]))

# A group: zarr.json node_type group with two arrays and a nested group.
g = os.path.join(OUT, "group.zarr")
os.makedirs(os.path.join(g, "sub"))
for d in (g, os.path.join(g, "sub")):
    with open(os.path.join(d, "zarr.json"), "w") as f:
        json.dump({"zarr_format": 3, "node_type": "group", "attributes": {}}, f)
for inner, data in (("a", walk((10, 4))), ("b", walk((12, 3), "<f4")), ("sub/x", (walk((9, 2)) * 10).astype("<i4"))):
    p, _ = write(os.path.join("group.zarr", inner), data, (4, data.shape[1]), [bytes_le(), CRC], suffix="")
    back = read_array(p)
    assert np.array_equal(back, data)
    np.save(os.path.join(OUT, "group." + inner.replace("/", ".") + ".npy"), back)
    readable.append({"name": "group/" + inner, "path": "v3/group.zarr", "array": inner, "expected": "v3/group." + inner.replace("/", ".") + ".npy",
                     "shape": list(back.shape), "dtype": back.dtype.str})

# Refused.
p, _ = write("transpose", f8, (16, 10), [{"name": "transpose", "configuration": {"order": [1, 0]}}, bytes_le()])
refused.append({"name": "transpose", "path": "v3/transpose.zarr", "message": ["transpose", "not C order"]})
p, _ = write("storage_transformer", f8, (16, 10), [bytes_le()], storage_transformers=[{"name": "x"}])
refused.append({"name": "storage_transformer", "path": "v3/storage_transformer.zarr", "message": ["storage_transformers"]})
p, _ = write("unknown_codec", f8, (16, 10), [bytes_le(), CRC])
meta = json.load(open(os.path.join(p, "zarr.json")))
meta["codecs"][1] = {"name": "lzma", "configuration": {}}
json.dump(meta, open(os.path.join(p, "zarr.json"), "w"), indent=1)
refused.append({"name": "unknown_codec", "path": "v3/unknown_codec.zarr", "message": ["codecs", "lzma"]})
p, _ = write("complex", f8, (16, 10), [bytes_le()])
meta = json.load(open(os.path.join(p, "zarr.json")))
meta["data_type"] = "complex128"
json.dump(meta, open(os.path.join(p, "zarr.json"), "w"), indent=1)
refused.append({"name": "complex", "path": "v3/complex.zarr", "message": ["data_type", "complex128"]})

with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump({"readable": readable, "refused": refused}, f, indent=1)
print(len(readable), "readable,", len(refused), "refused")
