namespace WindowDataset.Cli.Tests.Infrastructure;

/// <summary>An .npy file's header facts (through the core's reader) and data bytes.</summary>
public sealed record NpyData(ElementType Type, long[] Shape, long DataOffset, byte[] Data)
{
    public static NpyData Read(string path)
    {
        ArrayInfo info = ArrayInfo.Read(path);
        byte[] all = File.ReadAllBytes(path);
        long offset = info.Shards[0].DataOffset;
        long[] shape = [info.Rows, .. info.RowShape.Select(d => (long)d)];
        return new NpyData(info.ElementType, shape, offset, all[(int)offset..]);
    }

    public static byte[] Header(string path)
    {
        long offset = ArrayInfo.Read(path).Shards[0].DataOffset;
        return File.ReadAllBytes(path)[..(int)offset];
    }
}
