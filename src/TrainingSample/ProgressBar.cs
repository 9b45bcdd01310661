using System.Diagnostics;

namespace TrainingSample;

/// <summary>A one-line progress bar on stderr, drawn at most 10 times a second; silent when stderr is redirected.</summary>
internal sealed class ProgressBar
{
    private const int Width = 30;
    private readonly TextWriter _output;
    private readonly bool _enabled;
    private long _lastDraw;
    private bool _drawn;

    public ProgressBar(bool enabled)
    {
        _output = Console.Error;
        _enabled = enabled && !Console.IsErrorRedirected;
    }

    public void Report(string label, double fraction)
    {
        if (!_enabled)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        if (_drawn && fraction < 1 && Stopwatch.GetElapsedTime(_lastDraw, now).TotalMilliseconds < 100)
        {
            return;
        }

        _lastDraw = now;
        _drawn = true;
        int filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * Width);
        _output.Write($"\r{label} [{new string('#', filled)}{new string('.', Width - filled)}] {fraction * 100,5:F1}%");
    }

    /// <summary>Erases the bar so the next line starts clean.</summary>
    public void Clear()
    {
        if (_enabled && _drawn)
        {
            _output.Write("\r" + new string(' ', Width + 40) + "\r");
            _drawn = false;
        }
    }
}
