namespace WindowDataset.Formats.Hdf5;

/// <summary>The exceptions of the HDF5 reader, in the project's "<c>where: field: expected X; found Y.</c>" voice.</summary>
internal static class Hdf5Error
{
    public static InvalidDataException Invalid(string where, string field, string expected, string found) =>
        new($"{where}: {field}: expected {expected}; found {found}.");

    public static InvalidDataException Invalid(string where, string field, string expected, string found, Exception inner) =>
        new($"{where}: {field}: expected {expected}; found {found}.", inner);

    public static NotSupportedException NotSupported(string where, string feature, string reason) =>
        new($"{where}: {feature}: not supported ({reason}).");
}
