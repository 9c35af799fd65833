using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;

namespace FlyMpg.Telemetry;

/// <summary>
/// Builds the metrics pipeline (<see cref="FlyTelemetryExtensions.BuildMeterProvider"/>) and serves its Prometheus scrape
/// endpoint on <see cref="FlyMetricsSettings.Port"/> with a Kestrel of its own. The app's Kestrel is left alone: an endpoint
/// added to it in code would replace the addresses of <c>--urls</c>, <c>ASPNETCORE_URLS</c> and <c>ASPNETCORE_HTTP_PORTS</c>
/// (Kestrel binds either those or its code endpoints, not both).
/// Fly starts a stopped Machine for a request that waits until the app answers it, so none of this is on that path: it
/// starts once the app has answered its first request (<see cref="StartMetricsAfterFirstResponse"/>), or
/// <see cref="StartWithoutRequest"/> after the app serves when no request comes (a worker). Before then, no listener is
/// attached to any meter and instruments record nothing. <c>migrate</c> and <c>doctor</c> never start the host.
/// </summary>
internal sealed class MetricsServer(FlyMetricsSettings settings, IConfiguration configuration, IHostApplicationLifetime lifetime, ILogger<MetricsServer> logger)
    : IHostedService, IAsyncDisposable
{
    /// <summary>How long after the app serves the metrics start when no request has been answered by then.</summary>
    internal static readonly TimeSpan StartWithoutRequest = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private bool _startRequested;
    private Task _starting = Task.CompletedTask;
    private Timer? _startTimer;
    private MeterProvider? _meterProvider;
    private WebApplication? _server;

    /// <summary>Whether the metrics are started or starting: the first response's hook is no longer needed.</summary>
    public bool StartRequested => Volatile.Read(ref _startRequested);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _startTimer = new Timer(_ => Start(), null, StartWithoutRequest, Timeout.InfiniteTimeSpan));
        return Task.CompletedTask;
    }

    /// <summary>Starts the metrics in the background, once; later calls do nothing.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_startRequested)
            {
                return;
            }

            Volatile.Write(ref _startRequested, true);
            _starting = Task.Run(StartServerAsync);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task starting;
        lock (_gate)
        {
            // Stopping before the metrics started: they never will.
            Volatile.Write(ref _startRequested, true);
            starting = _starting;
        }

        await starting;
        if (_server is not null)
        {
            await _server.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_startTimer is not null)
        {
            await _startTimer.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _meterProvider?.Dispose();
    }

    private async Task StartServerAsync()
    {
        try
        {
            _meterProvider = FlyTelemetryExtensions.BuildMeterProvider(configuration);
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
            server.UseOpenTelemetryPrometheusScrapingEndpoint(_meterProvider, predicate: null, path: FlyMetricsSettings.Path, configureBranchedPipeline: null, optionsName: null);
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
