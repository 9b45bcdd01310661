using System.Diagnostics.Metrics;
using System.Text.Json;
using WindowDataset.Diagnostics;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Pipeline;

/// <summary>
/// <c>workers: "auto"</c>: the stream is the fixed-worker stream bit for bit, and the decisions follow the consumer
/// (assertions on the decision counters, never on timings: a sleeping consumer is always slower than the workers,
/// a consumer that does nothing always faster).
/// </summary>
[Collection(nameof(AdaptiveWorkersCollection))]
public sealed class AdaptiveWorkersTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    public void Read_AutoWorkers_StreamEqualsFixedWorkersBitForBit(int rank, int worldSize)
    {
        string path = TestArrays.WriteNpy(_dir.File("a.npy"), 900, 5);
        WindowLoaderOptions Options(WorkerCount workers)
        {
            WindowLoaderOptions o = TestArrays.Options(path, window: 9, batch: 6);
            (o.Workers, o.Seed, o.Rank, o.WorldSize, o.Prefetch) = (workers, 11, rank, worldSize, 8);
            o.MaxWorkers = workers.IsAuto ? 4 : null;
            o.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 2 };
            return o;
        }

        List<byte[]> Stream(WorkerCount workers)
        {
            using var loader = new WindowLoader(Options(workers));
            var stream = new List<byte[]>();
            int taken = 0;
            LoaderState saved = default;
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpochs(0, 3)))
            {
                stream.Add([.. batch.Data, .. batch.TargetData]);
                if (++taken == 40)
                {
                    saved = loader.State;
                    break;
                }
            }

            // Resumed mid-epoch, across the next epoch boundary too.
            foreach (WindowBatch batch in loader.Read(ReadRange.From(saved, moreEpochs: 1)))
            {
                stream.Add([.. batch.Data, .. batch.TargetData]);
            }

            return stream;
        }

        List<byte[]> fixedOne = Stream(1);
        List<byte[]> auto = Stream(WorkerCount.Auto);
        Assert.Equal(fixedOne.Count, auto.Count);
        for (int i = 0; i < auto.Count; i++)
        {
            Assert.Equal(fixedOne[i], auto[i]);
        }

        Assert.Equal(fixedOne, Stream(3));
    }

    [Fact]
    public void Read_SlowConsumer_ParksWorkersDownToOne()
    {
        using var loader = new WindowLoader(AutoOptions(maxWorkers: 4));
        LoaderStatistics stats = SlowConsumer(loader);
        Assert.True(stats.AdaptiveWorkers);
        Assert.Equal(4, stats.Workers);
        Assert.Equal(1, stats.ActiveWorkers);
        Assert.True(stats.WorkerDecreases >= 3, $"{stats.WorkerDecreases} decreases");
        Assert.True(stats.MeanActiveWorkers is >= 1 and <= 4, $"mean {stats.MeanActiveWorkers}");
        Assert.NotEmpty(stats.WorkerDecisions);
        Assert.All(stats.WorkerDecisions, d => Assert.Equal(1, Math.Abs(d.To - d.From)));
        Assert.Equal(1, stats.WorkerDecisions[^1].To);
    }

    [Fact]
    public void Read_ConsumerFasterThanWorkers_WakesWorkersUpToTheMaximum()
    {
        using var loader = new WindowLoader(AutoOptions(maxWorkers: 3));
        LoaderStatistics parked = SlowConsumer(loader);
        Assert.Equal(1, parked.ActiveWorkers);

        // The next enumeration starts from the one active worker; a consumer that does nothing waits for every batch.
        LoaderStatistics stats = parked;
        for (int run = 0; run < 40 && stats.ActiveWorkers < 3; run++)
        {
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpochs(1 + (run * 20), 20)))
            {
                batch.Dispose();
                if (loader.GetStatistics().ActiveWorkers == 3)
                {
                    break;
                }
            }

            stats = loader.GetStatistics();
        }

        Assert.Equal(3, stats.ActiveWorkers);
        Assert.True(stats.WorkerIncreases >= 2, $"{stats.WorkerIncreases} increases");
        Assert.Contains(stats.WorkerDecisions, d => d.To > d.From && d.DataWaitShare > 0.01);
    }

    [Theory]
    [InlineData("\"auto\"", null, true)]
    [InlineData("2", 2, false)]
    [InlineData("256", 256, false)]
    public void FromJson_Workers_BindsAutoOrACount(string json, int? count, bool auto)
    {
        string path = TestArrays.WriteNpy(_dir.File("j.npy"), 50, 2);
        using JsonDocument doc = JsonDocument.Parse($$"""{ "source": { "paths": [{{JsonSerializer.Serialize(path)}}] }, "workers": {{json}} }""");
        WindowLoaderOptions o = WindowLoaderOptions.FromJson(doc.RootElement, "inline");
        Assert.Equal(auto, o.Workers!.Value.IsAuto);
        Assert.Equal(count, o.Workers.Value.Count);
        Assert.Equal(auto ? WorkerCount.Auto : WorkerCount.Fixed(count!.Value), o.Workers.Value);
        Assert.Equal(o.Workers, o.Clone().Workers);
    }

    [Fact]
    public void FromJson_NoWorkers_KeepsTheFixedDefault()
    {
        string path = TestArrays.WriteNpy(_dir.File("k.npy"), 50, 2);
        using JsonDocument doc = JsonDocument.Parse($$"""{ "source": { "paths": [{{JsonSerializer.Serialize(path)}}] } }""");
        WindowLoaderOptions o = WindowLoaderOptions.FromJson(doc.RootElement, "inline");
        Assert.Null(o.Workers);
        using var loader = new WindowLoader(o);
        Assert.Equal(Math.Max(2, Environment.ProcessorCount), loader.Workers);
        Assert.False(loader.GetStatistics().AdaptiveWorkers);
    }

    [Theory]
    [InlineData("auto", true, null)]
    [InlineData(" AUTO ", true, null)]
    [InlineData("3", false, 3)]
    public void TryParse_AutoOrCount_Parses(string text, bool auto, int? count)
    {
        Assert.True(WorkerCount.TryParse(text, out WorkerCount w));
        Assert.Equal(auto, w.IsAuto);
        Assert.Equal(count, w.Count);
        Assert.Equal(auto ? "auto" : text.Trim(), w.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("many")]
    [InlineData("2.5")]
    public void TryParse_Other_False(string? text) => Assert.False(WorkerCount.TryParse(text, out _));

    [Fact]
    public void Validate_MaxWorkersWithAFixedCount_Refused()
    {
        var o = new WindowLoaderOptions { Source = SourceOptions.FromPaths("a.npy"), Workers = 2, MaxWorkers = 4 };
        var ex = Assert.Throws<ArgumentException>(o.Validate);
        Assert.Equal("maxWorkers", ex.ParamName);
        o.Workers = WorkerCount.Auto;
        o.Validate();
    }

    [Fact]
    public void Read_FixedWorkers_NoDecisions()
    {
        string path = TestArrays.WriteNpy(_dir.File("f.npy"), 400, 4);
        WindowLoaderOptions options = TestArrays.Options(path, window: 4, batch: 8);
        options.Workers = 3;
        using var loader = new WindowLoader(options);
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            batch.Dispose();
        }

        LoaderStatistics stats = loader.GetStatistics();
        Assert.False(stats.AdaptiveWorkers);
        Assert.Equal(3, stats.Workers);
        Assert.Equal(3, stats.ActiveWorkers);
        Assert.Equal(0, stats.WorkerIncreases + stats.WorkerDecreases);
        Assert.Empty(stats.WorkerDecisions);
    }

    [Fact]
    public void Dispose_WorkersParked_ReturnsAndLeavesNoThread()
    {
        using (var loader = new WindowLoader(AutoOptions(maxWorkers: 4)))
        {
            LoaderStatistics stats = SlowConsumer(loader);
            Assert.Equal(1, stats.ActiveWorkers);

            // Dispose the loader in the middle of an enumeration whose other workers are parked.
            IEnumerator<WindowBatch> e = loader.Read(ReadRange.ForEpochs(1, 5)).GetEnumerator();
            Assert.True(e.MoveNext());
            loader.Dispose();
            Assert.Throws<ObjectDisposedException>(() => e.MoveNext());
            e.Dispose();
        }

        Assert.Equal(0, WorkerThreads.SettleToZero());
    }

    [Fact]
    public void Meter_AutoWorkers_PublishesActiveWorkersAndChanges()
    {
        long changes = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == LoaderMetrics.MeterName && instrument.Name is "windowdataset.workers.changes" or "windowdataset.workers.active")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) =>
        {
            if (instrument.Name == "windowdataset.workers.changes")
            {
                Interlocked.Add(ref changes, value);
            }
        });
        listener.Start();
        using var loader = new WindowLoader(AutoOptions(maxWorkers: 3));
        LoaderStatistics stats = SlowConsumer(loader);
        Assert.True(stats.WorkerDecreases >= 2);
        Assert.True(Interlocked.Read(ref changes) >= stats.WorkerDecreases, $"{changes} changes published");
    }

    private WindowLoaderOptions AutoOptions(int maxWorkers)
    {
        string path = _dir.File("auto.npy");
        if (!File.Exists(path))
        {
            TestArrays.WriteNpy(path, 4000, 64);
        }

        WindowLoaderOptions options = TestArrays.Options(path, window: 16, batch: 32);
        options.Workers = WorkerCount.Auto;
        options.MaxWorkers = maxWorkers;
        options.Prefetch = 6;
        options.MemoryBudget = 64L << 20;
        return options;
    }

    /// <summary>A consumer that sleeps 15 ms per batch (the workers need well under 1 ms) until one worker is active; bounded in batches, not timed.</summary>
    private static LoaderStatistics SlowConsumer(WindowLoader loader)
    {
        int batches = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpochs(0, 5)))
        {
            Thread.Sleep(15);
            batch.Dispose();
            if (loader.GetStatistics().ActiveWorkers == 1 || ++batches == 600)
            {
                break;
            }
        }

        return loader.GetStatistics();
    }
}

/// <summary>Adaptive-worker tests run alone: they count worker threads and need the cores the decisions measure.</summary>
[CollectionDefinition(nameof(AdaptiveWorkersCollection), DisableParallelization = true)]
public sealed class AdaptiveWorkersCollection;
