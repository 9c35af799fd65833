using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace FlyMpg.Telemetry;

/// <summary>
/// Serves the Prometheus scrape endpoint on <see cref="FlyMetricsSettings.Port"/> with a Kestrel of its own. The app's
/// Kestrel is left alone: an endpoint added to it in code would replace the addresses of <c>--urls</c>,
/// <c>ASPNETCORE_URLS</c> and <c>ASPNETCORE_HTTP_PORTS</c> (Kestrel binds either those or its code endpoints, not both).
/// Started with the web and worker processes; <c>migrate</c> and <c>doctor</c> never start the host, so never listen.
/// </summary>
internal sealed class MetricsServer(MeterProvider meterProvider, FlyMetricsSettings settings) : IHostedService, IAsyncDisposable
{
    private WebApplication? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The empty builder: no configuration sources, no logging, no endpoint routing; only Kestrel and one branch.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.ListenAnyIP(settings.Port));
        _server = builder.Build();
        // Its own requests are recorded by ASP.NET Core on a meter of the same name as the app's: left in, every
        // scrape would count as a request to the service in http_server_request_duration_seconds.
        _server.Use((context, next) =>
        {
            if (context.Features.Get<IHttpMetricsTagsFeature>() is { } metrics)
            {
                metrics.MetricsDisabled = true;
            }

            return next(context);
        });
        _server.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider, predicate: null, path: FlyMetricsSettings.Path, configureBranchedPipeline: null, optionsName: null);

        // A port already taken fails the start: a Machine without the metrics it was deployed with should not look healthy.
        await _server.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _server?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;
}
