using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace WindowDataset.Formats.Codecs;

/// <summary>
/// The inverse of bitshuffle's <c>bshuf_trans_bit_elem</c> as c-blosc 1.21 uses it (<c>bshuf_untrans_bit_elem_scal</c>):
/// the input holds bit 0 of every element, then bit 1..., in rows of 8 elements. Blosc applies it only to blocks whose
/// element count is a multiple of 8 (others are stored as they are); trailing bytes past the last element are copied.
/// </summary>
internal static class BitShuffle
{
    /// <summary>Undoes blosc's bit shuffle of one block: <paramref name="scratch"/> needs <c>source.Length</c> bytes.</summary>
    public static void Unshuffle(int typeSize, ReadOnlySpan<byte> source, Span<byte> destination, Span<byte> scratch)
    {
        int count = source.Length / typeSize;
        if (count % 8 != 0)
        {
            source.CopyTo(destination);
            return;
        }

        // Bit rows -> byte planes (plane j holds byte j of every element), then the byte unshuffle. Equivalent to
        // bshuf_trans_byte_bitrow + bshuf_shuffle_bit_eightelem, with contiguous writes.
        int whole = count * typeSize;
        Span<byte> planes = typeSize == 1 ? destination : scratch[..whole];
        BitRowsToBytePlanes(source[..whole], planes, count, typeSize);
        if (typeSize > 1)
        {
            Shuffle.Unshuffle(typeSize, planes, destination);
        }

        source[whole..].CopyTo(destination[whole..]);
    }

    /// <summary>The scalar form of <see cref="Unshuffle"/>, the c-blosc code as written (for tests of the vector path).</summary>
    internal static void UnshuffleScalar(int typeSize, ReadOnlySpan<byte> source, Span<byte> destination, Span<byte> scratch)
    {
        int count = source.Length / typeSize;
        if (count % 8 != 0)
        {
            source.CopyTo(destination);
            return;
        }

        int whole = count * typeSize;
        TransposeByteBitRow(source, scratch, count, typeSize);
        ShuffleBitEightElem(scratch, destination, count, typeSize);
        source[whole..].CopyTo(destination[whole..]);
    }

    private static void BitRowsToBytePlanes(ReadOnlySpan<byte> source, Span<byte> planes, int count, int typeSize)
    {
        int rowBytes = count / 8;
        ref byte src = ref MemoryMarshal.GetReference(source);
        ref byte dst = ref MemoryMarshal.GetReference(planes);
        for (int j = 0; j < typeSize; j++)
        {
            // Byte k of group g's quadword is bit row k (bits of elements 8g..8g+7 for byte j); transposing its 8x8
            // bits gives the 8 elements' byte j.
            ref byte rows = ref Unsafe.Add(ref src, j * 8 * rowBytes);
            ref byte plane = ref Unsafe.Add(ref dst, j * count);
            int g = 0;
            if (Shuffle.IsVectorized)
            {
                for (; g + 16 <= rowBytes; g += 16)
                {
                    ref byte target = ref Unsafe.Add(ref plane, g * 8);
                    Shuffle.Transpose8x16(ref Unsafe.Add(ref rows, g), rowBytes, ref target);
                    for (int v = 0; v < 128; v += 16)
                    {
                        Vector128<ulong> x = Vector128.LoadUnsafe(ref Unsafe.Add(ref target, v)).AsUInt64();
                        TransposeBits8x8(x).AsByte().StoreUnsafe(ref Unsafe.Add(ref target, v));
                    }
                }
            }

            for (; g < rowBytes; g++)
            {
                ulong x = 0;
                for (int k = 0; k < 8; k++)
                {
                    x |= (ulong)Unsafe.Add(ref rows, (k * rowBytes) + g) << (8 * k);
                }

                Unsafe.WriteUnaligned(ref Unsafe.Add(ref plane, g * 8), BitConverter.IsLittleEndian ? TransposeBits8x8(x) : BinaryPrimitives.ReverseEndianness(TransposeBits8x8(x)));
            }
        }
    }

    private static Vector128<ulong> TransposeBits8x8(Vector128<ulong> x)
    {
        Vector128<ulong> t = (x ^ Vector128.ShiftRightLogical(x, 7)) & Vector128.Create(0x00AA00AA00AA00AAUL);
        x = x ^ t ^ Vector128.ShiftLeft(t, 7);
        t = (x ^ Vector128.ShiftRightLogical(x, 14)) & Vector128.Create(0x0000CCCC0000CCCCUL);
        x = x ^ t ^ Vector128.ShiftLeft(t, 14);
        t = (x ^ Vector128.ShiftRightLogical(x, 28)) & Vector128.Create(0x00000000F0F0F0F0UL);
        return x ^ t ^ Vector128.ShiftLeft(t, 28);
    }

    /// <summary>The forward transform (<c>bshuf_trans_bit_elem_scal</c>), for tests.</summary>
    public static void DoShuffle(int typeSize, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int count = source.Length / typeSize;
        if (count % 8 != 0)
        {
            source.CopyTo(destination);
            return;
        }

        int nbyte = count * typeSize;
        byte[] byteTransposed = new byte[nbyte];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < typeSize; j++)
            {
                byteTransposed[(j * count) + i] = source[(i * typeSize) + j];
            }
        }

        byte[] bitRows = new byte[nbyte];
        int rowBytes = nbyte / 8;
        for (int ii = 0; ii < rowBytes; ii++)
        {
            ulong x = TransposeBits8x8(BinaryPrimitives.ReadUInt64LittleEndian(byteTransposed.AsSpan(ii * 8)));
            for (int kk = 0; kk < 8; kk++)
            {
                bitRows[(kk * rowBytes) + ii] = (byte)x;
                x >>= 8;
            }
        }

        // bshuf_trans_bitrow_eight: an (8 x typeSize) transpose of rows of count/8 bytes.
        int rowLength = count / 8;
        for (int ii = 0; ii < 8; ii++)
        {
            for (int jj = 0; jj < typeSize; jj++)
            {
                bitRows.AsSpan(((ii * typeSize) + jj) * rowLength, rowLength).CopyTo(destination[(((jj * 8) + ii) * rowLength)..]);
            }
        }

        source[nbyte..].CopyTo(destination[nbyte..]);
    }

    // bshuf_trans_byte_bitrow_scal.
    private static void TransposeByteBitRow(ReadOnlySpan<byte> input, Span<byte> output, int count, int typeSize)
    {
        int rowBytes = count / 8;
        for (int jj = 0; jj < typeSize; jj++)
        {
            for (int kk = 0; kk < 8; kk++)
            {
                ReadOnlySpan<byte> row = input.Slice(((jj * 8) + kk) * rowBytes, rowBytes);
                int o = (jj * 8) + kk;
                for (int ii = 0; ii < rowBytes; ii++)
                {
                    output[(ii * 8 * typeSize) + o] = row[ii];
                }
            }
        }
    }

    // bshuf_shuffle_bit_eightelem_scal.
    private static void ShuffleBitEightElem(ReadOnlySpan<byte> input, Span<byte> output, int count, int typeSize)
    {
        int nbyte = typeSize * count;
        int stride = 8 * typeSize;
        for (int jj = 0; jj < stride; jj += 8)
        {
            for (int ii = 0; ii + stride - 1 < nbyte; ii += stride)
            {
                ulong x = TransposeBits8x8(BinaryPrimitives.ReadUInt64LittleEndian(input[(ii + jj)..]));
                int o = ii + (jj / 8);
                for (int kk = 0; kk < 8; kk++)
                {
                    output[o + (kk * typeSize)] = (byte)x;
                    x >>= 8;
                }
            }
        }
    }

    // TRANS_BIT_8X8: transposes an 8x8 bit matrix packed in a little-endian quadword.
    private static ulong TransposeBits8x8(ulong x)
    {
        ulong t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAUL;
        x = x ^ t ^ (t << 7);
        t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCUL;
        x = x ^ t ^ (t << 14);
        t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0UL;
        x = x ^ t ^ (t << 28);
        return x;
    }
}
