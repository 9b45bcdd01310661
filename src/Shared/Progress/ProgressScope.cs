using Spectre.Console;

namespace WindowDataset.Shared.Progress;

/// <summary>
/// One live progress bar. Spectre.Console's progress runs a callback; the work here is the caller's own code (a
/// loop, a library call taking <see cref="IProgress{T}"/>), so the bar's render loop runs on a pool thread until
/// the scope is disposed. Reports only set the task's value (Spectre redraws about 10 times a second), so they are
/// cheap enough to make per batch.
/// </summary>
internal sealed class ProgressScope : IProgress<double>, IDisposable
{
    private readonly ManualResetEventSlim? _finished;
    private readonly Task? _render;
    private readonly ProgressTask? _task;
    private bool _disposed;

    internal ProgressScope(IAnsiConsole console, string label)
    {
        var finished = new ManualResetEventSlim(false);
        var started = new TaskCompletionSource<ProgressTask>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task render = Task.Run(() => console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                started.SetResult(context.AddTask(Markup.Escape(label), maxValue: 1));
                finished.Wait();
            }));

        // The bar exists once the render loop has added it. A render loop that could not start (another live display
        // on the same console) leaves the work without a bar rather than failing it.
        Task.WaitAny(started.Task, render);
        if (!started.Task.IsCompletedSuccessfully)
        {
            _ = render.Exception;
            finished.Dispose();
            return;
        }

        _finished = finished;
        _render = render;
        _task = started.Task.Result;
    }

    private ProgressScope()
    {
    }

    /// <summary>A scope that draws nothing.</summary>
    internal static ProgressScope None { get; } = new();

    public void Report(double value)
    {
        if (_task is not null)
        {
            _task.Value = Math.Clamp(value, 0, 1);
        }
    }

    public void Dispose()
    {
        if (_finished is null || _render is null || _disposed)
        {
            return;
        }

        _disposed = true;
        _finished.Set();
        _render.Wait();
        _finished.Dispose();
    }
}
