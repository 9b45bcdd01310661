using System.Buffers.Binary;
using System.Text;

namespace WindowDataset.TorchSharp.Tests.Infrastructure;

/// <summary>Reads the flags of a version reference (a Vernaux entry of .gnu.version_r) of a 64-bit little-endian ELF file.</summary>
public static class ElfVersionReader
{
    /// <summary>The vna_flags of the entry naming <paramref name="version"/>; null when the file names no such version.</summary>
    public static ushort? GetVersionFlags(string path, string version)
    {
        byte[] elf = File.ReadAllBytes(path);
        ReadOnlySpan<byte> b = elf;
        long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(b[0x28..]);
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(b[0x3A..]);
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(b[0x3C..]);
        for (int i = 0; i < shnum; i++)
        {
            ReadOnlySpan<byte> h = b.Slice((int)(shoff + (i * shentsize)), 64);
            if (BinaryPrimitives.ReadUInt32LittleEndian(h[4..]) != 0x6ffffffe)
            {
                continue;
            }

            int offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(h[24..]);
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(h[40..]);
            int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(h[44..]);
            int strings = (int)BinaryPrimitives.ReadUInt64LittleEndian(b.Slice((int)(shoff + (link * shentsize)) + 24, 8));
            int need = offset;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(b[(need + 2)..]);
                int aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(b[(need + 8)..]);
                for (int a = 0; a < auxCount; a++)
                {
                    int name = strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(b[(aux + 8)..]);
                    int end = b[name..].IndexOf((byte)0);
                    if (Encoding.ASCII.GetString(b.Slice(name, end)) == version)
                    {
                        return BinaryPrimitives.ReadUInt16LittleEndian(b[(aux + 4)..]);
                    }

                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(b[(aux + 12)..]);
                }

                need += (int)BinaryPrimitives.ReadUInt32LittleEndian(b[(need + 12)..]);
            }
        }

        return null;
    }

    /// <summary>True when the system libstdc++ provides <paramref name="version"/>.</summary>
    public static bool SystemLibStdCxxProvides(string version)
    {
        string[] candidates = ["/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6"];
        byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (string c in candidates)
        {
            if (File.Exists(c))
            {
                return File.ReadAllBytes(c).AsSpan().IndexOf(needle) >= 0;
            }
        }

        return false;
    }
}
