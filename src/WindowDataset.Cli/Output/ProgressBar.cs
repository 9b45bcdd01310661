using System.Diagnostics;
using System.Globalization;

namespace WindowDataset.Cli.Output;

/// <summary>
/// A one-line progress bar on the error stream, redrawn at most 10 times a second; a no-op when disabled
/// (output redirected, or --quiet). Reports come synchronously from the working thread.
/// </summary>
internal sealed class ProgressBar : IProgress<double>, IDisposable
{
    private const int Width = 30;
    private readonly TextWriter? _writer;
    private readonly string _label;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDraw = long.MinValue;
    private double _fraction;
    private bool _drawn;

    public ProgressBar(TextWriter? writer, string label)
    {
        _writer = writer;
        _label = label;
    }

    public void Report(double value)
    {
        if (_writer is null)
        {
            return;
        }

        _fraction = Math.Clamp(value, 0, 1);
        long now = _clock.ElapsedMilliseconds;
        if (now - _lastDraw < 100 && _fraction < 1)
        {
            return;
        }

        _lastDraw = now;
        Draw();
    }

    public void Dispose()
    {
        if (_writer is not null && _drawn)
        {
            _writer.Write("\r" + new string(' ', Width + _label.Length + 24) + "\r");
            _writer.Flush();
        }
    }

    private void Draw()
    {
        int filled = (int)Math.Round(_fraction * Width);
        double seconds = _clock.Elapsed.TotalSeconds;
        string eta = _fraction > 0.01 && _fraction < 1 ? $" eta {(seconds / _fraction) - seconds:F0}s" : string.Empty;
        _writer!.Write(string.Create(CultureInfo.InvariantCulture, $"\r{_label} [{new string('#', filled)}{new string('.', Width - filled)}] {_fraction * 100,5:F1}%{eta}   "));
        _writer.Flush();
        _drawn = true;
    }
}
