#!/usr/bin/python3
"""Makes the small fixtures of the windowds CLI tests with numpy and h5py (run with Debian's /usr/bin/python3).

Everything here is deterministic; re-running rewrites the same bytes. CI never runs this script: the outputs are
committed. Values follow the core tests' convention value(row, col) = row * 1000 + col + 0.25.
"""
import json
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def path(name):
    return os.path.join(HERE, name)


def pattern(rows, cols, first_row=0):
    r = np.arange(first_row, first_row + rows, dtype=np.float64)[:, None]
    c = np.arange(cols, dtype=np.float64)[None, :]
    return r * 1000 + c + 0.25


def header_length(npy_path):
    with open(npy_path, "rb") as f:
        major = np.lib.format.read_magic(f)
        np.lib.format._read_array_header(f, major)  # noqa: SLF001 (numpy's own reader, to measure the header)
        return f.tell()


expected = {}

# --- take: a source, explicit starts, and the windows numpy cuts from it --------------------------------------
source = pattern(40, 3)
np.save(path("cli-source.npy"), source)
starts = [0, 7, 35, 3, 7, 20]
window = 5
with open(path("cli-starts.txt"), "w") as f:
    f.write("\n".join(str(s) for s in starts) + "\n")
windows = np.stack([source[s:s + window] for s in starts])
np.save(path("cli-take-expected-f8.npy"), windows)
np.save(path("cli-take-expected-f4.npy"), windows.astype(np.float32))

# --- info: a single file and two shards ---------------------------------------------------------------------
part0 = pattern(10, 3)
part1 = pattern(15, 3, first_row=10)
np.save(path("cli-part-0.npy"), part0.astype(np.float32))
np.save(path("cli-part-1.npy"), part1.astype(np.float32))
expected["info"] = {
    "source": {
        "dtype": "float64",
        "descr": source.dtype.str,
        "shape": list(source.shape),
        "row_bytes": source.shape[1] * source.itemsize,
        "data_offset": header_length(path("cli-source.npy")),
        "file_bytes": os.path.getsize(path("cli-source.npy")),
        "valid_starts_w5": source.shape[0] - window + 1,
    },
    "shards": {
        "dtype": "float32",
        "shape": [25, 3],
        "rows": [10, 15],
        "first_rows": [0, 10],
        "data_offsets": [header_length(path("cli-part-0.npy")), header_length(path("cli-part-1.npy"))],
        "valid_starts_w4": (10 - 4 + 1) + (15 - 4 + 1),
    },
}

# --- gen: numpy's own header for the shapes the tests generate -----------------------------------------------
np.save(path("cli-zeros-20x3-f8.npy"), np.zeros((20, 3), dtype=np.float64))
np.save(path("cli-zeros-20x3-f4.npy"), np.zeros((20, 3), dtype=np.float32))

# --- convert: HDF5 datasets as h5py writes them, and numpy's view of each --------------------------------------
datasets = {
    "contiguous_f8": (pattern(12, 3), {}),
    "group/chunked_f4": (pattern(12, 3).astype(np.float32), {"chunks": (5, 3)}),
    "big_endian_i4": ((pattern(12, 2) * 4).astype(">i4"), {"chunks": (4, 2)}),
    "big_endian_f8": (pattern(9, 2).astype(">f8"), {}),
    "vector_u1": (np.arange(10, dtype=np.uint8) * 7, {}),
    "cube_i2": (np.arange(12 * 2 * 2, dtype=np.int16).reshape(12, 2, 2) - 20, {"chunks": (3, 2, 2)}),
    "half_f2": ((pattern(6, 2) / 1000).astype(np.float16), {}),
    "flags_bool": ((np.arange(10) % 3 == 0).reshape(5, 2), {}),
    "int64": (np.arange(-6, 6, dtype=np.int64).reshape(6, 2) * 123456789, {"chunks": (2, 2)}),
}
with h5py.File(path("cli-data.h5"), "w", libver="earliest") as h5:
    for name, (data, kwargs) in datasets.items():
        h5.create_dataset(name, data=data, **kwargs)
    h5.create_dataset("strings", data=np.array([b"a", b"bc"], dtype="S2"))
    h5.create_dataset("scalar", data=np.float64(1.5))
expected["convert"] = {}
for name, (data, _) in datasets.items():
    file_name = "cli-h5-" + name.replace("/", "-") + ".npy"
    native = data.astype(data.dtype.newbyteorder("<")) if data.dtype.byteorder == ">" else data
    np.save(path(file_name), native)
    expected["convert"][name] = {"expected": file_name, "dtype": native.dtype.name, "shape": list(data.shape)}

# --- convert raw: a big-endian int32 raw file with 4 columns ------------------------------------------------
raw = (pattern(7, 4) * 2).astype(">i4")
raw.tofile(path("cli-raw-be-i4x4.raw"))
np.save(path("cli-raw-expected.npy"), raw.astype("<i4"))

with open(path("cli-expected.json"), "w") as f:
    json.dump(expected, f, indent=2, sort_keys=True)
    f.write("\n")
print("fixtures written to", HERE)
