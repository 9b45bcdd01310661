using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace WindowDataset.Tests.Remote.Infrastructure;

/// <summary>
/// An in-process HTTP proxy on a free port of 127.0.0.1 in front of a real server (Kestrel, s3rver, Azurite) that
/// injects faults chosen per request by a policy. It forwards the Host header unchanged, so S3 signatures made for
/// the proxy's address still verify upstream.
/// </summary>
public sealed class FaultProxy : IDisposable
{
    private static readonly HashSet<string> s_hopByHop = new(StringComparer.OrdinalIgnoreCase) { "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Upgrade", "Proxy-Connection", "Host" };
    private readonly WebApplication _app;
    private readonly HttpClient _client;
    private readonly Uri _upstream;
    private int _requests;
    private int _injected;

    public FaultProxy(string upstream, Func<FaultRequest, FaultKind> policy, TimeSpan? slowDelay = null)
    {
        _upstream = new Uri(upstream.TrimEnd('/') + "/");
        Policy = policy;
        SlowDelay = slowDelay ?? TimeSpan.FromSeconds(5);
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None, MaxConnectionsPerServer = 64 }) { Timeout = TimeSpan.FromSeconds(60) };
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(HandleAsync);
        _app.StartAsync().GetAwaiter().GetResult();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>Chooses the fault of each request; may be replaced while the proxy runs.</summary>
    public Func<FaultRequest, FaultKind> Policy { get; set; }

    public TimeSpan SlowDelay { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests that got a fault.</summary>
    public int Injected => Volatile.Read(ref _injected);

    /// <summary>Whether a request reads data: a ranged GET other than the one-byte probe that opens an HTTP object.</summary>
    public static bool IsData(FaultRequest request) =>
        request.Method == "GET" && request.Range is { Length: > 0 } range && range != "bytes=0-0";

    public void Dispose()
    {
        _app.StopAsync().GetAwaiter().GetResult();
        _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _client.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        int number = Interlocked.Increment(ref _requests);
        HttpRequest incoming = context.Request;
        FaultKind fault = Policy(new FaultRequest(number, incoming.Method, incoming.Path + incoming.QueryString, incoming.Headers.Range.Count > 0 ? incoming.Headers.Range.ToString() : incoming.Headers["x-ms-range"].ToString()));
        if (fault != FaultKind.None)
        {
            Interlocked.Increment(ref _injected);
        }

        switch (fault)
        {
            case FaultKind.Status503:
                context.Response.StatusCode = 503;
                return;
            case FaultKind.Status429:
                context.Response.StatusCode = 429;
                return;
            case FaultKind.Slow:
                try
                {
                    await Task.Delay(SlowDelay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                break;
        }

        using var request = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(_upstream, (incoming.Path + incoming.QueryString).TrimStart('/')));
        if (incoming.ContentLength is > 0 || incoming.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(incoming.Body);
        }

        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in incoming.Headers)
        {
            if (s_hopByHop.Contains(header.Key))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value))
            {
                request.Content?.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string?>)header.Value);
            }
        }

        request.Headers.Host = incoming.Host.Value;
        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (KeyValuePair<string, IEnumerable<string>> header in response.Headers.Concat(response.Content.Headers))
            {
                if (!s_hopByHop.Contains(header.Key))
                {
                    context.Response.Headers[header.Key] = header.Value.ToArray();
                }
            }

            if (incoming.Method == "HEAD")
            {
                return;
            }

            try
            {
                if (fault is FaultKind.DropMidBody or FaultKind.Truncate)
                {
                    byte[] body = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
                    int half = body.Length / 2;
                    if (fault == FaultKind.Truncate)
                    {
                        context.Response.ContentLength = half;
                    }

                    await context.Response.Body.WriteAsync(body.AsMemory(0, half), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    if (fault == FaultKind.DropMidBody)
                    {
                        context.Abort();
                    }

                    return;
                }

                await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
            }
            catch (Exception) when (context.RequestAborted.IsCancellationRequested)
            {
            }
        }
    }
}
