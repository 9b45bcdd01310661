using Microsoft.Win32.SafeHandles;
using WindowDataset.Sources;

namespace WindowDataset.Formats.Hdf5;

/// <summary>
/// A managed, bounded reader of HDF5 files holding numeric datasets. <c>Open</c> finds the superblock (at 0,
/// 512, 1024, ... after a user block), walks the groups and lists the datasets; <see cref="Describe"/> parses one
/// dataset's header into an <see cref="ArrayDescription"/> (a contiguous byte offset, or a chunk grid). Every
/// size and address is checked against the file length before anything is allocated; loops and recursion are
/// bounded. Does not own the handle. Thread-safe after <c>Open</c>.
/// </summary>
internal sealed class Hdf5File
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly Hdf5Io _io;
    private readonly Dictionary<string, long> _datasets;
    private readonly Dictionary<string, string> _otherLinks;

    private Hdf5File(Hdf5Io io, Dictionary<string, long> datasets, Dictionary<string, string> otherLinks, int superblockVersion)
    {
        _io = io;
        _datasets = datasets;
        _otherLinks = otherLinks;
        SuperblockVersion = superblockVersion;
        var names = new List<string>(datasets.Keys);
        names.Sort(StringComparer.Ordinal);
        Datasets = names;
    }

    /// <summary>Every dataset reachable by hard links, as full paths (<c>/a</c>, <c>/grp/x</c>), in ordinal order.</summary>
    public IReadOnlyList<string> Datasets { get; }

    public int SuperblockVersion { get; }

    public string Path => _io.Path;

    /// <summary>Parses the superblock and walks the groups of an open file of <paramref name="length"/> bytes.</summary>
    public static Hdf5File Open(string path, SafeFileHandle handle, long length)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return Open(path, new LocalFileBytes(path, handle, length), length);
    }

    /// <summary>Parses the superblock and walks the groups of a local file or remote object of <paramref name="length"/> bytes.</summary>
    public static Hdf5File Open(string path, ByteSource handle, long length)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(handle);
        long super = FindSuperblock(path, handle, length);
        var probe = new Hdf5Io(path, handle, length, 0, 8, 8);
        byte[] head = probe.ReadAtMost(super, 256, "superblock");
        var c = new Hdf5Cursor(head, path, "superblock", 8, 8);
        c.Skip(8);
        int version = c.U8();
        int offsetSize, lengthSize;
        long root;
        long eof;
        if (version is 0 or 1)
        {
            c.Skip(4);
            offsetSize = c.U8();
            lengthSize = c.U8();
            CheckSizes(path, offsetSize, lengthSize);
            c.Skip(1 + 2 + 2 + 4 + (version == 1 ? 4 : 0));
            var s = new Hdf5Cursor(c.Data[c.Position..], path, "superblock", offsetSize, lengthSize);
            s.Offset(); // base address: the superblock's position is the base, as the library does when they differ
            s.Offset();
            eof = s.Offset();
            s.Offset();
            s.Offset(); // root symbol table entry: link name offset
            root = s.Offset();
        }
        else if (version is 2 or 3)
        {
            offsetSize = c.U8();
            lengthSize = c.U8();
            CheckSizes(path, offsetSize, lengthSize);
            c.Skip(1);
            int fieldsEnd = 12 + (4 * offsetSize);
            if (head.Length < fieldsEnd + 4)
            {
                throw Hdf5Error.Invalid(path, "superblock", $"{fieldsEnd + 4} bytes", $"{head.Length} before the end of the file (truncated)");
            }

            Hdf5Checksum.Verify(head.AsSpan(0, fieldsEnd + 4), path, "superblock");
            var s = new Hdf5Cursor(head.AsSpan(0, fieldsEnd), path, "superblock", offsetSize, lengthSize);
            s.Skip(12);
            s.Offset();
            s.Offset();
            eof = s.Offset();
            root = s.Offset();
        }
        else
        {
            throw Hdf5Error.NotSupported(path, $"superblock version {version}", "versions 0 to 3 are read");
        }

        // The stored end-of-file address counts the user block (H5F__super_read compares it with eof + base).
        if (eof >= 0 && eof > length)
        {
            throw Hdf5Error.Invalid(path, "end of file address", $"a file of at least {eof} bytes, as the superblock says", $"{length} bytes (truncated)");
        }

        var io = new Hdf5Io(path, handle, length, super, offsetSize, lengthSize);
        var walker = new Hdf5GroupWalker(io);
        walker.Walk(root);
        return new Hdf5File(io, walker.Datasets, walker.OtherLinks, version);
    }

    /// <summary>
    /// Describes dataset <paramref name="name"/> (a full path; the leading '/' is optional), or the only dataset when
    /// <paramref name="name"/> is null.
    /// </summary>
    public ArrayDescription Describe(string? name)
    {
        string chosen;
        if (name is null)
        {
            if (Datasets.Count != 1)
            {
                throw new ArgumentException($"{_io.Path}: source.dataset: expected one of {Listing()} (the file holds {Datasets.Count} datasets); found none.", nameof(name));
            }

            chosen = Datasets[0];
        }
        else
        {
            chosen = name.StartsWith('/') ? name : "/" + name;
            if (!_datasets.ContainsKey(chosen))
            {
                if (_otherLinks.TryGetValue(chosen, out string? kind))
                {
                    throw Hdf5Error.NotSupported($"{_io.Path}: {chosen}", kind, $"only hard links are followed; name the target dataset, one of {Listing()}");
                }

                throw new ArgumentException($"{_io.Path}: source.dataset: expected one of {Listing()} (the file holds {Datasets.Count} datasets); found '{name}'.", nameof(name));
            }
        }

        return Hdf5Dataset.Describe(_io.Fork(), chosen, _datasets[chosen]);
    }

    /// <summary>The object header address of a listed dataset (tests, diagnostics).</summary>
    internal long AddressOf(string dataset) => _datasets[dataset];

    /// <summary>The absolute file position of a relative address.</summary>
    internal long AbsoluteOf(long address) => _io.BaseAddress + address;

    private string Listing() => Datasets.Count == 0 ? "(no datasets)" : string.Join(", ", Datasets);

    private static void CheckSizes(string path, int offsetSize, int lengthSize)
    {
        if (offsetSize is not (2 or 4 or 8) || lengthSize is not (2 or 4 or 8))
        {
            throw Hdf5Error.Invalid(path, "superblock", "sizes of offsets and lengths of 2, 4 or 8 bytes", $"{offsetSize} and {lengthSize}");
        }
    }

    private static long FindSuperblock(string path, ByteSource handle, long length)
    {
        Span<byte> probe = stackalloc byte[8];
        for (long at = 0; at + 8 <= length; at = at == 0 ? 512 : at * 2)
        {
            if (handle.ReadAtMost(at, probe) == 8 && probe.SequenceEqual(Signature))
            {
                return at;
            }
        }

        throw Hdf5Error.Invalid(path, "signature", "the HDF5 signature \\x89HDF\\r\\n\\x1a\\n at byte 0, 512, 1024, ...", $"none in a file of {length} bytes (not an HDF5 file)");
    }
}
