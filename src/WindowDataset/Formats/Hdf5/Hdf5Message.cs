namespace WindowDataset.Formats.Hdf5;

/// <summary>One object header message: its type, flags and body bytes.</summary>
internal readonly record struct Hdf5Message(int Type, int Flags, byte[] Data)
{
    public const int Dataspace = 0x0001;
    public const int LinkInfo = 0x0002;
    public const int Datatype = 0x0003;
    public const int FillValueOld = 0x0004;
    public const int FillValue = 0x0005;
    public const int Link = 0x0006;
    public const int ExternalFiles = 0x0007;
    public const int Layout = 0x0008;
    public const int FilterPipeline = 0x000B;
    public const int Continuation = 0x0010;
    public const int SymbolTable = 0x0011;

    /// <summary>Flag bit: the body is a reference to a shared message (a committed datatype, say), not the message.</summary>
    public bool IsShared => (Flags & 0x02) != 0;
}
