using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace WindowDataset.Tests.Remote.Infrastructure;

/// <summary>
/// In-process Kestrel on a free port of 127.0.0.1 serving objects with ASP.NET Core's own range processing (206,
/// Content-Range, If-Match against a strong ETag that changes with every upload). <c>/o/NAME</c> serves ranges;
/// <c>/plain/NAME</c> ignores them (200 with the whole object), as some servers do.
/// </summary>
public sealed class RangeServer : IDisposable
{
    private readonly ConcurrentDictionary<string, (byte[] Data, string ETag)> _objects = new();
    private readonly WebApplication _app;
    private int _version;
    private long _requests;

    public RangeServer()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapGet("/o/{**name}", (string name) =>
        {
            Interlocked.Increment(ref _requests);
            return _objects.TryGetValue(name, out var o)
                ? Results.Bytes(o.Data, "application/octet-stream", enableRangeProcessing: true, entityTag: new EntityTagHeaderValue(o.ETag))
                : Results.NotFound();
        });
        _app.MapGet("/plain/{name}", (string name) =>
        {
            Interlocked.Increment(ref _requests);
            return _objects.TryGetValue(name, out var o) ? Results.Bytes(o.Data, "application/octet-stream") : Results.NotFound();
        });
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>Requests served so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Stores (or replaces, with a new ETag) an object and returns its ranged URL.</summary>
    public string Put(string name, byte[] data)
    {
        string etag = "\"v" + Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"";
        _objects[name] = (data, etag);
        return Url(name);
    }

    public string Url(string name) => BaseUrl + "/o/" + name;

    public void Dispose()
    {
        _app.StopAsync().GetAwaiter().GetResult();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
