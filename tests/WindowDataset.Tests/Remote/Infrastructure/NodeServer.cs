using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WindowDataset.Tests.Remote.Infrastructure;

/// <summary>A Node.js server process listening on a port of 127.0.0.1; killed (with its children) on dispose.</summary>
public sealed class NodeServer : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private NodeServer(string name, string script, IEnumerable<string> args, int port, string? workingDirectory)
    {
        Name = name;
        Port = port;
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        start.ArgumentList.Add(script);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"{name}: node could not start.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Port { get; }

    /// <summary>Starts the server and waits until it accepts connections; throws (failing the tests) when it does not.</summary>
    public static NodeServer Start(string name, string script, IEnumerable<string> args, int port, string? workingDirectory = null)
    {
        var server = new NodeServer(name, script, args, port, workingDirectory);
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (server._process.HasExited)
            {
                server._process.WaitForExit();
                int code = server._process.ExitCode;
                string output = server.Output();
                server.Dispose();
                throw new InvalidOperationException($"{name}: expected a server on 127.0.0.1:{port}; found the process exited with code {code}: {output}");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return server;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
            catch (SocketException)
            {
                server.Dispose();
                throw new InvalidOperationException($"{name}: expected a server on 127.0.0.1:{port} within 60 s; found none: {server.Output()}");
            }
        }
    }

    /// <summary>A port that was free a moment ago.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                if (_output.Length < 16_000)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
