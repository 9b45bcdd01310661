namespace TrainingSample.Torch;

/// <summary>One epoch's figures.</summary>
/// <param name="Epoch">Epoch number, from 0.</param>
/// <param name="Loss">Mean training loss over the epoch's windows.</param>
/// <param name="Windows">Windows trained on.</param>
/// <param name="Seconds">Wall time of the epoch.</param>
/// <param name="WaitSeconds">Time the training loop was blocked waiting for the next batch.</param>
internal sealed record EpochReport(long Epoch, double Loss, long Windows, double Seconds, double WaitSeconds)
{
    public double WindowsPerSecond => Seconds > 0 ? Windows / Seconds : 0;

    /// <summary>Share (0..1) of the epoch's time spent waiting for data.</summary>
    public double DataWaitShare => Seconds > 0 ? Math.Clamp(WaitSeconds / Seconds, 0, 1) : 0;
}
