using System.Runtime.InteropServices;

namespace WindowDataset.Cli.Benchmarks;

/// <summary>A 64-bit fingerprint of a window's bytes, to check the loader's windows against a baseline's without keeping them.</summary>
internal static class WindowHash
{
    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        ulong h = 0xCBF29CE484222325UL ^ (ulong)bytes.Length;
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(bytes);
        foreach (ulong w in words)
        {
            h = (h ^ w) * 0x100000001B3UL;
        }

        for (int i = words.Length * 8; i < bytes.Length; i++)
        {
            h = (h ^ bytes[i]) * 0x100000001B3UL;
        }

        return h;
    }
}
