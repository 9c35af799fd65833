using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace FlyMpg.Telemetry;

/// <summary>
/// Serves the Prometheus scrape endpoint on <see cref="FlyMetricsSettings.Port"/> with a Kestrel of its own. The app's
/// Kestrel is left alone: an endpoint added to it in code would replace the addresses of <c>--urls</c>,
/// <c>ASPNETCORE_URLS</c> and <c>ASPNETCORE_HTTP_PORTS</c> (Kestrel binds either those or its code endpoints, not both).
/// Started with the web and worker processes, once the app serves: hosted services start before the app's server, and
/// on a Machine woken by a request that request waits for them. <c>migrate</c> and <c>doctor</c> never start the host.
/// </summary>
internal sealed class MetricsServer(MeterProvider meterProvider, FlyMetricsSettings settings, IHostApplicationLifetime lifetime, ILogger<MetricsServer> logger)
    : IHostedService, IAsyncDisposable
{
    private WebApplication? _server;
    private Task _starting = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _starting = StartServerAsync());
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _starting;
        if (_server is not null)
        {
            await _server.StopAsync(cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task StartServerAsync()
    {
        try
        {
            // The empty builder: no configuration sources, no logging, no endpoint routing; only Kestrel and one branch.
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.ListenAnyIP(settings.Port));
            var server = builder.Build();
            // Its own requests are recorded by ASP.NET Core on a meter of the same name as the app's: left in, every
            // scrape would count as a request to the service in http_server_request_duration_seconds.
            server.Use((context, next) =>
            {
                if (context.Features.Get<IHttpMetricsTagsFeature>() is { } metrics)
                {
                    metrics.MetricsDisabled = true;
                }

                return next(context);
            });
            server.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider, predicate: null, path: FlyMetricsSettings.Path, configureBranchedPipeline: null, optionsName: null);
            await server.StartAsync(lifetime.ApplicationStopping);
            _server = server;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // A port already taken: the Machine keeps serving its users without metrics rather than stopping for them.
            logger.LogError(e, "Metrics are not served: port {Port} ({Variable}) could not be listened on.", settings.Port, "FlyMpg__Metrics__Port");
        }
    }
}
