using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace WindowDataset.Remote;

/// <summary>
/// Plain HTTP(S) byte ranges (any server that answers 206, presigned S3 and SAS URLs). Opening is a one-byte ranged
/// GET rather than a HEAD, because presigned URLs are signed for GET only.
/// </summary>
internal sealed class HttpBackend : RemoteBackend
{
    private readonly HttpClient _client;

    public HttpBackend(int concurrency, TimeSpan connectTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(2, concurrency),
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = connectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            UseCookies = false,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public override async Task<RemoteObjectInfo> StatAsync(RemoteUrl url, CancellationToken cancellationToken) =>
        (await StatCoreAsync(url, missingIsNull: false, cancellationToken).ConfigureAwait(false)).GetValueOrDefault();

    public override async Task<RangeResponse> GetRangeAsync(RemoteUrl url, string? etag, long offset, long length, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url.Uri);
        request.Headers.Range = new RangeHeaderValue(offset, offset + length - 1);

        // If-Match uses strong comparison: a weak ETag would never match, so it is compared on the response instead.
        if (etag is not null && !etag.StartsWith("W/", StringComparison.Ordinal))
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        HttpResponseMessage response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            int status = (int)response.StatusCode;
            string? now = response.Headers.ETag?.ToString();
            if (status == 412)
            {
                throw new RemoteChangedException(now ?? "?");
            }

            if (status == 200)
            {
                throw new RemotePermanentException("expected 206 Partial Content to a range request; found 200 (the server does not serve byte ranges).");
            }

            ThrowOnStatus(status, response.ReasonPhrase);
            if (etag is not null && now is not null && now != etag)
            {
                throw new RemoteChangedException(now);
            }

            ContentRangeHeaderValue? range = response.Content.Headers.ContentRange;
            if (range is null || range.From != offset || range.To != offset + length - 1)
            {
                throw new RemoteTransientException(string.Create(CultureInfo.InvariantCulture, $"expected Content-Range bytes {offset}-{offset + length - 1}; found {range?.ToString() ?? "none"}"));
            }

            if (response.Content.Headers.ContentLength is { } contentLength && contentLength != length)
            {
                throw new RemoteTransientException(string.Create(CultureInfo.InvariantCulture, $"truncated body: Content-Length {contentLength} for a {length}-byte range"));
            }

            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new RangeResponse(body, response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public override Task<List<string>> ListAsync(RemoteUrl url, string container, string prefix, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{url.Name}: expected an s3:// or az:// pattern to list; found an HTTP URL (HTTP has no listing: give the URLs one by one).");

    public override async Task<ObjectResponse?> GetObjectAsync(RemoteUrl url, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url.Uri);
        HttpResponseMessage response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        try
        {
            int status = (int)response.StatusCode;
            if (status is 404 or 410)
            {
                response.Dispose();
                return null;
            }

            ThrowOnStatus(status, response.ReasonPhrase);
            if (status != 200)
            {
                throw new RemotePermanentException(string.Create(CultureInfo.InvariantCulture, $"expected 200 OK to a GET of the whole object; found HTTP {status} {response.ReasonPhrase}."));
            }

            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new ObjectResponse(body, response.Content.Headers.ContentLength, response.Headers.ETag?.ToString(), response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public override Task<RemoteObjectInfo?> TryStatAsync(RemoteUrl url, CancellationToken cancellationToken) =>
        StatCoreAsync(url, missingIsNull: true, cancellationToken);

    /// <summary>
    /// Size and ETag by a one-byte ranged GET rather than a HEAD (presigned URLs are signed for GET only); with
    /// <paramref name="missingIsNull"/>, 404 and 410 give null instead of an error.
    /// </summary>
    private async Task<RemoteObjectInfo?> StatCoreAsync(RemoteUrl url, bool missingIsNull, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url.Uri);
        request.Headers.Range = new RangeHeaderValue(0, 0);
        using HttpResponseMessage response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        int status = (int)response.StatusCode;
        if (missingIsNull && status is 404 or 410)
        {
            return null;
        }

        string? etag = response.Headers.ETag?.ToString();
        if (status == 416 && response.Content.Headers.ContentRange is { Length: 0 })
        {
            return new RemoteObjectInfo(0, etag);
        }

        if (status == 200)
        {
            throw new RemotePermanentException("expected 206 Partial Content to a range request; found 200 (the server does not serve byte ranges).");
        }

        ThrowOnStatus(status, response.ReasonPhrase);
        if (response.Content.Headers.ContentRange is not { HasLength: true, Length: { } total })
        {
            throw new RemotePermanentException("expected a Content-Range header with the object's size; found none.");
        }

        return new RemoteObjectInfo(total, etag);
    }

    public override Task<List<string>> ListFoldersAsync(RemoteUrl url, string container, string prefix, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{url.Name}: expected an s3:// or az:// URL to list; found an HTTP URL (HTTP has no listing).");

    public override void Dispose() => _client.Dispose();

    private static void ThrowOnStatus(int status, string? reason)
    {
        if (status is >= 200 and < 300)
        {
            return;
        }

        string text = string.Create(CultureInfo.InvariantCulture, $"HTTP {status} {reason}");
        if (IsTransientStatus(status))
        {
            throw new RemoteTransientException(text);
        }

        throw new RemotePermanentException(text);
    }
}
