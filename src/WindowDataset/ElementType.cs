namespace WindowDataset;

/// <summary>The element types the loader reads and writes (numpy's <c>f8 f4 f2 i8 i4 i2 i1 u8 u4 u2 u1 b1</c>).</summary>
public enum ElementType
{
    /// <summary>IEEE 754 binary64 (<c>f8</c>, <see cref="double"/>).</summary>
    Float64,
    /// <summary>IEEE 754 binary32 (<c>f4</c>, <see cref="float"/>).</summary>
    Float32,
    /// <summary>IEEE 754 binary16 (<c>f2</c>, <see cref="Half"/>).</summary>
    Float16,
    /// <summary>Signed 64-bit integer (<c>i8</c>).</summary>
    Int64,
    /// <summary>Signed 32-bit integer (<c>i4</c>).</summary>
    Int32,
    /// <summary>Signed 16-bit integer (<c>i2</c>).</summary>
    Int16,
    /// <summary>Signed 8-bit integer (<c>i1</c>).</summary>
    Int8,
    /// <summary>Unsigned 64-bit integer (<c>u8</c>).</summary>
    UInt64,
    /// <summary>Unsigned 32-bit integer (<c>u4</c>).</summary>
    UInt32,
    /// <summary>Unsigned 16-bit integer (<c>u2</c>).</summary>
    UInt16,
    /// <summary>Unsigned 8-bit integer (<c>u1</c>).</summary>
    UInt8,
    /// <summary>Boolean stored as one byte, 0 or 1 (<c>b1</c>).</summary>
    Bool,
}
