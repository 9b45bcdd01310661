using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using WindowDataset;
using WindowDataset.ML;
using WindowDataset.Synthetic;

namespace TrainingSample.MlNet;

/// <summary>
/// The ML.NET path of the sample (selected by "mode": "mlnet" in the config): make sure the demo data exists, take
/// the windows of the loader's <c>split</c> (train on <c>loader.use</c>, score on the other ranges, each after a
/// <c>gap</c> so no window of one range shares a row with another's), measure the rows/s the view delivers to
/// CreateEnumerable, train a regressor (FastTree or SDCA) for one channel of the next row and print R² and RMSE on
/// the held-out windows; with --json the last line is one JSON object.
/// </summary>
internal static class MlNetJob
{
    internal static int Run(JsonElement root, string configPath, bool json, TextWriter output)
    {
        SampleConfig config = SampleConfig.Load(configPath);
        MlNetSection section = MlNetSection.Parse(root, configPath);
        TextWriter log = json ? TextWriter.Null : output;
        DatasetSection dataset = config.Dataset;
        if (dataset.Path is not null && !File.Exists(dataset.Path))
        {
            if (!dataset.Generate)
            {
                throw new FileNotFoundException($"{dataset.Path}: not found, and $.dataset.generate is false in {configPath}.", dataset.Path);
            }

            Generate(dataset, log);
        }

        WindowLoaderOptions loader = config.BindLoader();
        if (loader.Target is not { Kind: TargetKind.Next })
        {
            throw new InvalidDataException($"{configPath}: $.loader.target.kind: expected \"next\" (the label is a channel of the row after the window); found \"{loader.Target?.Kind.ToString().ToLowerInvariant()}\".");
        }

        if (loader.Starts is not null)
        {
            throw new InvalidDataException($"{configPath}: $.loader.starts: expected none (the ML.NET sample chooses the train and test windows itself); found {loader.Starts.Count} starts.");
        }

        ArrayInfo info = ArrayInfo.Read(loader.Source);
        int channels = 1;
        foreach (int d in info.RowShape)
        {
            channels *= d;
        }

        if (section.LabelChannel >= channels)
        {
            throw new InvalidDataException($"{configPath}: $.mlnet.labelChannel: expected 0..{channels - 1} (a channel of {info.Shards[0].Path}); found {section.LabelChannel}.");
        }

        if (loader.Split is null || loader.Use is null)
        {
            throw new InvalidDataException($"{configPath}: $.loader.split: expected named row ranges with the training one named by loader.use (\"split\": {{\"train\": [0.0, 0.8], \"test\": [0.8, 1.0], \"gap\": 16}}, \"use\": \"train\"); found {(loader.Split is null ? "no split" : "no use")}.");
        }

        List<string> scored = section.Evaluate is { } names ? [.. names] : [.. OtherRanges(loader)];
        foreach (string name in scored)
        {
            if (!loader.Split.Ranges.ContainsKey(name) || name == loader.Use)
            {
                throw new InvalidDataException($"{configPath}: $.mlnet.evaluate: expected ranges of loader.split other than '{loader.Use}' ({string.Join(", ", loader.Split.Ranges.Keys)}); found '{name}'.");
            }
        }

        if (scored.Count == 0)
        {
            throw new InvalidDataException($"{configPath}: $.loader.split: expected a range to score on besides '{loader.Use}'; found only '{loader.Use}'.");
        }

        int labelIndex = ((loader.Target.Horizon - 1) * channels) + section.LabelChannel;
        var trainView = new WindowDataView(ViewOptions(loader, loader.Use, section.Stride, labelIndex));
        var heldOut = new List<(string Name, WindowDataView View)>();
        foreach (string name in scored)
        {
            heldOut.Add((name, new WindowDataView(ViewOptions(loader, name, section.Stride, labelIndex))));
        }

        var ml = new MLContext(seed: section.Seed);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{configPath}: {info.Rows} rows x {channels} channels; windows of {loader.Window} rows -> Features ({loader.Window} x {channels} Single), Label = channel {section.LabelChannel} of row +{loader.Target.Horizon}; {loader.Use} {trainView.RowCount} windows, {string.Join(", ", heldOut.Select(h => $"{h.Name} {h.View.RowCount} windows"))} (split gap {loader.Split.Gap} rows)"));

        (double rowsPerSecond, long measuredRows, double measuredSeconds) = MeasureRowRate(ml, trainView, section.MeasureSeconds);
        (double cursorRate, _, _) = MeasureCursorRate(trainView, section.MeasureSeconds);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CreateEnumerable over the view: {rowsPerSecond:N0} rows/s ({measuredRows} rows in {measuredSeconds:F2} s); the view's cursor alone (Features + Label getters): {cursorRate:N0} rows/s"));

        IEstimator<ITransformer> trainer = section.Trainer == "sdca"
            ? ml.Transforms.NormalizeMeanVariance(WindowDataView.FeaturesColumnName).Append(ml.Regression.Trainers.Sdca(maximumNumberOfIterations: section.Iterations))
            : ml.Regression.Trainers.FastTree(numberOfLeaves: section.Leaves, numberOfTrees: section.Trees, learningRate: section.LearningRate);
        var clock = Stopwatch.StartNew();
        ITransformer model = trainer.Fit(trainView);
        double trainSeconds = clock.Elapsed.TotalSeconds;
        RegressionMetrics train = ml.Regression.Evaluate(model.Transform(trainView));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{section.Trainer}: trained in {trainSeconds:F1} s; {loader.Use} R² {train.RSquared:F4}"));
        var metrics = new Dictionary<string, object>();
        RegressionMetrics test = null!;
        foreach ((string name, WindowDataView view) in heldOut)
        {
            test = ml.Regression.Evaluate(model.Transform(view));
            metrics[name] = new Dictionary<string, object> { ["r_squared"] = test.RSquared, ["rmse"] = test.RootMeanSquaredError, ["mae"] = test.MeanAbsoluteError, ["rows"] = view.RowCount };
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  held-out {name}: R² {test.RSquared:F4}, RMSE {test.RootMeanSquaredError:F4}, MAE {test.MeanAbsoluteError:F4} ({view.RowCount} windows)"));
        }

        if (json)
        {
            // r_squared, rmse and mae are the last held-out range's (the latest rows: test).
            var summary = new Dictionary<string, object>
            {
                ["mode"] = "mlnet",
                ["trainer"] = section.Trainer,
                ["r_squared"] = test.RSquared,
                ["rmse"] = test.RootMeanSquaredError,
                ["mae"] = test.MeanAbsoluteError,
                ["train_r_squared"] = train.RSquared,
                ["train_rows"] = trainView.RowCount,
                ["test_rows"] = heldOut[^1].View.RowCount,
                ["held_out"] = metrics,
                ["features"] = loader.Window * channels,
                ["rows_per_second"] = rowsPerSecond,
                ["cursor_rows_per_second"] = cursorRate,
                ["train_seconds"] = trainSeconds,
            };
            output.WriteLine(JsonSerializer.Serialize(summary));
        }

        return 0;
    }

    /// <summary>Every stride-th window of split range <paramref name="range"/>, in row order.</summary>
    private static WindowDataViewOptions ViewOptions(WindowLoaderOptions loader, string range, long stride, int labelIndex)
    {
        WindowLoaderOptions options = loader.Clone();
        options.Use = range;
        options.Sampler = SamplerKind.Sequential;
        options.Stride = stride;
        options.Starts = null;
        options.WindowsPerEpoch = null;
        options.ShuffleBlock = null;
        options.DropLast = false;
        options.Rank = 0;
        options.WorldSize = 1;
        return new WindowDataViewOptions { Loader = options, LabelIndex = labelIndex };
    }

    /// <summary>The split's ranges other than the trained one, by first row.</summary>
    private static IEnumerable<string> OtherRanges(WindowLoaderOptions loader) =>
        loader.Split!.Ranges.Where(r => r.Key != loader.Use).OrderBy(r => r.Value[0]).Select(r => r.Key);

    /// <summary>Enumerates the view with CreateEnumerable (reusing the row object) for at least one pass and about <paramref name="seconds"/>.</summary>
    private static (double RowsPerSecond, long Rows, double Seconds) MeasureRowRate(MLContext ml, WindowDataView view, double seconds)
    {
        SchemaDefinition schema = SchemaDefinition.Create(typeof(WindowRow));
        schema[WindowDataView.FeaturesColumnName].ColumnType = view.Schema[WindowDataView.FeaturesColumnName].Type;
        long rows = 0;
        double checksum = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            foreach (WindowRow row in ml.Data.CreateEnumerable<WindowRow>(view, reuseRowObject: true, schemaDefinition: schema))
            {
                checksum += row.Features[^1] + row.Label;
                rows++;
            }
        }
        while (clock.Elapsed.TotalSeconds < seconds);

        double elapsed = clock.Elapsed.TotalSeconds;
        Debug.Assert(!double.IsNaN(checksum), "the data is finite");
        return (rows / elapsed, rows, elapsed);
    }

    /// <summary>Reads the view's Features and Label through one cursor's getters (no per-row objects) for at least one pass.</summary>
    private static (double RowsPerSecond, long Rows, double Seconds) MeasureCursorRate(WindowDataView view, double seconds)
    {
        DataViewSchema.Column features = view.Schema[WindowDataView.FeaturesColumnName];
        DataViewSchema.Column label = view.Schema[WindowDataView.LabelColumnName];
        VBuffer<float> buffer = default;
        float value = 0;
        double checksum = 0;
        long rows = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            using DataViewRowCursor cursor = view.GetRowCursor([features, label]);
            ValueGetter<VBuffer<float>> x = cursor.GetGetter<VBuffer<float>>(features);
            ValueGetter<float> y = cursor.GetGetter<float>(label);
            while (cursor.MoveNext())
            {
                x(ref buffer);
                y(ref value);
                checksum += buffer.GetValues()[^1] + value;
                rows++;
            }
        }
        while (clock.Elapsed.TotalSeconds < seconds);

        double elapsed = clock.Elapsed.TotalSeconds;
        Debug.Assert(!double.IsNaN(checksum), "the data is finite");
        return (rows / elapsed, rows, elapsed);
    }

    private static void Generate(DatasetSection dataset, TextWriter log)
    {
        string path = dataset.Path!;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string partial = path + ".partial";
        log.WriteLine($"{path}: creating a {dataset.Rows} x {dataset.Cols} {ElementTypeInfo.Name(dataset.Type)} {Torch.TorchJob.SignalName(dataset.Signal)} demo array");
        try
        {
            SyntheticData.WriteNpy(partial, dataset.Rows, dataset.Cols, dataset.Type, dataset.Signal, dataset.Seed);
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
}
