using System.Globalization;
using System.Text.Json;
using TorchSharp;
using WindowDataset;
using WindowDataset.Shared.Progress;
using WindowDataset.Synthetic;
using WindowDataset.TorchSharp;

namespace TrainingSample.Torch;

/// <summary>The TorchSharp path of the sample: make sure the data exists, train, print per-epoch figures and a JSON summary.</summary>
internal static class TorchJob
{
    public static int Run(SampleConfig config, SampleArguments args, TextWriter output)
    {
        DatasetSection dataset = config.Dataset;
        ProgressDisplay progress = ProgressDisplay.ForStandardError(!args.Json && !args.Quiet);
        if (dataset.Path is not null && !File.Exists(dataset.Path))
        {
            if (!dataset.Generate && !args.Generate)
            {
                long bytes = dataset.Rows * dataset.Cols * ElementTypeInfo.SizeOf(dataset.Type);
                throw new FileNotFoundException(
                    $"{dataset.Path}: not found; it is a {FormatBytes(bytes)} array ({dataset.Rows} x {dataset.Cols} {ElementTypeInfo.Name(dataset.Type)}) this config does not create by itself. Create it with `dotnet run --project src/WindowDataset.Cli -- gen {dataset.Path} --rows {dataset.Rows} --cols {dataset.Cols} --dtype {ElementTypeInfo.Name(dataset.Type)} --seed {dataset.Seed} --signal {SignalName(dataset.Signal)}`, or rerun with --generate.",
                    dataset.Path);
            }

            Generate(dataset, progress, args.Quiet || args.Json ? TextWriter.Null : output);
        }

        WindowLoaderOptions options = config.BindLoader();
        if (args.Workers is { } workers)
        {
            options.Workers = workers;
            options.MaxWorkers = workers.IsAuto ? options.MaxWorkers : null;
        }

        var settings = new TrainerSettings(args.Epochs ?? config.Training.Epochs, config.Training.LearningRate, config.Training.Hidden, config.Training.Model, config.Training.Seed);
        torch.set_num_threads(config.Training.Threads ?? Math.Max(1, Environment.ProcessorCount - 1));
        using var loader = new TensorWindowLoader(options);
        if (!args.Quiet)
        {
            WindowLoader l = loader.Loader;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{config.Path}: {l.Info.Rows} rows x ({string.Join(", ", l.RowShape)}) {ElementTypeInfo.Name(l.Info.ElementType)} -> {loader.DType}; window {l.Window}, batch {l.BatchSize}, {l.WindowsPerEpoch} windows/epoch, {(options.Workers is { IsAuto: true } ? $"auto workers (1..{l.Workers})" : $"{l.Workers} workers")}, {l.BufferCount} buffers of {FormatBytes(l.BatchBytes)}; model {settings.Model}, {settings.Epochs} epochs"));
        }

        // One bar per epoch, erased before the epoch's line is printed.
        ProgressScope? bar = null;
        IReadOnlyList<EpochReport> reports;
        var waits = new WaitHistogram();
        int collections = GC.CollectionCount(0);
        try
        {
            reports = Trainer.Train(
                loader,
                settings,
                onEpoch: r =>
                {
                    bar?.Dispose();
                    bar = null;
                    if (!args.Quiet)
                    {
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"epoch {r.Epoch + 1}/{settings.Epochs}  loss {r.Loss:F6}  windows/s {r.WindowsPerSecond:N0}  data wait {r.DataWaitShare * 100:F1}%  ({r.Seconds:F1} s)"));
                    }
                },
                onBatch: (done, total) =>
                {
                    bar ??= progress.Start("training");
                    bar.Report((double)done / total);
                },
                waits: waits);
            collections = GC.CollectionCount(0) - collections;
        }
        finally
        {
            bar?.Dispose();
        }

        double seconds = 0;
        double wait = 0;
        long windows = 0;
        foreach (EpochReport r in reports)
        {
            seconds += r.Seconds;
            wait += r.WaitSeconds;
            windows += r.Windows;
        }

        LoaderStatistics stats = loader.GetStatistics();
        double first = reports[0].Loss;
        double last = reports[^1].Loss;
        if (args.Json)
        {
            var summary = new Dictionary<string, object>
            {
                ["mode"] = "torch",
                ["epochs"] = reports.Count,
                ["first_epoch_loss"] = first,
                ["last_epoch_loss"] = last,
                ["loss_per_epoch"] = reports.Select(r => r.Loss).ToArray(),
                ["windows_per_second"] = seconds > 0 ? windows / seconds : 0,
                ["data_wait_per_epoch"] = reports.Select(r => r.DataWaitShare).ToArray(),
                ["data_wait_share"] = seconds > 0 ? Math.Clamp(wait / seconds, 0, 1) : 0,
                ["windows"] = windows,
                ["seconds"] = seconds,
                ["loader_wait_share"] = stats.DataWaitShare,
                ["workers"] = stats.AdaptiveWorkers ? "auto" : stats.Workers.ToString(CultureInfo.InvariantCulture),
                ["max_workers"] = stats.Workers,
                ["mean_active_workers"] = stats.MeanActiveWorkers,
                ["final_active_workers"] = stats.ActiveWorkers,
                ["worker_increases"] = stats.WorkerIncreases,
                ["worker_decreases"] = stats.WorkerDecreases,
                ["data_wait_first_batch_ms"] = waits.FirstSeconds * 1000,
                ["data_wait_histogram"] = waits.ToDictionary(),
                ["data_wait_stalls"] = waits.Stalls,
                ["data_wait_stall_share"] = seconds > 0 ? waits.StallSeconds / seconds : 0,
                ["data_wait_max_ms"] = waits.MaxSeconds * 1000,
                ["torch_threads"] = torch.get_num_threads(),
                ["gc_collections"] = collections,
            };
            output.WriteLine(JsonSerializer.Serialize(summary));
        }
        else if (!args.Quiet)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"loss {first:F6} -> {last:F6} ({(last < first ? "falling" : "NOT falling")}); {windows / seconds:N0} windows/s; data wait {wait / seconds * 100:F1}% of step time"));
            if (stats.AdaptiveWorkers)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"workers auto: {stats.ActiveWorkers} of {stats.Workers} active at the end, {stats.MeanActiveWorkers:F2} on average; {stats.WorkerIncreases} increases, {stats.WorkerDecreases} decreases"));
            }
        }

        return 0;
    }

    private static void Generate(DatasetSection dataset, ProgressDisplay progress, TextWriter output)
    {
        string path = dataset.Path!;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string partial = path + ".partial";
        output.WriteLine($"{path}: creating a {dataset.Rows} x {dataset.Cols} {ElementTypeInfo.Name(dataset.Type)} {SignalName(dataset.Signal)} demo array ({FormatBytes(dataset.Rows * dataset.Cols * ElementTypeInfo.SizeOf(dataset.Type))})");
        try
        {
            using (ProgressScope bar = progress.Start("creating data"))
            {
                SyntheticData.WriteNpy(partial, dataset.Rows, dataset.Cols, dataset.Type, dataset.Signal, dataset.Seed, bar);
            }

            File.Move(partial, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }
        }
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F1} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB"),
    };

    /// <summary>The signal as the config (and <c>windowds gen --signal</c>) spells it.</summary>
    internal static string SignalName(SignalKind signal) => signal == SignalKind.Random ? "random" : "ar";
}
