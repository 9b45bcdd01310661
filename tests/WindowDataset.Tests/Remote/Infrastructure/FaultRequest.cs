namespace WindowDataset.Tests.Remote.Infrastructure;

/// <summary>One request as the fault policy sees it: its number (from 1), method, path and query, and Range header (or Azure's x-ms-range).</summary>
public sealed record FaultRequest(int Number, string Method, string PathAndQuery, string Range);
