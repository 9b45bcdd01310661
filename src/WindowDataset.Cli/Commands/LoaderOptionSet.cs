using System.CommandLine;
using WindowDataset.Cli.CommandLine;

namespace WindowDataset.Cli.Commands;

/// <summary>The loader options take and bench share: added to a verb, then applied over the config file's options.</summary>
internal sealed class LoaderOptionSet
{
    private readonly Option<int?> _window;
    private readonly Option<int?> _batch;
    private readonly Option<int?> _workers;
    private readonly Option<long?> _memoryBudget;
    private readonly Option<ElementTypeValue?> _dtype;
    private readonly Option<ulong?> _seed;
    private readonly Option<string?> _pageCache;
    private readonly Option<string?> _config;
    private readonly Option<string?> _dataset;
    private readonly Option<string?> _endpoint;

    public LoaderOptionSet(string verb, string windowHelp, string workersHelp, string dtypeHelp, string memoryBudgetHelp, string pageCacheHelp, string configHelp)
    {
        _config = CliOptions.Text("--config", "FILE", configHelp);
        _dataset = CliOptions.Text("--dataset", "NAME", DatasetHelp);
        _endpoint = CliOptions.Text("--endpoint", "URL", EndpointHelp);
        _window = CliOptions.Int(verb, "--window", "W", windowHelp, minimum: 1);
        _batch = CliOptions.Int(verb, "--batch", "B", "windows per batch (default 64)", minimum: 1);
        _workers = CliOptions.Int(verb, "--workers", "N", workersHelp, minimum: 1, maximum: 256);
        _seed = CliOptions.ULong(verb, "--seed", "S", "sampler seed (default 0)");
        _dtype = CliOptions.ElementType(verb, "--dtype", "T", dtypeHelp);
        _memoryBudget = CliOptions.ByteSize(verb, "--memory-budget", "SIZE", memoryBudgetHelp);
        _pageCache = CliOptions.Choice(verb, "--page-cache", "POLICY", pageCacheHelp, "default", "drop");
    }

    /// <summary>The help of every verb's <c>--dataset</c>.</summary>
    public const string DatasetHelp = "HDF5: the dataset (/group/name); Zarr: the array inside a group (grp/x); needed when there is more than one";

    /// <summary>The help of every verb's <c>--endpoint</c>.</summary>
    public const string EndpointHelp = "s3:// sources: the endpoint of an S3-compatible server (path-style); default AWS_ENDPOINT_URL, else AWS";

    public Option<ulong?> Seed => _seed;

    public void AddTo(Command command)
    {
        command.Add(_config);
        command.Add(_dataset);
        command.Add(_endpoint);
        command.Add(_window);
        command.Add(_batch);
        command.Add(_workers);
        command.Add(_seed);
        command.Add(_dtype);
        command.Add(_memoryBudget);
        command.Add(_pageCache);
    }

    public string? ConfigPath(ParseResult result) => result.GetValue(_config);

    /// <summary>Explicit options override the config file's.</summary>
    public void Apply(WindowLoaderOptions options, ParseResult result)
    {
        if (result.GetValue(_dataset) is { } dataset)
        {
            options.Source.Dataset = dataset;
        }

        if (result.GetValue(_endpoint) is { } endpoint)
        {
            options.Source.Endpoint = endpoint;
        }

        if (result.GetValue(_window) is { } window)
        {
            options.Window = window;
        }

        if (result.GetValue(_batch) is { } batch)
        {
            options.BatchSize = batch;
        }

        if (result.GetValue(_workers) is { } workers)
        {
            options.Workers = workers;
        }

        if (result.GetValue(_memoryBudget) is { } budget)
        {
            options.MemoryBudget = budget;
        }

        if (result.GetValue(_dtype) is { } type)
        {
            options.OutputType = type.Type;
        }

        if (result.GetValue(_seed) is { } seed)
        {
            options.Seed = seed;
        }

        if (result.GetValue(_pageCache) is { } pageCache)
        {
            options.PageCache = pageCache == "drop" ? PageCachePolicy.DropAfterRead : PageCachePolicy.Default;
        }

        options.Rank ??= 0;
        options.WorldSize ??= 1;
    }
}
