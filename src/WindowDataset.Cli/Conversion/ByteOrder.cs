using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace WindowDataset.Cli.Conversion;

/// <summary>In-place byte swapping of element arrays.</summary>
internal static class ByteOrder
{
    public static void Swap(Span<byte> data, int elementSize)
    {
        switch (elementSize)
        {
            case 2:
                Span<ushort> u2 = MemoryMarshal.Cast<byte, ushort>(data);
                BinaryPrimitives.ReverseEndianness(u2, u2);
                break;
            case 4:
                Span<uint> u4 = MemoryMarshal.Cast<byte, uint>(data);
                BinaryPrimitives.ReverseEndianness(u4, u4);
                break;
            case 8:
                Span<ulong> u8 = MemoryMarshal.Cast<byte, ulong>(data);
                BinaryPrimitives.ReverseEndianness(u8, u8);
                break;
            default:
                break;
        }
    }
}
