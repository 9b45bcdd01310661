using WindowDataset.Tests.Infrastructure;
using WindowDataset.Tests.Inputs.Infrastructure;

namespace WindowDataset.Tests.Inputs;

/// <summary>
/// Aligned inputs through the loader: x float64 (48, 4), cov int16 (48, 2, 3) and y float32 (48,), each with its
/// own shards and format, against numpy's slices x_k[s:s+W] (Fixtures/inputs/make.py) bit for bit.
/// </summary>
public sealed class AlignedInputsTests
{
    private static readonly string[] s_expected = ["x_w5.npy", "cov_w5.npy", "y_w5.npy"];
    private static readonly string[] s_full = ["x.npy", "cov.npy", "y.npy"];

    [Theory]
    [InlineData(false, 36)] // boundaries 0, 20 (x), 30 (cov), 48
    [InlineData(true, 40)] // cov in one HDF5 file: boundaries 0, 20, 48
    public void Read_ThreeInputsWithTheirOwnShardsAndFormats_EveryWindowOfEveryInputEqualsNumpysSlice(bool hdf5Cov, int validStarts)
    {
        using var loader = new WindowLoader(InputFixtures.Options(batch: 4, hdf5Cov));
        var full = s_full.Select(InputFixtures.Npy).ToArray();
        var seen = new HashSet<long>();
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Assert.Equal(3, batch.InputCount);
            for (int k = 0; k < 3; k++)
            {
                ReadOnlySpan<byte> data = batch.GetInputData(k);
                int windowBytes = data.Length / batch.Count;
                int rowBytes = windowBytes / InputFixtures.Window;
                for (int i = 0; i < batch.Count; i++)
                {
                    long s = batch.Starts[i];
                    Assert.True(full[k].Data.AsSpan((int)(s * rowBytes), windowBytes).SequenceEqual(data.Slice(i * windowBytes, windowBytes)), $"input {k}, start {s}");
                    Assert.False(s < 20 && s + InputFixtures.Window > 20, $"start {s} crosses x's shard boundary");
                    Assert.False(!hdf5Cov && s < 30 && s + InputFixtures.Window > 30, $"start {s} crosses cov's shard boundary");
                }
            }

            seen.UnionWith(batch.Starts.ToArray());
        }

        Assert.Equal(validStarts, seen.Count);
        Assert.Equal(validStarts, loader.ValidStarts);
    }

    [Fact]
    public void GetInputShape_ThreeInputs_EachHasItsOwnShapeTypeAndName()
    {
        using var loader = new WindowLoader(InputFixtures.Options(batch: 4));
        Assert.Equal(3, loader.InputCount);
        Assert.Equal(["x", "cov", "y"], Enumerable.Range(0, 3).Select(loader.GetInputName));
        Assert.Equal([ElementType.Float64, ElementType.Int16, ElementType.Float32], Enumerable.Range(0, 3).Select(loader.GetInputElementType));
        Assert.Equal([2, 3], loader.GetInputRowShape(1));
        Assert.Equal(48, loader.GetInputInfo(2).Rows);
        using IEnumerator<WindowBatch> batches = loader.Read(ReadRange.ForEpoch(0)).GetEnumerator();
        Assert.True(batches.MoveNext());
        WindowBatch batch = batches.Current;
        Assert.Equal([4L, 5, 4], batch.GetInputShape(0));
        Assert.Equal([4L, 5, 2, 3], batch.GetInputShape(1));
        Assert.Equal([4L, 5, 1], batch.GetInputShape(2));
        Assert.Equal(1, batch.IndexOfInput("cov"));
        Assert.Equal(-1, batch.IndexOfInput("nope"));
        Assert.Equal(batch.GetData<double>().ToArray(), batch.GetInputData<double>(0).ToArray());
        Assert.Equal(4 * 5 * 6, batch.GetInputData<short>(batch.IndexOfInput("cov")).Length);
        Assert.Throws<InvalidOperationException>(() => batch.GetInputData<float>(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.GetInputData(3));
        Assert.Equal(batch.GetInputData(2).ToArray(), batch.GetInputMemory(2).ToArray());
    }

    [Fact]
    public void ValidStarts_ShardsDifferPerInput_AreTheStartsWhoseWindowFitsInOneShardOfEveryInput()
    {
        long[] expected = InputFixtures.Starts("starts_w5.npy");
        using var loader = new WindowLoader(InputFixtures.Options(batch: 4));
        Assert.Equal(expected.Length, loader.ValidStarts);
        var windows = s_expected.Select(InputFixtures.Npy).ToArray();
        using var reader = new WindowReader(InputFixtures.Options());
        byte[] first = new byte[reader.WindowBytes];
        for (int i = 0; i < expected.Length; i++)
        {
            reader.ReadWindow(expected[i], first); // a reader gives input 0
            Assert.True(InputFixtures.Item(windows[0].Data, windows[0].Rows, i).SequenceEqual(first));
        }

        var sequential = new List<long>();
        for (long b = 0; b < loader.BatchesPerEpoch; b++)
        {
            sequential.AddRange(loader.GetStarts(0, b));
        }

        Assert.Equal(expected, sequential);

        WindowLoaderOptions shuffled = InputFixtures.Options(batch: 4);
        shuffled.Sampler = SamplerKind.Uniform;
        shuffled.WindowsPerEpoch = 500;
        using var uniform = new WindowLoader(shuffled);
        foreach (WindowBatch batch in uniform.Read(ReadRange.ForEpoch(3)))
        {
            foreach (long s in batch.Starts)
            {
                Assert.Contains(s, expected); // never crosses 20 (x), 30 (cov)
            }
        }
    }

    [Fact]
    public void ReadStarts_StartWhoseWindowCrossesAnotherInputsShard_Refused()
    {
        using var loader = new WindowLoader(InputFixtures.Options(batch: 4));
        // 27..31 fits x's shard [20, 48) but crosses cov's boundary at 30.
        var ex = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => loader.ReadStarts([27]).First().Dispose());
        Assert.Contains("27", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ElementType.Float64, "concat_f8_w5.npy")]
    [InlineData(ElementType.Float32, "concat_f4_w5.npy")]
    public void Read_Concat_EqualsNumpysConcatenateOfTheFlattenedRows(ElementType type, string expectedName)
    {
        WindowLoaderOptions options = InputFixtures.Options(batch: 5);
        options.Concat = true;
        options.OutputType = type;
        using var loader = new WindowLoader(options);
        Assert.Equal(1, loader.InputCount);
        Assert.Equal([11], loader.RowShape);
        long[] starts = InputFixtures.Starts("starts_w5.npy");
        (long rows, byte[] expected) = InputFixtures.Npy(expectedName);
        int windows = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            Assert.Equal([batch.Count, 5L, 11], batch.Shape);
            Assert.Equal(type, batch.ElementType);
            Assert.Equal("input", batch.GetInputName(0));
            int windowBytes = (int)batch.WindowBytes;
            for (int i = 0; i < batch.Count; i++)
            {
                long index = Array.IndexOf(starts, batch.Starts[i]);
                Assert.True(InputFixtures.Item(expected, rows, index).SequenceEqual(batch.Data.Slice(i * windowBytes, windowBytes)), $"start {batch.Starts[i]}");
            }

            windows += batch.Count;
        }

        Assert.Equal(starts.Length, windows);
    }

    [Fact]
    public void ReadWindow_ReaderWithConcat_EqualsNumpysConcatenate()
    {
        WindowLoaderOptions options = InputFixtures.Options();
        options.Concat = true;
        options.OutputType = ElementType.Float64;
        using var reader = new WindowReader(options);
        long[] starts = InputFixtures.Starts("starts_w5.npy");
        (long rows, byte[] expected) = InputFixtures.Npy("concat_f8_w5.npy");
        byte[] window = new byte[reader.WindowBytes];
        for (int i = 0; i < starts.Length; i++)
        {
            reader.ReadWindow(starts[i], window);
            Assert.True(InputFixtures.Item(expected, rows, i).SequenceEqual(window), $"start {starts[i]}");
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => reader.ReadWindow(27, window));
    }

    [Fact]
    public void Read_ConcatWithDifferentOutputTypes_Refused()
    {
        WindowLoaderOptions options = InputFixtures.Options();
        options.Concat = true;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(options));
        Assert.Contains("concat: expected one output type for every input (set outputType); found float64 for inputs[0] ('x') and int16 for inputs[1] ('cov').", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_PerInputOutputType_ConvertsOnlyThatInput()
    {
        WindowLoaderOptions options = InputFixtures.Options();
        options.Inputs![1].OutputType = ElementType.Float32;
        using var loader = new WindowLoader(options);
        long[] starts = InputFixtures.Starts("starts_w5.npy");
        (long rows, byte[] cov) = InputFixtures.Npy("cov_w5.npy");
        using IEnumerator<WindowBatch> batches = loader.Read(ReadRange.ForEpoch(0)).GetEnumerator();
        Assert.True(batches.MoveNext());
        WindowBatch batch = batches.Current;
        Assert.Equal(ElementType.Float64, batch.ElementType);
        Assert.Equal(ElementType.Float32, batch.GetInputElementType(1));
        Span<float> converted = batch.GetInputData<float>(1);
        for (int i = 0; i < batch.Count; i++)
        {
            ReadOnlySpan<short> expected = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(InputFixtures.Item(cov, rows, Array.IndexOf(starts, batch.Starts[i])));
            for (int e = 0; e < 30; e++)
            {
                Assert.Equal(expected[e], converted[(i * 30) + e]);
            }
        }
    }

    [Fact]
    public void Read_NextTargetFromNamedInput_EqualsNumpysNextRowsOfThatInput()
    {
        WindowLoaderOptions options = InputFixtures.Options(batch: 4);
        options.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 2, Input = "cov" };
        using var loader = new WindowLoader(options);
        long[] starts = InputFixtures.Starts("starts_w5_h2.npy");
        (long rows, byte[] expected) = InputFixtures.Npy("cov_next_h2.npy");
        Assert.Equal(starts.Length, loader.ValidStarts);
        Assert.Equal([2, 2, 3], loader.TargetItemShape);
        Assert.Equal(ElementType.Int16, loader.TargetElementType);
        int windows = 0;
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
        {
            int itemBytes = batch.TargetData.Length / batch.Count;
            for (int i = 0; i < batch.Count; i++)
            {
                Assert.Equal(starts[windows + i], batch.Starts[i]);
                Assert.True(InputFixtures.Item(expected, rows, windows + i).SequenceEqual(batch.TargetData.Slice(i * itemBytes, itemBytes)));
            }

            windows += batch.Count;
        }

        Assert.Equal(starts.Length, windows);
    }

    [Fact]
    public void BatchBytes_ThreeInputs_CountsEveryInputBufferAndEveryBufferIsReturned()
    {
        var allocator = new TrackingAllocator();
        WindowLoaderOptions options = InputFixtures.Options(batch: 4);
        options.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 2 };
        long perBatch = (4 * 5 * 4 * 8) + (4 * 5 * 6 * 2) + (4 * 5 * 1 * 4) + (4 * 2 * 4 * 8);
        using (var loader = new WindowLoader(options, allocator))
        {
            Assert.Equal(perBatch, loader.BatchBytes);
            foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(0)))
            {
                Assert.Equal(4 * loader.BufferCount, allocator.Peak);
                Assert.True(allocator.LiveBytes >= loader.BufferCount * perBatch);
            }

            options.MemoryBudget = loader.MinimumMemoryBudget - 1;
        }

        Assert.Equal(0, allocator.Live);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new WindowLoader(options));
        Assert.Contains($"2 batches of {perBatch} bytes", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)] // a slot allocates input 0, the target, then inputs 1 and 2: the target fails
    [InlineData(3)] // input 1 fails
    [InlineData(4)] // input 2 fails
    [InlineData(7)] // the second slot's input 1 fails
    public void Read_AllocationOfAnInputBufferFails_EveryBufferAllocatedIsFreed(int failAt)
    {
        var allocator = new FaultyAllocator(failAt);
        WindowLoaderOptions options = InputFixtures.Options(batch: 4);
        options.Target = new TargetOptions { Kind = TargetKind.Next, Horizon = 1 };
        using (var loader = new WindowLoader(options, allocator))
        {
            Assert.Throws<InsufficientMemoryException>(() => loader.Read(ReadRange.ForEpoch(0)).First().Dispose());
        }

        Assert.Equal(0, allocator.Inner.Live);
    }

    [Fact]
    public void Read_ResumedFromState_EqualsTheUninterruptedEpoch()
    {
        WindowLoaderOptions options = InputFixtures.Options(batch: 3);
        options.Sampler = SamplerKind.Permutation;
        options.Seed = 11;
        options.Workers = 3;
        List<byte[]> whole = Collect(options, ReadRange.ForEpoch(1), out _);
        using var loader = new WindowLoader(options);
        var first = new List<byte[]>();
        foreach (WindowBatch batch in loader.Read(ReadRange.ForEpoch(1)))
        {
            first.Add(Flatten(batch));
            if (first.Count == 4)
            {
                break;
            }
        }

        LoaderState state = loader.State;
        List<byte[]> rest = Collect(options, ReadRange.From(state), out _);
        Assert.Equal(whole, [.. first, .. rest]);
    }

    [Fact]
    public void Read_RowCountsDiffer_RefusedNamingTheInputAndBothCounts()
    {
        using var dir = new TempDirectory();
        string shorter = TestArrays.WriteNpy(dir.File("short.npy"), 47, 4);
        WindowLoaderOptions options = InputFixtures.Options();
        options.Inputs![1] = InputOptions.FromPaths("cov", shorter);
        var ex = Assert.Throws<InvalidDataException>(() => new WindowLoader(options));
        Assert.Equal($"{shorter}: inputs[1].rows: expected 48 (the rows of inputs[0], 'x'); found 47.", ex.Message);
    }

    [Fact]
    public void Read_SingleInputList_EqualsTheSameArrayAsSource()
    {
        var single = new WindowLoaderOptions { Source = SourceOptions.FromPaths(InputFixtures.Full("x.npy")), Window = 5, BatchSize = 4, Sampler = SamplerKind.Sequential, Workers = 2 };
        WindowLoaderOptions listed = single.Clone();
        listed.Source = new SourceOptions();
        listed.Inputs = [InputOptions.FromPaths("x", InputFixtures.Full("x.npy"))];
        Assert.Equal(Collect(single, ReadRange.ForEpoch(0), out int a), Collect(listed, ReadRange.ForEpoch(0), out int b));
        Assert.Equal(a, b);
    }

    private static List<byte[]> Collect(WindowLoaderOptions options, ReadRange range, out int windows)
    {
        using var loader = new WindowLoader(options);
        var all = new List<byte[]>();
        windows = 0;
        foreach (WindowBatch batch in loader.Read(range))
        {
            all.Add(Flatten(batch));
            windows += batch.Count;
        }

        return all;
    }

    private static byte[] Flatten(WindowBatch batch)
    {
        var bytes = new List<byte>();
        foreach (long s in batch.Starts)
        {
            bytes.AddRange(BitConverter.GetBytes(s));
        }

        for (int k = 0; k < batch.InputCount; k++)
        {
            bytes.AddRange(batch.GetInputData(k).ToArray());
        }

        return [.. bytes];
    }
}
