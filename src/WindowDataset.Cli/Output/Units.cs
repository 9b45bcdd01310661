using System.Globalization;

namespace WindowDataset.Cli.Output;

/// <summary>Human-readable numbers.</summary>
internal static class Units
{
    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = Math.Abs(bytes);
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        string sign = bytes < 0 ? "-" : string.Empty;
        return unit == 0 ? string.Create(CultureInfo.InvariantCulture, $"{sign}{value:F0} B") : string.Create(CultureInfo.InvariantCulture, $"{sign}{value:F2} {units[unit]}");
    }

    public static string Number(double value, int decimals) => value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string Shape(IEnumerable<long> shape)
    {
        string[] parts = [.. shape.Select(d => d.ToString(CultureInfo.InvariantCulture))];
        return parts.Length == 1 ? $"({parts[0]},)" : $"({string.Join(", ", parts)})";
    }
}
