using System.Collections.Frozen;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using FlyMpg.Doctor;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FlyMpg.Telemetry;

/// <summary>Registers a FlyMpg service's telemetry the way Fly reads it.</summary>
public static class FlyTelemetryExtensions
{
    /// <summary>The variable that turns on OTLP export of traces and logs (OpenTelemetry's own name for the collector's address).</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private const string EntityFrameworkCoreMeter = "Microsoft.EntityFrameworkCore";

    /// <summary>
    /// Adds OpenTelemetry: metrics in Prometheus format on <see cref="FlyMetricsSettings.Port"/> (9091) at
    /// <see cref="FlyMetricsSettings.Path"/>, for fly.toml's <c>[metrics]</c>, not on the public port: ASP.NET Core's request
    /// duration and status (<c>http.server.request.duration</c>), Npgsql's pool usage per data source (<c>db.client.connection.count</c>
    /// by state, <c>db.client.connection.max</c>, <c>db.client.connection.npgsql.pending_requests</c>, by
    /// <c>db.client.connection.pool.name</c>: web, job-client, worker, direct), EF Core's counters (<c>Microsoft.EntityFrameworkCore</c>:
    /// active contexts, queries, <c>SaveChanges</c>, execution-strategy failures), the runtime's <c>System.Runtime</c> meter, and
    /// FlyMpg's own counters (<see cref="FlyPostgres.MeterName"/>). When <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, traces
    /// (requests, Npgsql commands) and logs are exported over OTLP too; when it is not, nothing is traced or sent.
    /// Metrics start once the app has answered its first request (or a few seconds after it serves, if none comes), so a
    /// Machine woken by a request answers it as fast as without them; that first request is not in the metrics.
    /// <c>doctor</c>, run inside a Machine, reads the pools from the running service's metrics port.
    /// Settings come from <c>FlyMpg:Metrics</c>, then <paramref name="configureSettings"/>.
    /// </summary>
    /// <exception cref="DatabaseConfigurationException">The metrics port is out of range.</exception>
    public static IHostApplicationBuilder AddFlyTelemetry(this IHostApplicationBuilder builder, Action<FlyMetricsSettings>? configureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = new FlyMetricsSettings();
        builder.Configuration.GetSection(FlyMetricsSettings.SectionName).Bind(settings);
        configureSettings?.Invoke(settings);
        if (settings.Port is < 1 or > 65535)
        {
            throw new DatabaseConfigurationException($"{FlyMetricsSettings.SectionName}:Port", $"is {settings.Port}; it must be a port number from 1 to 65535");
        }

        if (settings.Enabled)
        {
            // Not OpenTelemetry's WithMetrics(): its MeterProvider is built, and listens to every meter, as the host starts,
            // before the app serves. MetricsServer builds this one once the app has answered its first request.
            builder.Services.AddSingleton(settings);
            builder.Services.AddSingleton<MetricsServer>();
            builder.Services.AddHostedService(services => services.GetRequiredService<MetricsServer>());
            builder.Services.AddTransient<IStartupFilter, StartMetricsAfterFirstResponse>();
            builder.Services.AddSingleton<IFlyDoctorCheck, ServedPoolsDoctorCheck>();
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]))
        {
            // The exporters read OTEL_EXPORTER_OTLP_ENDPOINT (and _HEADERS, _PROTOCOL) themselves.
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(resource => DescribeService(resource, builder.Configuration))
                .WithTracing(tracing => tracing
                    .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsHealthCheck(context.Request.Path))
                    .AddNpgsql()
                    .AddOtlpExporter())
                .WithLogging(logging => logging.AddOtlpExporter());
        }

        return builder;
    }

    /// <summary>The metrics pipeline: the meters Fly scrapes, in Prometheus format. Built by <see cref="MetricsServer"/>.</summary>
    internal static MeterProvider BuildMeterProvider(IConfiguration configuration) => Sdk.CreateMeterProviderBuilder()
        .ConfigureResource(resource => DescribeService(resource, configuration))
        // ASP.NET Core's request duration and status, Kestrel's connections, the exceptions its middleware handled; not
        // AddAspNetCoreInstrumentation(), whose routing and memory-pool meters are updated on every request and every
        // buffer, and read by nothing here.
        .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics")
        .AddNpgsqlInstrumentation()
        // Built into .NET 9 and later: GC, heap, thread pool, exceptions, at no cost until scraped.
        .AddMeter("System.Runtime")
        // EF Core's counters (contexts, queries, SaveChanges, execution-strategy failures): observable
        // instruments over counts EF keeps anyway, read only when scraped.
        .AddMeter(EntityFrameworkCoreMeter)
        .AddMeter(FlyPostgres.MeterName)
        .AddView(instrument => DroppedInstruments.Contains(instrument.Name) ? MetricStreamConfiguration.Drop : null)
        .AddPrometheusExporter()
        .Build();

    /// <summary>
    /// Instruments updated on every request or every database command that no series in the README reads: dropped, so
    /// their meters never enable them and the hot path skips them (with the meters left out above: about 6 us of CPU per
    /// read, docs/benchmarks.md). Commands in flight show in <c>db_client_connection_count</c> by state; prepared
    /// statements are off behind PgBouncer, so their ratio is always 0.
    /// </summary>
    private static readonly FrozenSet<string> DroppedInstruments = FrozenSet.Create(
        "http.server.active_requests",
        "db.client.operation.npgsql.executing",
        "db.client.operation.npgsql.bytes_read",
        "db.client.operation.npgsql.bytes_written",
        "db.client.operation.npgsql.prepared_ratio");

    private static void DescribeService(ResourceBuilder resource, IConfiguration configuration)
    {
        if (configuration["OTEL_SERVICE_NAME"] is null && configuration["FLY_APP_NAME"] is { } appName)
        {
            // Fly names the app; a collector then tells services apart without one more variable to set.
            resource.AddService(appName, serviceInstanceId: configuration["FLY_MACHINE_ID"]);
        }
    }

    // Fly polls /healthz every few seconds on every Machine: a trace each time would bury the requests that matter.
    private static bool IsHealthCheck(PathString path) => path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz");
}
