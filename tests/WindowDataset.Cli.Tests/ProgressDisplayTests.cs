using Spectre.Console.Testing;
using WindowDataset.Shared.Progress;

namespace WindowDataset.Cli.Tests;

public sealed class ProgressDisplayTests
{
    [Fact]
    public void Start_Reports_RenderLabelAndPercentage()
    {
        var console = new TestConsole().Interactive().EmitAnsiSequences();
        var display = new ProgressDisplay(console);

        using (ProgressScope scope = display.Start("copying [data]"))
        {
            scope.Report(0.25);
            scope.Report(1);
        }

        // The label is text, not Spectre markup; the last state is drawn before the bar is cleared.
        Assert.Contains("copying [data]", console.Output, StringComparison.Ordinal);
        Assert.Contains("100%", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void ForStandardError_NotEnabled_IsDisabled()
    {
        ProgressDisplay display = ProgressDisplay.ForStandardError(enabled: false);

        Assert.Same(ProgressDisplay.Disabled, display);
        Assert.False(display.Enabled);
    }

    [Fact]
    public void Start_WhileAnotherBarIsLive_SecondDrawsNothingAndDoesNotThrow()
    {
        // A real console (TestConsole does not enforce Spectre's one-live-display rule).
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var display = new ProgressDisplay(ProgressDisplay.ForWriter(writer));

        using (ProgressScope first = display.Start("first"))
        {
            using ProgressScope second = display.Start("second");
            second.Report(1);
            first.Report(1);
        }

        Assert.Contains("first", writer.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("second", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_Twice_IsHarmless()
    {
        var console = new TestConsole().Interactive();
        ProgressScope scope = new ProgressDisplay(console).Start("twice");

        scope.Dispose();
        scope.Dispose();

        Assert.Contains("twice", console.Output, StringComparison.Ordinal);
    }
}
