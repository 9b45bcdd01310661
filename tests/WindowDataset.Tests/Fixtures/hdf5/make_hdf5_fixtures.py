#!/usr/bin/python3
"""Writes the HDF5 fixtures of this folder with h5py (Debian's /usr/bin/python3: h5py 3.7, HDF5 1.10.8).

For every readable dataset it also writes <file stem>__<dataset path with / as _>.npy: numpy.save of what h5py
reads back (dset[()]), which the tests compare bit for bit. Run from anywhere: files land next to this script.
"""
import os

import h5py
import numpy as np
from h5py import h5d, h5p, h5s, h5t

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(10)


def path(name):
    return os.path.join(HERE, name)


def values(shape, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == 'f':
        return rng.standard_normal(shape).astype(dtype)
    if dtype.kind == 'b':
        return rng.integers(0, 2, shape).astype(bool)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, shape, dtype=dtype.newbyteorder('=')).astype(dtype)


def expect(fname):
    stem = os.path.splitext(fname)[0]
    with h5py.File(path(fname), 'r') as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.attrs.get('refused') is None:
                np.save(path(f"{stem}__{name.replace('/', '_')}.npy"), obj[()])
        f.visititems(visit)


def compact(f, name, data):
    dcpl = h5p.create(h5p.DATASET_CREATE)
    dcpl.set_layout(h5d.COMPACT)
    space = h5s.create_simple(data.shape)
    dset = h5d.create(f.id, name.encode(), h5t.py_create(data.dtype), space, dcpl=dcpl)
    dset.write(h5s.ALL, h5s.ALL, data)


def nbit(f, name, data):
    dcpl = h5p.create(h5p.DATASET_CREATE)
    dcpl.set_chunk((16, data.shape[1]))
    dcpl.set_filter(5)  # H5Z_FILTER_NBIT (h5py 3.7 has no set_nbit)
    space = h5s.create_simple(data.shape)
    h5d.create(f.id, name.encode(), h5t.py_create(data.dtype), space, dcpl=dcpl).write(h5s.ALL, h5s.ALL, data)


# Contiguous, one dataset each (h5py's default layout and libver).
with h5py.File(path('contig_f8.h5'), 'w') as f:
    f['data'] = values((300, 5), 'f8')
with h5py.File(path('contig_f4.h5'), 'w') as f:
    f.create_dataset('data', shape=(200, 4))[...] = values((200, 4), 'f4')  # h5py's default dtype is f4
with h5py.File(path('userblock.h5'), 'w', userblock_size=1024) as f:
    f['data'] = values((50, 3), 'f8')

# Old-style root group with several datasets of every supported type.
with h5py.File(path('types.h5'), 'w') as f:
    f['be_i4'] = values((120, 3), '>i4')
    f['be_f8'] = values((100, 2), '>f8')
    f['bool'] = values((90, 4), 'bool')
    f['f2'] = values((80, 3), 'f2')
    f['u1_3d'] = values((40, 3, 4), 'u1')
    f['i8'] = values((70, 2), 'i8')
    f['i2'] = values((60, 2), '<i2')
    f['u2_be'] = values((60, 2), '>u2')
    f['u4'] = values((60, 2), 'u4')
    f['u8'] = values((60, 2), 'u8')
    f['i1'] = values((60, 2), 'i1')
    f['f4_be'] = values((60, 2), '>f4')
    f['vector'] = values((33,), 'f8')
    f.create_dataset('never', shape=(30, 2), dtype='i4', fillvalue=7)  # contiguous, never written
    compact(f, 'compact', values((25, 3), 'i2'))
    for i in range(12):  # attributes added after creation: the header continues in another block
        f['i8'].attrs[f'a{i}'] = np.arange(100)

# Chunked, v1 B-tree (h5py's default), one file per mutation target and one with many.
with h5py.File(path('gzip_shuffle.h5'), 'w') as f:
    f.create_dataset('data', data=values((300, 6), 'f8'), chunks=(64, 6), compression='gzip', compression_opts=1, shuffle=True)
with h5py.File(path('chunked.h5'), 'w') as f:
    f.create_dataset('gzip', data=values((150, 4), 'f4'), chunks=(50, 4), compression='gzip', compression_opts=4)
    f.create_dataset('shuffle_fletcher', data=values((130, 3), 'i4'), chunks=(32, 3), shuffle=True, fletcher32=True)
    f.create_dataset('lzf', data=values((200, 5), 'f8'), chunks=(40, 5), compression='lzf')
    f.create_dataset('lzf_zeros', data=np.zeros((200, 5), 'f8'), chunks=(40, 5), compression='lzf')
    f.create_dataset('both_axes', data=values((20, 7), 'f8'), chunks=(8, 3))
    f.create_dataset('both_axes_gzip_be', data=values((21, 9, 2), '>i2'), chunks=(4, 4, 1), compression='gzip')
    d = f.create_dataset('fill', shape=(200, 3), dtype='f8', chunks=(32, 3), fillvalue=-1.5, compression='gzip')
    d[40:70] = values((30, 3), 'f8')
    d[190:] = values((10, 3), 'f8')
    d = f.create_dataset('fill_be', shape=(100, 2), dtype='>i4', chunks=(16, 2), fillvalue=-3)
    d[20:30] = values((10, 2), '>i4')
    f.create_dataset('many', data=values((2000, 2), 'i2'), chunks=(4, 2))  # a v1 B-tree of several levels

# libver='latest': superblock 3, object header 2, layout 4 and its chunk indexes.
with h5py.File(path('latest.h5'), 'w', libver='latest') as f:
    f.create_dataset('contig', data=values((40, 3), 'f8'))
    f.create_dataset('single', data=values((30, 4), 'f8'), chunks=(30, 4))
    f.create_dataset('single_gzip', data=values((30, 4), 'f4'), chunks=(30, 4), compression='gzip', shuffle=True)
    dcpl = h5p.create(h5p.DATASET_CREATE)
    dcpl.set_chunk((10, 3))
    dcpl.set_alloc_time(h5d.ALLOC_TIME_EARLY)
    implicit = values((55, 6), 'i4')
    h5d.create(f.id, b'implicit', h5t.py_create(implicit.dtype), h5s.create_simple(implicit.shape), dcpl=dcpl).write(h5s.ALL, h5s.ALL, implicit)
    f.create_dataset('fixed', data=values((100, 4), 'f8'), chunks=(16, 4))
    f.create_dataset('fixed_gzip', data=values((100, 4), 'f8'), chunks=(16, 4), compression='gzip', shuffle=True)
    f.create_dataset('fixed_paged', data=values((1100, 2), 'i1'), chunks=(1, 2))
    f.create_dataset('extensible', data=values((600, 3), 'i2'), chunks=(2, 3), maxshape=(None, 3))
    f.create_dataset('extensible_gzip', data=values((300, 3), 'f8'), chunks=(8, 3), maxshape=(None, 3), compression='gzip')
    f.create_dataset('extensible_axis1', data=values((9, 50), 'i2'), chunks=(3, 2), maxshape=(9, None))
    d = f.create_dataset('extensible_fill', shape=(400, 2), dtype='f4', chunks=(4, 2), maxshape=(None, 2), fillvalue=2.5)
    d[100:108] = 1
    d[300:360] = 2
    f.create_dataset('btree2', data=values((400, 4), 'i1'), chunks=(2, 4), maxshape=(None, None))
    f.create_dataset('btree2_gzip', data=values((300, 6), 'f8'), chunks=(4, 3), maxshape=(None, None), compression='gzip', shuffle=True, fletcher32=True)
    compact(f, 'compact', values((10, 2), 'f8'))
    for i in range(6):  # below the dense-attribute threshold: continuation blocks (OCHK)
        f['contig'].attrs[f'a{i}'] = np.arange(200)

# libver='v108' (HDF5 1.8 format): superblock 2, object header 2, layout 3.
with h5py.File(path('v108.h5'), 'w', libver=('v108', 'v108')) as f:
    f.create_group('g')['chunked'] = values((70, 3), 'u2')
    f.create_dataset('g/gzip', data=values((90, 2), 'f4'), chunks=(20, 2), compression='gzip', maxshape=(None, 2))

# Groups.
with h5py.File(path('nested.h5'), 'w') as f:
    f.create_group('grp').create_group('sub')['x'] = values((20, 2), 'f8')
    f['grp/sub/up'] = f['grp']  # a hard-link cycle in the group graph
with h5py.File(path('dense.h5'), 'w', libver='latest') as f:
    g = f.create_group('grp')
    for i in range(12):
        g[f'd{i:02}'] = np.full((3, 2), i, 'i4')
    f['top'] = values((5, 2), 'f4')
    f.create_group('small')['y'] = values((4, 2), 'u1')
    f['grp/link_soft'] = h5py.SoftLink('/top')
with h5py.File(path('links.h5'), 'w') as f:
    f['data'] = values((10, 2), 'f8')
    f['soft'] = h5py.SoftLink('/data')
    f['external'] = h5py.ExternalLink('other.h5', '/data')
    f['hard'] = f['data']  # a second hard link to the same dataset

# Refusals: each dataset carries attrs['refused'] = the feature the message must name.
with h5py.File(path('refuse.h5'), 'w') as f:
    def mark(d, what):
        d.attrs['refused'] = what
    mark(f.create_dataset('scaleoffset', data=values((64, 2), 'i4'), chunks=(16, 2), scaleoffset=0), 'scale-offset')
    nbit(f, 'nbit', values((64, 2), 'i4'))
    mark(f['nbit'], 'n-bit')
    mark(f.create_dataset('szip', data=values((64, 2), 'i4'), chunks=(16, 2), compression='szip'), 'szip')
    with open(path('refuse_external.bin'), 'wb') as raw:
        raw.write(values((10, 2), 'f8').tobytes())
    mark(f.create_dataset('external', shape=(10, 2), dtype='f8', external=[('refuse_external.bin', 0, h5py.h5f.UNLIMITED)]), 'external')
    mark(f.create_dataset('compound', data=np.zeros(5, dtype=[('a', 'f8'), ('b', 'i4')])), 'compound')
    mark(f.create_dataset('string', data=np.array([b'abc', b'de'], dtype='S3')), 'string')
    mark(f.create_dataset('vlen', data=np.array(['x', 'yz'], dtype=object), dtype=h5py.string_dtype()), 'string')
    vl = f.create_dataset('vlen_int', shape=(3,), dtype=h5py.vlen_dtype('i4'))
    vl[0] = [1, 2]
    mark(vl, 'variable-length')
    mark(f.create_dataset('scalar', data=3.0), 'scalar')
    mark(f.create_dataset('array_type', shape=(4,), dtype=np.dtype(('f8', (3,)))), 'array')
with h5py.File(path('virtual.h5'), 'w', libver='latest') as f:
    f['src'] = values((10, 2), 'f8')
    layout = h5py.VirtualLayout(shape=(10, 2), dtype='f8')
    layout[:] = h5py.VirtualSource(f['src'])
    f.create_virtual_dataset('virtual', layout).attrs['refused'] = 'virtual'

# A dense group whose link heap outgrows its root direct block (indirect blocks): 1500 soft links with long names
# around two hard links.
with h5py.File(path('dense_big.h5'), 'w', libver='latest') as f:
    g = f.create_group('many')
    g['target'] = values((6, 2), 'f8')
    for i in range(1500):
        g[f'soft_link_with_a_rather_long_name_to_fill_the_fractal_heap_{i:05}'] = h5py.SoftLink('/many/target')
    g['zz_hard'] = g['target']

for name in sorted(os.listdir(HERE)):
    if name.endswith('.npy'):
        os.remove(path(name))
for name in sorted(os.listdir(HERE)):
    if name.endswith('.h5'):
        expect(name)
