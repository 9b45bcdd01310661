namespace WindowDataset.Tests.Remote.Infrastructure;

/// <summary>One request as the fault policy sees it: its number (from 1), method, path and query, and Range header.</summary>
public sealed record FaultRequest(int Number, string Method, string PathAndQuery, string Range);
