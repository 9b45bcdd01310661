namespace WindowDataset.Configuration;

/// <summary>Byte counts as configs and command lines write them: <c>1073741824</c>, <c>512MiB</c>, <c>8GB</c>, <c>2GiB</c>.</summary>
public static class ByteSize
{
    /// <summary>Parses a byte count with an optional binary (KiB, MiB, GiB, TiB) or decimal (KB, MB, GB, TB) unit, case-insensitive.</summary>
    /// <returns>False when <paramref name="text"/> is not a byte count.</returns>
    public static bool TryParse(string? text, out long bytes)
    {
        if (text is null)
        {
            bytes = 0;
            return false;
        }

        return ByteSizeConverter.TryParse(text, out bytes);
    }
}
