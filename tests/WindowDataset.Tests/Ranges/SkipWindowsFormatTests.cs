using WindowDataset.Sources;
using WindowDataset.Tests.Infrastructure;
using static WindowDataset.Tests.Ranges.Infrastructure.RangeFixtures;

namespace WindowDataset.Tests.Ranges;

/// <summary>The skip pass over chunked HDF5, Zarr and big-endian raw copies of the fixture gives numpy's starts; sidecars only for local files.</summary>
public sealed class SkipWindowsFormatTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string> FormatCases()
    {
        var data = new TheoryData<string, string>();
        foreach (string format in new[] { "hdf5", "zarr", "raw" })
        {
            data.Add(format, "d1");
            data.Add(format, "d3");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FormatCases))]
    public void ValidStarts_SkipWindowsOverAnotherFormat_EqualsNumpysStarts(string format, string name)
    {
        (SourceOptions source, string? sidecar) = Copy(format);
        WindowLoaderOptions o = Options(name);
        o.Source = source;
        o.Missing = MissingValues.SkipWindows;
        long[] expected = Longs(Case(name).GetProperty("skipStarts"));
        using (var loader = new WindowLoader(o))
        {
            Assert.Equal(expected, AllStarts(loader, 0).Order());
        }

        if (sidecar is null)
        {
            Assert.Empty(Directory.GetFiles(_dir.Path, "*" + NonFiniteRows.Extension, SearchOption.AllDirectories));
        }
        else
        {
            Assert.True(File.Exists(sidecar), sidecar);
            using var again = new WindowLoader(o); // from the sidecar
            Assert.Equal(expected.Length, again.ValidStarts);
        }
    }

    [Fact]
    public void ValidStarts_OtherDatasetOfTheSameFile_OwnSidecarNothingSkipped()
    {
        (SourceOptions source, _) = Copy("hdf5");
        WindowLoaderOptions o = Options("d1");
        o.Source = source;
        o.Missing = MissingValues.SkipWindows;
        using (new WindowLoader(o))
        {
        }

        o.Source = source.Clone();
        o.Source.Dataset = "other";
        using var loader = new WindowLoader(o);
        Assert.Equal(196, loader.ValidStarts);
        Assert.True(File.Exists(_dir.File("data.h5.other" + NonFiniteRows.Extension)));
    }

    private (SourceOptions Source, string? Sidecar) Copy(string format)
    {
        switch (format)
        {
            case "hdf5":
                File.Copy(Path.Combine(Dir, "data.h5"), _dir.File("data.h5"));
                return (new SourceOptions { Paths = [_dir.File("data.h5")], Dataset = "grp/x" }, _dir.File("data.h5.grp_x" + NonFiniteRows.Extension));
            case "zarr":
                string to = _dir.File("data.zarr");
                Directory.CreateDirectory(to);
                foreach (string file in Directory.GetFiles(Path.Combine(Dir, "data.zarr")))
                {
                    File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
                }

                return (SourceOptions.FromPaths(to), null);
            default:
                File.Copy(Path.Combine(Dir, "data_be_f4.raw"), _dir.File("data.raw"));
                return (new SourceOptions { Paths = [_dir.File("data.raw")], Format = SourceFormat.Raw, DType = ">f4", RowShape = [3] }, _dir.File("data.raw" + NonFiniteRows.Extension));
        }
    }
}
