namespace WindowDataset.Fuzz;

/// <summary>
/// The bytes are a JSON config file, bound with <see cref="WindowLoaderOptions.LoadFile"/> next to small data files
/// (<c>data.npy</c> 64 x 3 float64, <c>labels.npy</c> 64 x 1 float32, <c>data.raw</c> 64 x 3 float32). When binding
/// succeeds, the options must pass <see cref="WindowLoaderOptions.Validate"/> (the binder and Validate share one rule
/// set, so a config that binds always validates) and a refusal must name the config file. When every path stays
/// inside the work folder, a loader is created, the first batch's starts are computed
/// and its first window is read (with a <see cref="WindowReader"/>). Expected failures: <see cref="InvalidDataException"/>,
/// <see cref="FileNotFoundException"/>, <see cref="DirectoryNotFoundException"/> and the
/// <see cref="ArgumentException"/> family (option validation).
/// </summary>
internal sealed class ConfigTarget : FuzzTarget
{
    private const int Rows = 64;
    private bool _ready;

    public ConfigTarget()
        : base("config")
    {
    }

    public override string Run(ReadOnlySpan<byte> data)
    {
        // Created on the first input, not in the constructor: instrumented library code must not run before
        // Fuzzer.Run has attached the coverage map.
        if (!_ready)
        {
            WriteDataFiles();
            _ready = true;
        }

        string path = WriteInput("config.json", data);
        WindowLoaderOptions options;
        try
        {
            options = WindowLoaderOptions.LoadFile(path);
        }
        catch (Exception ex) when (IsExpected(ex, allowArgument: true))
        {
            if (ex is InvalidDataException && !ex.Message.StartsWith(path + ": ", StringComparison.Ordinal))
            {
                throw new HarnessCheckException($"a refused config's message does not start with the file name: {ex.Message}", ex);
            }

            return $"bind rejected: {ex.GetType().Name}";
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new HarnessCheckException($"LoadFile bound options that Validate refuses: {ex.Message}", ex);
        }

        if (!StaysInside(options.Source) || (options.Target?.Source is { } labels && !StaysInside(labels)))
        {
            return "bound (paths outside the work folder: not opened)";
        }

        // Small and local, whatever the config says: no environment RANK/WORLD_SIZE, bounded buffers.
        options.Rank ??= 0;
        options.WorldSize ??= 1;
        try
        {
            using var loader = new WindowLoader(options);
            if (loader.BatchesPerEpoch == 0 || loader.BatchSize > 1 << 16)
            {
                return $"loader: {loader.BatchesPerEpoch} batches";
            }

            long[] starts = loader.GetStarts(0, 0);
            if (starts.Length == 0 || starts.Length > loader.BatchSize)
            {
                throw new HarnessCheckException($"batch 0 has {starts.Length} starts; batch size {loader.BatchSize}.");
            }

            foreach (long start in starts)
            {
                if (start < 0 || start + loader.Window > loader.Info.Rows)
                {
                    throw new HarnessCheckException($"start {start} does not leave room for a window of {loader.Window} rows in {loader.Info.Rows} rows.");
                }
            }

            using var reader = new WindowReader(options);
            byte[] window = new byte[reader.WindowBytes];
            reader.ReadWindow(starts[0], window);
            return $"loader: {loader.BatchesPerEpoch} batches, first start {starts[0]}";
        }
        catch (Exception ex) when (IsExpected(ex, allowArgument: true))
        {
            return $"loader rejected: {ex.GetType().Name}";
        }
    }

    private void WriteDataFiles()
    {
        using (var writer = new NpyWriter(Path.Combine(WorkDirectory, "data.npy"), ElementType.Float64, [Rows, 3]))
        {
            double[] values = new double[Rows * 3];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = i + 0.5;
            }

            writer.Write<double>(values);
            writer.Complete();
        }

        using (var writer = new NpyWriter(Path.Combine(WorkDirectory, "labels.npy"), ElementType.Float32, [Rows, 1]))
        {
            float[] values = new float[Rows];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = -i;
            }

            writer.Write<float>(values);
            writer.Complete();
        }

        byte[] raw = new byte[Rows * 3 * sizeof(float)];
        for (int i = 0; i < raw.Length; i++)
        {
            raw[i] = (byte)(i * 7);
        }

        File.WriteAllBytes(Path.Combine(WorkDirectory, "data.raw"), raw);
    }

    private bool StaysInside(SourceOptions source)
    {
        if (source.Paths is { } paths)
        {
            foreach (string p in paths)
            {
                if (!IsInside(p))
                {
                    return false;
                }
            }
        }

        return string.IsNullOrWhiteSpace(source.Glob) || IsInside(source.Glob);
    }

    private bool IsInside(string path)
    {
        try
        {
            string full = Path.GetFullPath(path, WorkDirectory);
            return Path.GetDirectoryName(full) == WorkDirectory;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
