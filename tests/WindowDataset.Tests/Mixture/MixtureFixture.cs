using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Mixture;

/// <summary>
/// Two components with distinct values: component 0 is rows 0..299 of <see cref="TestArrays.Value"/> in two shards
/// (150 + 150 rows), component 1 is rows 10000..10199 in one file. In the combined rows, component 1 starts at 300.
/// </summary>
public sealed class MixtureFixture : IDisposable
{
    public const int Cols = 3;
    public const long RowsA = 300;
    public const long RowsB = 200;
    public const long FirstRowB = 10000;
    private readonly TempDirectory _dir = new();

    public MixtureFixture()
    {
        PathA0 = TestArrays.WriteNpyShard(_dir.File("a0.npy"), 0, 150, Cols);
        PathA1 = TestArrays.WriteNpyShard(_dir.File("a1.npy"), 150, 150, Cols);
        PathB = TestArrays.WriteNpyShard(_dir.File("b.npy"), FirstRowB, RowsB, Cols);
    }

    public string PathA0 { get; }

    public string PathA1 { get; }

    public string PathB { get; }

    public TempDirectory Dir => _dir;

    /// <summary>The component of a combined global row.</summary>
    public static int ComponentOf(long globalRow) => globalRow < RowsA ? 0 : 1;

    /// <summary>The value-function row of a combined global row (what its component's file holds there).</summary>
    public static long SourceRow(long globalRow) => globalRow < RowsA ? globalRow : FirstRowB + (globalRow - RowsA);

    public WindowLoaderOptions Options(double weightA = 0.7, double weightB = 0.3, int window = 4, int batch = 8, long? perEpoch = null, SamplerKind sampler = SamplerKind.Permutation) => new()
    {
        Source = new SourceOptions(),
        Mixture =
        [
            new MixtureComponent { Weight = weightA, Source = SourceOptions.FromPaths(PathA0, PathA1) },
            new MixtureComponent { Weight = weightB, Source = SourceOptions.FromPaths(PathB) },
        ],
        Window = window,
        BatchSize = batch,
        Workers = 2,
        Seed = 5,
        Sampler = sampler,
        WindowsPerEpoch = perEpoch,
        MemoryBudget = 64L << 20,
    };

    public void Dispose() => _dir.Dispose();
}
