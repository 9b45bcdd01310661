using Microsoft.Extensions.FileProviders;

// Serves the files of one folder on 127.0.0.1 with what object storage gives a ranged reader: byte ranges (206 with
// Content-Range), ETags and Last-Modified (ASP.NET Core's static file middleware). For trying remote sources locally.
//   dotnet tools/RangeServer/bin/Release/net10.0/RangeServer.dll <folder> <port>
if (args.Length != 2 || !Directory.Exists(args[0]) || !int.TryParse(args[1], out int port) || port is < 1 or > 65535)
{
    Console.Error.WriteLine("usage: RangeServer <folder> <port>: expected an existing folder and a port 1..65535.");
    return 2;
}

string root = Path.GetFullPath(args[0]);
WebApplicationBuilder builder = WebApplication.CreateBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
WebApplication app = builder.Build();
app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(root), ServeUnknownFileTypes = true });
Console.WriteLine($"serving {root} on http://127.0.0.1:{port}/");
app.Run();
return 0;
