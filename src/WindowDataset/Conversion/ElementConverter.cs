using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace WindowDataset.Conversion;

/// <summary>Vectorized element conversion and byte swapping between a file's layout and a batch's.</summary>
internal static class ElementConverter
{
    /// <summary>True when the loader can convert <paramref name="from"/> into <paramref name="to"/>.</summary>
    public static bool CanConvert(ElementType from, ElementType to) =>
        from == to || to is ElementType.Float32 or ElementType.Float64;

    /// <summary>Reverses the byte order of every element of <paramref name="data"/> in place.</summary>
    public static void SwapInPlace(Span<byte> data, int elementSize)
    {
        switch (elementSize)
        {
            case 8:
                Span<ulong> u64 = MemoryMarshal.Cast<byte, ulong>(data);
                BinaryPrimitives.ReverseEndianness(u64, u64);
                break;
            case 4:
                Span<uint> u32 = MemoryMarshal.Cast<byte, uint>(data);
                BinaryPrimitives.ReverseEndianness(u32, u32);
                break;
            case 2:
                Span<ushort> u16 = MemoryMarshal.Cast<byte, ushort>(data);
                BinaryPrimitives.ReverseEndianness(u16, u16);
                break;
            default:
                Debug.Assert(elementSize == 1, "1-byte elements have no byte order.");
                break;
        }
    }

    /// <summary>Converts little-endian elements of type <paramref name="from"/> into elements of type <paramref name="to"/>.</summary>
    public static void Convert(ReadOnlySpan<byte> source, ElementType from, Span<byte> destination, ElementType to)
    {
        Debug.Assert(CanConvert(from, to), "conversion checked at construction");
        if (from == to)
        {
            source.CopyTo(destination);
            return;
        }

        if (to == ElementType.Float32)
        {
            ToSingle(source, from, MemoryMarshal.Cast<byte, float>(destination));
        }
        else
        {
            ToDouble(source, from, MemoryMarshal.Cast<byte, double>(destination));
        }
    }

    private static void ToSingle(ReadOnlySpan<byte> s, ElementType from, Span<float> d)
    {
        switch (from)
        {
            case ElementType.Float64: TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, double>(s), d); break;
            case ElementType.Float16: TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(s), d); break;
            case ElementType.Int64: Generic<long, float>(s, d); break;
            case ElementType.Int32: Generic<int, float>(s, d); break;
            case ElementType.Int16: Generic<short, float>(s, d); break;
            case ElementType.Int8: Generic<sbyte, float>(s, d); break;
            case ElementType.UInt64: Generic<ulong, float>(s, d); break;
            case ElementType.UInt32: Generic<uint, float>(s, d); break;
            case ElementType.UInt16: Generic<ushort, float>(s, d); break;
            case ElementType.UInt8 or ElementType.Bool: Generic<byte, float>(s, d); break;
            default: throw new UnreachableException();
        }
    }

    private static void ToDouble(ReadOnlySpan<byte> s, ElementType from, Span<double> d)
    {
        switch (from)
        {
            case ElementType.Float32: TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, float>(s), d); break;
            case ElementType.Float16: Generic<Half, double>(s, d); break;
            case ElementType.Int64: Generic<long, double>(s, d); break;
            case ElementType.Int32: Generic<int, double>(s, d); break;
            case ElementType.Int16: Generic<short, double>(s, d); break;
            case ElementType.Int8: Generic<sbyte, double>(s, d); break;
            case ElementType.UInt64: Generic<ulong, double>(s, d); break;
            case ElementType.UInt32: Generic<uint, double>(s, d); break;
            case ElementType.UInt16: Generic<ushort, double>(s, d); break;
            case ElementType.UInt8 or ElementType.Bool: Generic<byte, double>(s, d); break;
            default: throw new UnreachableException();
        }
    }

    private static void Generic<TFrom, TTo>(ReadOnlySpan<byte> s, Span<TTo> d)
        where TFrom : unmanaged, INumberBase<TFrom>
        where TTo : unmanaged, INumberBase<TTo> =>
        TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, TFrom>(s), d);
}
