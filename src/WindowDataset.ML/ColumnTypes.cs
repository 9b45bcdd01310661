using Microsoft.ML.Data;

namespace WindowDataset.ML;

/// <summary>ML.NET column types of the element types a loader delivers.</summary>
internal static class ColumnTypes
{
    /// <summary>The ML.NET item type of <paramref name="type"/>; null for float16, which ML.NET has no type for.</summary>
    public static PrimitiveDataViewType? For(ElementType type) => type switch
    {
        ElementType.Float32 => NumberDataViewType.Single,
        ElementType.Float64 => NumberDataViewType.Double,
        ElementType.Int64 => NumberDataViewType.Int64,
        ElementType.Int32 => NumberDataViewType.Int32,
        ElementType.Int16 => NumberDataViewType.Int16,
        ElementType.Int8 => NumberDataViewType.SByte,
        ElementType.UInt64 => NumberDataViewType.UInt64,
        ElementType.UInt32 => NumberDataViewType.UInt32,
        ElementType.UInt16 => NumberDataViewType.UInt16,
        ElementType.UInt8 => NumberDataViewType.Byte,
        ElementType.Bool => BooleanDataViewType.Instance,
        _ => null,
    };
}
