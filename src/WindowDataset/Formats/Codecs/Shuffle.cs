using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace WindowDataset.Formats.Codecs;

/// <summary>
/// Blosc's and HDF5's byte shuffle inverse: the input holds byte 0 of every element, then byte 1 of every element...;
/// the output holds the elements. Bytes past the last whole element are copied as they are (as c-blosc does).
/// </summary>
internal static class Shuffle
{
    /// <summary>Unshuffles <paramref name="source"/> into <paramref name="destination"/> (same length, not overlapping).</summary>
    public static void Unshuffle(int typeSize, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("destination: shorter than source.", nameof(destination));
        }

        int count = source.Length / typeSize;
        int done = 0;
        if (typeSize == 8)
        {
            done = Unshuffle8(source, destination, count);
        }
        else if (typeSize == 4)
        {
            done = Unshuffle4(source, destination, count);
        }

        if (typeSize > 1)
        {
            for (int i = done; i < count; i++)
            {
                for (int j = 0; j < typeSize; j++)
                {
                    destination[(i * typeSize) + j] = source[(j * count) + i];
                }
            }
        }

        int whole = count * typeSize;
        source[whole..].CopyTo(destination[whole..]);
        if (typeSize == 1)
        {
            source[..whole].CopyTo(destination);
        }
    }

    /// <summary>Reverses <see cref="Unshuffle"/> (used by tests to make shuffled inputs).</summary>
    public static void DoShuffle(int typeSize, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int count = source.Length / typeSize;
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < typeSize; j++)
            {
                destination[(j * count) + i] = source[(i * typeSize) + j];
            }
        }

        int whole = count * typeSize;
        source[whole..].CopyTo(destination[whole..]);
    }

    // 16 elements at a time: load 16 bytes of each of the 8 byte planes and transpose with three rounds of interleaving.
    private static int Unshuffle8(ReadOnlySpan<byte> source, Span<byte> destination, int count)
    {
        if (!Sse2.IsSupported && !AdvSimd.Arm64.IsSupported)
        {
            return 0;
        }

        ref byte src = ref MemoryMarshal.GetReference(source);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        for (; i + 16 <= count; i += 16)
        {
            Transpose8x16(ref Unsafe.Add(ref src, i), count, ref Unsafe.Add(ref dst, i * 8));
        }

        return i;
    }

    /// <summary>Whether <see cref="Transpose8x16"/> has a vector implementation here.</summary>
    internal static bool IsVectorized => Sse2.IsSupported || AdvSimd.Arm64.IsSupported;

    /// <summary>
    /// Reads 16 bytes from each of 8 rows <paramref name="stride"/> bytes apart and writes 16 groups of 8 bytes (byte k
    /// of group i is row k's byte i): an 8 x 16 byte transpose. Requires <see cref="IsVectorized"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x16(ref byte source, int stride, ref byte destination)
    {
        Vector128<byte> a0 = Load(ref source, 0);
        Vector128<byte> a1 = Load(ref source, stride);
        Vector128<byte> a2 = Load(ref source, 2 * stride);
        Vector128<byte> a3 = Load(ref source, 3 * stride);
        Vector128<byte> a4 = Load(ref source, 4 * stride);
        Vector128<byte> a5 = Load(ref source, 5 * stride);
        Vector128<byte> a6 = Load(ref source, 6 * stride);
        Vector128<byte> a7 = Load(ref source, 7 * stride);
        Vector128<ushort> b01L = Lo8(a0, a1), b01H = Hi8(a0, a1), b23L = Lo8(a2, a3), b23H = Hi8(a2, a3);
        Vector128<ushort> b45L = Lo8(a4, a5), b45H = Hi8(a4, a5), b67L = Lo8(a6, a7), b67H = Hi8(a6, a7);
        Vector128<uint> c0 = Lo16(b01L, b23L), c1 = Hi16(b01L, b23L), c2 = Lo16(b01H, b23H), c3 = Hi16(b01H, b23H);
        Vector128<uint> d0 = Lo16(b45L, b67L), d1 = Hi16(b45L, b67L), d2 = Lo16(b45H, b67H), d3 = Hi16(b45H, b67H);
        Store(Lo32(c0, d0), ref destination, 0);
        Store(Hi32(c0, d0), ref destination, 16);
        Store(Lo32(c1, d1), ref destination, 32);
        Store(Hi32(c1, d1), ref destination, 48);
        Store(Lo32(c2, d2), ref destination, 64);
        Store(Hi32(c2, d2), ref destination, 80);
        Store(Lo32(c3, d3), ref destination, 96);
        Store(Hi32(c3, d3), ref destination, 112);
    }

    private static int Unshuffle4(ReadOnlySpan<byte> source, Span<byte> destination, int count)
    {
        if (!Sse2.IsSupported && !AdvSimd.Arm64.IsSupported)
        {
            return 0;
        }

        ref byte src = ref MemoryMarshal.GetReference(source);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        for (; i + 16 <= count; i += 16)
        {
            Vector128<byte> a0 = Load(ref src, i);
            Vector128<byte> a1 = Load(ref src, count + i);
            Vector128<byte> a2 = Load(ref src, (2 * count) + i);
            Vector128<byte> a3 = Load(ref src, (3 * count) + i);
            Vector128<ushort> b01L = Lo8(a0, a1), b01H = Hi8(a0, a1), b23L = Lo8(a2, a3), b23H = Hi8(a2, a3);
            int o = i * 4;
            Store(Lo16(b01L, b23L).AsByte(), ref dst, o);
            Store(Hi16(b01L, b23L).AsByte(), ref dst, o + 16);
            Store(Lo16(b01H, b23H).AsByte(), ref dst, o + 32);
            Store(Hi16(b01H, b23H).AsByte(), ref dst, o + 48);
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Load(ref byte source, int offset) => Vector128.LoadUnsafe(ref source, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector128<uint> value, ref byte destination, int offset) => value.AsByte().StoreUnsafe(ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector128<byte> value, ref byte destination, int offset) => value.StoreUnsafe(ref destination, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ushort> Lo8(Vector128<byte> a, Vector128<byte> b) =>
        (Sse2.IsSupported ? Sse2.UnpackLow(a, b) : AdvSimd.Arm64.ZipLow(a, b)).AsUInt16();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ushort> Hi8(Vector128<byte> a, Vector128<byte> b) =>
        (Sse2.IsSupported ? Sse2.UnpackHigh(a, b) : AdvSimd.Arm64.ZipHigh(a, b)).AsUInt16();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Lo16(Vector128<ushort> a, Vector128<ushort> b) =>
        (Sse2.IsSupported ? Sse2.UnpackLow(a, b) : AdvSimd.Arm64.ZipLow(a, b)).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Hi16(Vector128<ushort> a, Vector128<ushort> b) =>
        (Sse2.IsSupported ? Sse2.UnpackHigh(a, b) : AdvSimd.Arm64.ZipHigh(a, b)).AsUInt32();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Lo32(Vector128<uint> a, Vector128<uint> b) =>
        Sse2.IsSupported ? Sse2.UnpackLow(a, b) : AdvSimd.Arm64.ZipLow(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Hi32(Vector128<uint> a, Vector128<uint> b) =>
        Sse2.IsSupported ? Sse2.UnpackHigh(a, b) : AdvSimd.Arm64.ZipHigh(a, b);
}
