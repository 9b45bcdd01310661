using Microsoft.Extensions.FileProviders;

// Serves the files of one folder on 127.0.0.1 with what object storage gives a ranged reader: byte ranges (206 with
// Content-Range), ETags and Last-Modified (ASP.NET Core's static file middleware). For trying remote sources
// locally, and for benchmarking them under faults: --fail R answers a share R of GETs with 503 (seeded, so a run can
// be repeated), --latency-ms L delays every GET by L ms (a link that is not localhost). Both apply to ranged GETs and
// to GETs of whole objects (Zarr chunks and metadata).
//   dotnet tools/RangeServer/bin/Release/net10.0/RangeServer.dll <folder> <port> [--fail 0.1] [--latency-ms 5] [--seed 1]
if (args.Length < 2 || !Directory.Exists(args[0]) || !int.TryParse(args[1], out int port) || port is < 1 or > 65535)
{
    Console.Error.WriteLine("usage: RangeServer <folder> <port> [--fail RATE] [--latency-ms MS] [--seed S]: expected an existing folder and a port 1..65535.");
    return 2;
}

double fail = 0;
int latency = 0, seed = 1;
for (int i = 2; i + 1 < args.Length; i += 2)
{
    bool ok = args[i] switch
    {
        "--fail" => double.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out fail) && fail is >= 0 and < 1,
        "--latency-ms" => int.TryParse(args[i + 1], out latency) && latency >= 0,
        "--seed" => int.TryParse(args[i + 1], out seed),
        _ => false,
    };
    if (!ok)
    {
        Console.Error.WriteLine($"RangeServer: option '{args[i]}': expected --fail 0..1, --latency-ms >= 0 or --seed N; found '{args[i + 1]}'.");
        return 2;
    }
}

string root = Path.GetFullPath(args[0]);
var random = new Random(seed);
var gate = new Lock();
WebApplicationBuilder builder = WebApplication.CreateBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
WebApplication app = builder.Build();
app.Use(async (context, next) =>
{
    if (context.Request.Headers.Range.Count > 0 || HttpMethods.IsGet(context.Request.Method))
    {
        if (latency > 0)
        {
            await Task.Delay(latency).ConfigureAwait(false);
        }

        bool refuse;
        lock (gate)
        {
            refuse = random.NextDouble() < fail;
        }

        if (refuse)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
    }

    await next(context).ConfigureAwait(false);
});
app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(root, Microsoft.Extensions.FileProviders.Physical.ExclusionFilters.None), ServeUnknownFileTypes = true });
Console.WriteLine($"serving {root} on http://127.0.0.1:{port}/ (fail {fail:P0}, latency {latency} ms)");
app.Run();
return 0;
