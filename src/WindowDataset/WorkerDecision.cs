namespace WindowDataset;

/// <summary>One change of the active worker count under <c>workers: "auto"</c> (see <see cref="LoaderStatistics.WorkerDecisions"/>).</summary>
/// <param name="Elapsed">When: <see cref="LoaderStatistics.Elapsed"/> at the decision.</param>
/// <param name="From">Active workers before.</param>
/// <param name="To">Active workers after.</param>
/// <param name="DataWaitShare">Share (0..1) of the last interval the consumer waited for data.</param>
/// <param name="BusyShare">Share (0..1) of the last interval the active workers were busy, averaged over them.</param>
public sealed record WorkerDecision(TimeSpan Elapsed, int From, int To, double DataWaitShare, double BusyShare);
