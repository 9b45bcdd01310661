using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace WindowDataset.Cli.Benchmarks.Baselines;

/// <summary>
/// What a client without the loader does with the same windows of one remote object: one ranged GET at a time
/// (the naive client), or N ranged GETs in flight, each of exactly one window (the link's limit). Both use the
/// protocol's own client directly (HttpClient, AWSSDK.S3, Azure.Storage.Blobs), retry a failed request at once
/// (429, 5xx, dropped connections, short bodies) up to 10 times, and count every request sent.
/// </summary>
internal static class RemoteBaselines
{
    private const int MaxAttempts = 10;

    /// <summary>Reads every range of <paramref name="url"/> one request at a time.</summary>
    /// <returns>Bytes read, seconds taken, requests sent (retries included).</returns>
    public static (long Bytes, double Seconds, long Requests) OneAtATime(string url, IReadOnlyList<(long Offset, int Length)> ranges, string? endpoint, CancellationToken cancellationToken) =>
        Parallel(url, ranges, 1, endpoint, cancellationToken);

    /// <summary>Reads every range of <paramref name="url"/> with <paramref name="parallelism"/> ranged GETs in flight.</summary>
    /// <returns>Bytes read, seconds taken, requests sent (retries included).</returns>
    /// <param name="url">The object.</param>
    /// <param name="ranges">Byte ranges to read.</param>
    /// <param name="parallelism">Requests in flight.</param>
    /// <param name="endpoint">S3 endpoint override, or null.</param>
    /// <param name="cancellationToken">Stops the reads.</param>
    /// <param name="hashes">When given, receives <see cref="WindowHash.Of"/> of each range's bytes (to check another reader's windows).</param>
    public static (long Bytes, double Seconds, long Requests) Parallel(string url, IReadOnlyList<(long Offset, int Length)> ranges, int parallelism, string? endpoint, CancellationToken cancellationToken, ulong[]? hashes = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        using var fetcher = new Fetcher(url, endpoint, parallelism);
        long bytes = 0;
        long requests = 0;
        int next = -1;
        var clock = Stopwatch.StartNew();
        var workers = new Task[parallelism];
        for (int w = 0; w < parallelism; w++)
        {
            workers[w] = Task.Run(
                async () =>
                {
                    int longest = 0;
                    foreach ((long _, int length) in ranges)
                    {
                        longest = Math.Max(longest, length);
                    }

                    byte[] buffer = new byte[longest];
                    for (int i = Interlocked.Increment(ref next); i < ranges.Count; i = Interlocked.Increment(ref next))
                    {
                        (long offset, int length) = ranges[i];
                        for (int attempt = 1; ; attempt++)
                        {
                            Interlocked.Increment(ref requests);
                            try
                            {
                                int got = await fetcher.ReadAsync(offset, buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                                if (got == length)
                                {
                                    if (hashes is not null)
                                    {
                                        hashes[i] = WindowHash.Of(buffer.AsSpan(0, length));
                                    }

                                    Interlocked.Add(ref bytes, got);
                                    break;
                                }
                            }
                            catch (Exception e) when (attempt < MaxAttempts && e is HttpRequestException or IOException or AmazonServiceException or RequestFailedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                            {
                            }

                            if (attempt >= MaxAttempts)
                            {
                                throw new IOException($"{Redact(url)}: bytes {offset}-{offset + length - 1}: expected {length} bytes; found a failure {MaxAttempts} times.");
                            }
                        }
                    }
                },
                cancellationToken);
        }

        Task.WaitAll(workers, cancellationToken);
        return (bytes, clock.Elapsed.TotalSeconds, requests);
    }

    private static string Redact(string url)
    {
        int query = url.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? url : url[..query] + "?…";
    }

    /// <summary>One ranged read through the URL's own client.</summary>
    private sealed class Fetcher : IDisposable
    {
        private readonly HttpClient? _http;
        private readonly Uri? _uri;
        private readonly AmazonS3Client? _s3;
        private readonly BlobClient? _blob;
        private readonly string _container = string.Empty;
        private readonly string _key = string.Empty;

        public Fetcher(string url, string? endpoint, int parallelism)
        {
            if (url.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("az://", StringComparison.OrdinalIgnoreCase))
            {
                string rest = url[5..];
                int slash = rest.IndexOf('/', StringComparison.Ordinal);
                _container = rest[..slash];
                _key = rest[(slash + 1)..];
                if (url[0] is 's' or 'S')
                {
                    var config = new AmazonS3Config
                    {
                        MaxErrorRetry = 0,
                        MaxConnectionsPerServer = Math.Max(2, parallelism),
                        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
                    };
                    endpoint ??= Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL");
                    if (!string.IsNullOrEmpty(endpoint))
                    {
                        config.ServiceURL = endpoint;
                        config.ForcePathStyle = true;
                        config.AuthenticationRegion = Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1";
                    }

                    _s3 = new AmazonS3Client(config);
                }
                else
                {
                    var options = new BlobClientOptions();
                    options.Retry.MaxRetries = 0;
                    _blob = new BlobServiceClient(Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING"), options).GetBlobContainerClient(_container).GetBlobClient(_key);
                }
            }
            else
            {
                _uri = new Uri(url);
                _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Math.Max(2, parallelism), AutomaticDecompression = DecompressionMethods.None, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(60) };
            }
        }

        public async Task<int> ReadAsync(long offset, Memory<byte> destination, CancellationToken cancellationToken)
        {
            Stream body;
            IDisposable owner;
            if (_http is not null)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, _uri);
                request.Headers.Range = new RangeHeaderValue(offset, offset + destination.Length - 1);
                HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode != HttpStatusCode.PartialContent)
                {
                    response.Dispose();
                    throw new HttpRequestException($"expected 206; found {(int)response.StatusCode}.");
                }

                body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                owner = response;
            }
            else if (_s3 is not null)
            {
                GetObjectResponse response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = _container, Key = _key, ByteRange = new ByteRange(offset, offset + destination.Length - 1) }, cancellationToken).ConfigureAwait(false);
                body = response.ResponseStream;
                owner = response;
            }
            else
            {
                Response<BlobDownloadStreamingResult> response = await _blob!.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(offset, destination.Length) }, cancellationToken).ConfigureAwait(false);
                body = response.Value.Content;
                owner = response.Value;
            }

            using (owner)
            using (body)
            {
                int done = 0;
                while (done < destination.Length)
                {
                    int n = await body.ReadAsync(destination[done..], cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    done += n;
                }

                return done;
            }
        }

        public void Dispose()
        {
            _http?.Dispose();
            _s3?.Dispose();
        }
    }
}
