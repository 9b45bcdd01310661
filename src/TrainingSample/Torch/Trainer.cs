using System.Diagnostics;
using TorchSharp;
using WindowDataset.TorchSharp;
using static TorchSharp.torch;

namespace TrainingSample.Torch;

/// <summary>
/// Trains a <see cref="ForecastModel"/> on a <see cref="TensorWindowLoader"/> with a target: mean squared error
/// between the model's output and the flattened target, Adam. Times the wait for each batch separately from the
/// step, so the data-wait share is measured from the training loop's side.
/// </summary>
internal static class Trainer
{
    /// <param name="loader">A loader with a target (next rows or labels).</param>
    /// <param name="settings">Model and optimiser.</param>
    /// <param name="onEpoch">Called after each epoch.</param>
    /// <param name="onBatch">Called after each step with (batches done, batches per epoch).</param>
    /// <param name="waits">Filled with each batch's wait, when given.</param>
    /// <param name="cancellationToken">Stops the epoch in progress.</param>
    /// <exception cref="ArgumentException">The loader has no target.</exception>
    public static IReadOnlyList<EpochReport> Train(TensorWindowLoader loader, TrainerSettings settings, Action<EpochReport>? onEpoch = null, Action<long, long>? onBatch = null, WaitHistogram? waits = null, CancellationToken cancellationToken = default)
    {
        WindowDataset.WindowLoader inner = loader.Loader;
        IReadOnlyList<int>? targetShape = inner.TargetItemShape;
        if (targetShape is null)
        {
            throw new ArgumentException("loader.target: expected a target (kind \"next\" or \"file\") to train on; found none.", nameof(loader));
        }

        long channels = 1;
        foreach (int d in inner.RowShape)
        {
            channels *= d;
        }

        long outputs = 1;
        foreach (int d in targetShape)
        {
            outputs *= d;
        }

        // One stream over all epochs: the loader's workers keep going across epoch boundaries, so the first batches
        // of the next epoch are ready when an epoch ends (an epoch-by-epoch loop would restart them every epoch).
        // The first request starts the loader (its buffers, threads and first batches) on the thread pool while the
        // model is built here, so training starts on a filled pipeline.
        using IEnumerator<TensorBatch> stream = loader.Read(WindowDataset.ReadRange.ForEpochs(0, settings.Epochs), cancellationToken).GetEnumerator();
        Task<bool> first = Task.Run(stream.MoveNext, cancellationToken);
        try
        {
            return Run(loader, settings, stream, first, channels, outputs, onEpoch, onBatch, waits);
        }
        finally
        {
            // The enumerator is disposed after this: never while the first request still runs.
            ((Task)first).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
        }
    }

    private static List<EpochReport> Run(TensorWindowLoader loader, TrainerSettings settings, IEnumerator<TensorBatch> stream, Task<bool> first, long channels, long outputs, Action<EpochReport>? onEpoch, Action<long, long>? onBatch, WaitHistogram? waits)
    {
        WindowDataset.WindowLoader inner = loader.Loader;

        // Everything the run creates (model, optimizer state, temporaries) is disposed with this scope; the loader's
        // pool tensors are detached from scopes and stay with the loader.
        using DisposeScope runScope = NewDisposeScope();
        random.manual_seed(settings.Seed);
        using var model = new ForecastModel(settings.Model, inner.Window, channels, settings.Hidden, outputs);
        model.to(loader.Device);
        model.to(loader.DType);
        using optim.Optimizer optimizer = optim.Adam(model.parameters(), settings.LearningRate);
        ScalarType targetType = loader.DType;
        var reports = new List<EpochReport>(settings.Epochs);
        double lossSum = 0;
        long windows = 0;
        long batches = 0;
        long waitTicks = 0;
        long epochStart = Stopwatch.GetTimestamp();
        long epoch = 0;
        void EndEpoch()
        {
            double seconds = Stopwatch.GetElapsedTime(epochStart).TotalSeconds;
            var report = new EpochReport(epoch, windows > 0 ? lossSum / windows : double.NaN, windows, seconds, (double)waitTicks / Stopwatch.Frequency);
            reports.Add(report);
            onEpoch?.Invoke(report);
            (lossSum, windows, batches, waitTicks, epochStart) = (0, 0, 0, 0, Stopwatch.GetTimestamp());
        }

        model.train();
        bool started = false;
        while (true)
        {
            long waitStart = Stopwatch.GetTimestamp();
            bool more = started ? stream.MoveNext() : first.GetAwaiter().GetResult();
            long waited = Stopwatch.GetTimestamp() - waitStart;
            if (!more)
            {
                // No batch is awaited here: the loader stops its workers (its time stays in the epoch's).
                break;
            }

            TensorBatch batch = stream.Current;
            if (batch.Epoch != epoch)
            {
                // The wait for the first batch of an epoch belongs to that epoch.
                EndEpoch();
                epoch = batch.Epoch;
            }

            waitTicks += waited;
            if (waits is not null)
            {
                if (started)
                {
                    waits.Add(waited);
                }
                else
                {
                    waits.FirstSeconds = (double)waited / Stopwatch.Frequency;
                }
            }

            started = true;
            using (DisposeScope scope = NewDisposeScope())
            {
                Tensor target = batch.Target!.reshape(batch.Count, outputs).to_type(targetType);
                Tensor prediction = model.forward(batch.Input);
                Tensor loss = nn.functional.mse_loss(prediction, target);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                lossSum += loss.ToDouble() * batch.Count;
            }

            windows += batch.Count;
            batches++;
            onBatch?.Invoke(batches, loader.BatchesPerEpoch);
        }

        if (windows > 0)
        {
            EndEpoch();
        }

        return reports;
    }
}
