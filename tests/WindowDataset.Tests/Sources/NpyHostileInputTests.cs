using System.Buffers.Binary;
using System.Text;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Sources;

/// <summary>Malformed .npy files give an <see cref="InvalidDataException"/> naming the file and the problem: never a crash, hang or huge allocation.</summary>
public sealed class NpyHostileInputTests : IDisposable
{
    private const string ValidHeader = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Builds a .npy: magic, version, little-endian header length, header text and <paramref name="dataBytes"/> bytes of data.</summary>
    internal static byte[] Npy(string header, int major = 1, int dataBytes = 48, int minor = 0)
    {
        byte[] text = major == 3 ? Encoding.UTF8.GetBytes(header) : Encoding.Latin1.GetBytes(header);
        int prefix = major == 1 ? 10 : 12;
        byte[] file = new byte[prefix + text.Length + dataBytes];
        Encoding.Latin1.GetBytes("\u0093NUMPY").CopyTo(file, 0);
        file[6] = (byte)major;
        file[7] = (byte)minor;
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)text.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), (uint)text.Length);
        }

        text.CopyTo(file, prefix);
        for (int i = prefix + text.Length; i < file.Length; i++)
        {
            file[i] = (byte)i;
        }

        return file;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Read_ValidHandMadeHeader_Accepted(int major)
    {
        string path = Write("ok.npy", Npy(ValidHeader, major));
        ArrayInfo info = ArrayInfo.Read(path);
        Assert.Equal(3, info.Rows);
        Assert.Equal([2], info.RowShape);
        Assert.Equal($"npy {major}.0", info.Shards[0].Format);
    }

    [Theory]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), ", "the end of the header")]
    [InlineData("not a dict", "Python dict literal")]
    [InlineData("", "Python dict literal")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), } trailing", "the end of the header after the dictionary")]
    [InlineData("{'descr': '<f8' 'fortran_order': False, 'shape': (3, 2)}", "',' or '}'")]
    [InlineData("{'descr': '<f8, 'fortran_order': False, 'shape': (3, 2)}", "header")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2", "header")]
    [InlineData("{'descr': '<f\\x38', 'fortran_order': False, 'shape': (3, 2)}", "without escapes")]
    [InlineData("{'descr': '<f8', 'fortran_order': Falsy, 'shape': (3, 2)}", "Python literal")]
    [InlineData("{descr: '<f8', 'fortran_order': False, 'shape': (3, 2)}", "a string key")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': ((((((((((((((((((3,),),),),),),),),),),),),),),),),),),)}", "nesting")]
    [InlineData("{'descr': '<f8', 'fortran_order': False}", "the key 'shape'")]
    [InlineData("{'descr': '<f8', 'shape': (3, 2)}", "the key 'fortran_order'")]
    [InlineData("{'fortran_order': False, 'shape': (3, 2)}", "the key 'descr'")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'extra': 1}", "extra key 'extra'")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), 'descr': '<f8'}", "'descr' twice")]
    [InlineData("{'descr': '<c8', 'fortran_order': False, 'shape': (3, 2)}", "'<c8'")]
    [InlineData("{'descr': 'f8', 'fortran_order': False, 'shape': (3, 2)}", "'f8'")]
    [InlineData("{'descr': 'float64', 'fortran_order': False, 'shape': (3, 2)}", "'float64'")]
    [InlineData("{'descr': '|f8', 'fortran_order': False, 'shape': (3, 2)}", "'|f8'")]
    [InlineData("{'descr': '<U8', 'fortran_order': False, 'shape': (3, 2)}", "'<U8'")]
    [InlineData("{'descr': '|O', 'fortran_order': False, 'shape': (3, 2)}", "object arrays")]
    [InlineData("{'descr': '|O8', 'fortran_order': False, 'shape': (3, 2)}", "object arrays")]
    [InlineData("{'descr': [('a', '<f8'), ('b', '<f8')], 'fortran_order': False, 'shape': (3,)}", "structured")]
    [InlineData("{'descr': ('<f8', (2,)), 'fortran_order': False, 'shape': (3,)}", "sub-array")]
    [InlineData("{'descr': None, 'fortran_order': False, 'shape': (3, 2)}", "None")]
    [InlineData("{'descr': 8, 'fortran_order': False, 'shape': (3, 2)}", "8")]
    [InlineData("{'descr': '<f8', 'fortran_order': 'no', 'shape': (3, 2)}", "True or False")]
    [InlineData("{'descr': '<f8', 'fortran_order': 0, 'shape': (3, 2)}", "True or False")]
    [InlineData("{'descr': '<f8', 'fortran_order': True, 'shape': (3, 2)}", "np.ascontiguousarray")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': [3, 2]}", "a tuple of integers")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': 6}", "a tuple of integers")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (3, '2')}", "position 1")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (3, True)}", "position 1")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': ()}", "at least one dimension")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (3, -2)}", "dimensions > 0")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (-3, 2)}", "dimensions > 0")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (0, 2)}", "dimensions > 0")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 0)}", "dimensions > 0")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (-)}", "fits in 64 bits")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 2)}", "fits in 64 bits")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807, 2)}", "truncated file")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 9223372036854775807)}", "row dimensions up to")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4294967296)}", "row dimensions up to")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2147483647, 2147483647, 2147483647)}", "at most 268435456 bytes")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4611686018427387904)}", "row dimensions up to")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 2)}", "truncated file")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 1)}", "24 trailing bytes")]
    [InlineData("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", "32 trailing bytes")]
    public void Read_BrokenHeader_InvalidDataExceptionNamingFileAndProblem(string header, string problem)
    {
        string path = Write("bad.npy", Npy(header));
        AssertInvalid(path, problem);
    }

    [Fact]
    public void Read_LongHeaderInPythonLiteralSubset_Accepted()
    {
        // numpy pads with spaces and ends with '\n'; old numpy wrote 'L' suffixes and no trailing comma.
        string header = "{\"descr\": \"<f8\", \"fortran_order\": False,\n 'shape': (3L, 2L)}" + new string(' ', 5000) + "\n";
        ArrayInfo info = ArrayInfo.Read(Write("padded.npy", Npy(header)));
        Assert.Equal(3, info.Rows);
    }

    [Fact]
    public void Read_BadMagic_InvalidDataException()
    {
        byte[] file = Npy(ValidHeader);
        file[1] = (byte)'X';
        AssertInvalid(Write("magic.npy", file), "magic");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(255)]
    public void Read_UnknownVersion_InvalidDataException(int major)
    {
        byte[] file = Npy(ValidHeader);
        file[6] = (byte)major;
        AssertInvalid(Write("version.npy", file), $"version 1.0, 2.0 or 3.0; found {major}.0");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(9)]
    [InlineData(11)]
    public void Read_FileShorterThanThePrefix_InvalidDataException(int length)
    {
        byte[] file = Npy(ValidHeader, major: length == 11 ? 2 : 1)[..length];
        AssertInvalid(Write("short.npy", file), $"a file of {length} bytes");
    }

    [Theory]
    [InlineData(1, 60_000)]
    [InlineData(1, 65_535)]
    [InlineData(2, 1_000)]
    [InlineData(3, 65_536)]
    public void Read_HeaderLengthPastEndOfFile_InvalidDataException(int major, int length)
    {
        byte[] file = Npy(ValidHeader, major);
        if (major == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), (uint)length);
        }

        AssertInvalid(Write("long.npy", file), "header that ends within the file");
    }

    [Theory]
    [InlineData(uint.MaxValue)]
    [InlineData(1u << 30)]
    [InlineData(65_537u)]
    public void Read_HugeHeaderLength_RefusedWithoutAllocatingIt(uint length)
    {
        // A sparse file larger than the declared header: only the 64 KiB cap stops the parser from allocating it.
        string path = _dir.File("huge.npy");
        using (FileStream f = File.Create(path))
        {
            byte[] prefix = Npy(ValidHeader, major: 2, dataBytes: 0)[..12];
            BinaryPrimitives.WriteUInt32LittleEndian(prefix.AsSpan(8), length);
            f.Write(prefix);
            f.SetLength(Math.Max(length + 100L, 1L << 20));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        AssertInvalid(path, "at most 65536 bytes");
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 256 * 1024);
    }

    [Fact]
    public void Read_Version3HeaderNotUtf8_InvalidDataException()
    {
        byte[] file = Npy(ValidHeader, major: 3);
        file[12 + 3] = 0xFF;
        AssertInvalid(Write("utf8.npy", file), "UTF-8");
    }

    [Fact]
    public void Read_Version3Utf8FieldName_DecodedThenRefusedAsStructured()
    {
        // numpy writes 3.0 for non-Latin-1 field names: the header decodes, the structured dtype is refused by name.
        string path = Write("utf8.npy", Npy("{'descr': [('é€', '<f8')], 'fortran_order': False, 'shape': (6,), }", major: 3));
        AssertInvalid(path, "structured");
    }

    [Fact]
    public void Read_EmptyFile_InvalidDataException() => AssertInvalid(Write("empty.npy", []), "a file of 0 bytes");

    [Fact]
    public void Read_DirectoryGivenAsFile_IOExceptionNamingIt()
    {
        string path = _dir.File("folder.npy");
        Directory.CreateDirectory(path);
        var ex = Assert.Throws<IOException>(() => ArrayInfo.Read(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_FileNotFoundExceptionNamingIt()
    {
        string path = _dir.File("missing.npy");
        var ex = Assert.Throws<FileNotFoundException>(() => ArrayInfo.Read(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Equal(path, ex.FileName);
    }

    [UnreadableFilesFact]
    public void Read_FileWithoutReadPermission_UnauthorizedAccessExceptionNamingIt()
    {
        string path = Write("secret.npy", Npy(ValidHeader));
        if (OperatingSystem.IsWindows())
        {
            return; // skipped by the attribute
        }

        File.SetUnixFileMode(path, UnixFileMode.None);
        var ex = Assert.Throws<UnauthorizedAccessException>(() => ArrayInfo.Read(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("cannot open for reading", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedNumpyFile_InvalidDataExceptionAtEveryLength()
    {
        byte[] full = File.ReadAllBytes(NumpyFixtures.Full("npy/v2.npy"));
        for (int length = 0; length < full.Length; length += length < 200 ? 1 : 37)
        {
            string path = Write("cut.npy", full[..length]);
            var ex = Assert.Throws<InvalidDataException>(() => ArrayInfo.Read(path));
            Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_TrailingBytesAfterNumpyData_InvalidDataException()
    {
        byte[] full = File.ReadAllBytes(NumpyFixtures.Full("npy/v1.npy"));
        AssertInvalid(Write("tail.npy", [.. full, 0]), "1 trailing bytes");
    }

    /// <summary>
    /// 2,000 random mutations of real numpy headers (bytes flipped or overwritten, lengths changed, cuts,
    /// insertions): each either opens consistently or throws <see cref="InvalidDataException"/> naming the file,
    /// and never allocates much more than the file.
    /// </summary>
    [Fact]
    public void Read_RandomHeaderMutations_OnlyInvalidDataExceptionAndBoundedAllocation()
    {
        var random = new Random(12345);
        byte[][] originals = [.. new[] { "npy/v1.npy", "npy/v2.npy", "npy/v3.npy", "npy/d3_f4.npy", "npy/i2_be.npy" }.Select(p => File.ReadAllBytes(NumpyFixtures.Full(p)))];
        string path = _dir.File("fuzz.npy");
        int accepted = 0, refused = 0;
        for (int i = 0; i < 2000; i++)
        {
            byte[] original = originals[i % originals.Length];
            int headerEnd = original[6] == 1 ? 10 + BinaryPrimitives.ReadUInt16LittleEndian(original.AsSpan(8)) : 12 + (int)BinaryPrimitives.ReadUInt32LittleEndian(original.AsSpan(8));
            byte[] mutated = Mutate(random, original, headerEnd);
            File.WriteAllBytes(path, mutated);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                ArrayInfo info = ArrayInfo.Read(path);
                accepted++;
                ShardInfo shard = info.Shards[0];
                Assert.Equal(mutated.Length, shard.FileLength);
                Assert.Equal(shard.FileLength, shard.DataOffset + (info.Rows * info.RowBytes));
            }
            catch (InvalidDataException ex)
            {
                refused++;
                Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < (4L * mutated.Length) + (64 * 1024), $"mutation {i}: {allocated} bytes allocated for a {mutated.Length}-byte file");
        }

        Assert.True(refused > 1000, $"only {refused} of 2000 mutations refused");
        Assert.True(accepted > 0, "no benign mutation accepted");
    }

    private static byte[] Mutate(Random random, byte[] original, int headerEnd)
    {
        byte[] m = (byte[])original.Clone();
        int prefix = m[6] == 1 ? 10 : 12;
        switch (random.Next(9))
        {
            case 0: // flip a bit in the prefix or header
                m[random.Next(headerEnd)] ^= (byte)(1 << random.Next(8));
                return m;
            case 1: // overwrite a header byte with a character that matters to the parser
                const string special = "{}()[],:'\" -0123456789LTrueFalseNone\n\0\\<>|";
                m[random.Next(prefix, headerEnd)] = (byte)special[random.Next(special.Length)];
                return m;
            case 2: // random header length, small or huge
                if (prefix == 10)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(8), (ushort)random.Next(65536));
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(8), random.Next(2) == 0 ? (uint)random.Next(70_000) : (uint)random.NextInt64(uint.MaxValue));
                }

                return m;
            case 3: // cut anywhere
                return m[..random.Next(m.Length)];
            case 4: // insert a byte in the header (the header length no longer matches)
                int at = random.Next(prefix, headerEnd);
                return [.. m[..at], (byte)random.Next(256), .. m[at..]];
            case 5: // delete a header byte
                int del = random.Next(prefix, headerEnd);
                return [.. m[..del], .. m[(del + 1)..]];
            case 6: // change a digit of the shape
                string text = Encoding.Latin1.GetString(m, prefix, headerEnd - prefix);
                int shapeAt = text.IndexOf("'shape'", StringComparison.Ordinal);
                int digit = text.IndexOfAny("0123456789".ToCharArray(), shapeAt);
                m[prefix + digit] = (byte)('0' + random.Next(10));
                return m;
            case 7: // append data or padding (trailing bytes)
                return [.. m, .. new byte[random.Next(1, 64)]];
            default: // a benign change: one padding space becomes a tab (still a valid header)
                int space = Array.LastIndexOf(m, (byte)' ', headerEnd - 1);
                if (space > prefix)
                {
                    m[space] = (byte)'\t';
                }

                return m;
        }
    }

    private static void AssertInvalid(string path, string problem)
    {
        var ex = Assert.Throws<InvalidDataException>(() => ArrayInfo.Read(path));
        Assert.StartsWith(path + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    private string Write(string name, byte[] bytes)
    {
        string path = _dir.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
