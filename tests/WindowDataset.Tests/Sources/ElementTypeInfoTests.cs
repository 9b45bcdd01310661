namespace WindowDataset.Tests.Sources;

/// <summary>Names, numpy codes and sizes of element types agree with numpy.</summary>
public sealed class ElementTypeInfoTests
{
    [Theory]
    [InlineData("float64", "f8", 8, ElementType.Float64)]
    [InlineData("float32", "f4", 4, ElementType.Float32)]
    [InlineData("float16", "f2", 2, ElementType.Float16)]
    [InlineData("int64", "i8", 8, ElementType.Int64)]
    [InlineData("int32", "i4", 4, ElementType.Int32)]
    [InlineData("int16", "i2", 2, ElementType.Int16)]
    [InlineData("int8", "i1", 1, ElementType.Int8)]
    [InlineData("uint64", "u8", 8, ElementType.UInt64)]
    [InlineData("uint32", "u4", 4, ElementType.UInt32)]
    [InlineData("uint16", "u2", 2, ElementType.UInt16)]
    [InlineData("uint8", "u1", 1, ElementType.UInt8)]
    [InlineData("bool", "b1", 1, ElementType.Bool)]
    public void Parse_NamesAndNumpyCodes_RoundTrip(string name, string code, int size, ElementType type)
    {
        Assert.Equal(name, ElementTypeInfo.Name(type));
        Assert.Equal(code, ElementTypeInfo.Code(type));
        Assert.Equal(size, ElementTypeInfo.SizeOf(type));
        Assert.Equal((size == 1 ? "|" : "<") + code, ElementTypeInfo.Descr(type));

        Assert.Equal(type, ElementTypeInfo.Parse(name, out bool be));
        Assert.False(be);
        Assert.Equal(type, ElementTypeInfo.Parse(name.ToUpperInvariant(), out _));
        Assert.Equal(type, ElementTypeInfo.Parse(code, out be));
        Assert.False(be);
        Assert.Equal(type, ElementTypeInfo.Parse("<" + code, out be));
        Assert.False(be);
        Assert.Equal(type, ElementTypeInfo.Parse("=" + code, out be));
        Assert.False(be);
        Assert.Equal(type, ElementTypeInfo.Parse(">" + code, out be));
        Assert.Equal(size > 1, be); // 1-byte types have no byte order
        Assert.Equal(size == 1, ElementTypeInfo.TryParse("|" + code, out _, out _));
    }

    [Theory]
    [InlineData("complex64")]
    [InlineData("<c8")]
    [InlineData("|O")]
    [InlineData("<U4")]
    [InlineData("f16")]
    [InlineData("<f8 x")]
    [InlineData("double")]
    [InlineData("")]
    public void Parse_UnknownType_FormatExceptionListingTheAcceptedOnes(string text)
    {
        Assert.False(ElementTypeInfo.TryParse(text, out _, out _));
        var ex = Assert.Throws<FormatException>(() => ElementTypeInfo.Parse(text, out _));
        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("float64", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'<f8'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Name_UndefinedEnumValue_ArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ElementTypeInfo.Name((ElementType)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => ElementTypeInfo.Code((ElementType)(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ElementTypeInfo.SizeOf((ElementType)12));
        Assert.Throws<ArgumentNullException>(() => ElementTypeInfo.TryParse(null!, out _, out _));
    }
}
