using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

// The least a proxy built on Kestrel and SocketsHttpHandler does: relay the method, path, body and content type to
// UPSTREAM_URL, and the status, content type and body back as they arrive (an SSE stream included), on a pooled
// keep-alive HTTP/1.1 connection. No validation, routing, rewriting, limits or logging. With FLOOR=sockets, the same relay
// on bare sockets instead, and with FLOOR=kestrel-transport on Kestrel's connections, HTTP by hand in both (SocketsFloor.cs).
// Usage: PORT=… UPSTREAM_URL=… [FLOOR=sockets|kestrel-transport] platform-floor
var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? throw new InvalidOperationException("PORT is not set"));
var upstream = (Environment.GetEnvironmentVariable("UPSTREAM_URL") ?? throw new InvalidOperationException("UPSTREAM_URL is not set")).TrimEnd('/');
switch (Environment.GetEnvironmentVariable("FLOOR"))
{
    case "sockets":
        await SocketsFloor.RunAsync(port, new Uri(upstream));
        return;
    case "kestrel-transport":
        await SocketsFloor.RunOnKestrelTransportAsync(port, new Uri(upstream));
        return;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Listen(IPAddress.Loopback, port);
    kestrel.AddServerHeader = false;
    kestrel.Limits.MaxRequestBodySize = null;
});
var app = builder.Build();
var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false, AutomaticDecompression = DecompressionMethods.None })
{
    Timeout = Timeout.InfiniteTimeSpan,
    DefaultRequestVersion = HttpVersion.Version11,
    DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
};

app.Run(async context =>
{
    var request = context.Request;
    if (request.Path == "/healthz")
    {
        await context.Response.WriteAsync("ok\n");
        return;
    }
    using var outgoing = new HttpRequestMessage(new HttpMethod(request.Method), upstream + request.Path + request.QueryString);
    if (request.ContentLength is not null || request.Headers.TransferEncoding.Count > 0)
    {
        outgoing.Content = new StreamContent(request.Body);
        outgoing.Content.Headers.ContentLength = request.ContentLength;
        if (request.ContentType is { } contentType) outgoing.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
    }
    using var response = await client.SendAsync(outgoing, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
    context.Response.StatusCode = (int)response.StatusCode;
    context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
    context.Response.ContentLength = response.Content.Headers.ContentLength;
    await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
    await body.CopyToAsync(context.Response.Body, context.RequestAborted);
});

await app.RunAsync();
