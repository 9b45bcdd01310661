using static TorchSharp.torch;

namespace WindowDataset.TorchSharp;

/// <summary>Maps WindowDataset element types to torch dtypes.</summary>
internal static class TensorTypes
{
    public static ScalarType ToScalarType(ElementType type) => type switch
    {
        ElementType.Float64 => ScalarType.Float64,
        ElementType.Float32 => ScalarType.Float32,
        ElementType.Float16 => ScalarType.Float16,
        ElementType.Int64 => ScalarType.Int64,
        ElementType.Int32 => ScalarType.Int32,
        ElementType.Int16 => ScalarType.Int16,
        ElementType.Int8 => ScalarType.Int8,
        ElementType.UInt8 => ScalarType.Byte,
        ElementType.Bool => ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(type), $"element type: expected one torch supports (float64, float32, float16, int64, int32, int16, int8, uint8, bool); found {ElementTypeInfo.Name(type)} (set outputType to float32 or float64)."),
    };
}
