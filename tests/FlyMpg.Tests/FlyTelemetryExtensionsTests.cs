using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FlyMpg.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FlyMpg.Tests;

/// <summary>What <c>AddFlyTelemetry()</c> registers: metrics on by default, started after the first response; traces and logs only with an OTLP endpoint.</summary>
public class FlyTelemetryExtensionsTests
{
    private static ServiceProvider Services(Dictionary<string, string?> configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddFlyTelemetry();
        return builder.Services.BuildServiceProvider();
    }

    [Fact]
    public async Task By_default_metrics_are_served_on_9091_and_nothing_is_traced_or_exported()
    {
        await using var services = Services([]);

        Assert.Equal(9091, services.GetRequiredService<FlyMetricsSettings>().Port);
        Assert.Single(services.GetServices<IHostedService>().OfType<MetricsServer>());
        Assert.Single(services.GetServices<IStartupFilter>().OfType<StartMetricsAfterFirstResponse>());
        // The pipeline is the metrics server's, built after the first response: none in the container for the host to build.
        Assert.Null(services.GetService<MeterProvider>());
        Assert.Null(services.GetService<TracerProvider>());
        Assert.Null(services.GetService<LoggerProvider>());
    }

    [Fact]
    public async Task An_OTLP_endpoint_adds_traces_and_logs()
    {
        await using var services = Services(new() { [FlyTelemetryExtensions.OtlpEndpointVariable] = "http://collector.internal:4317" });

        Assert.NotNull(services.GetService<TracerProvider>());
        Assert.NotNull(services.GetService<LoggerProvider>());
    }

    [Fact]
    public async Task Metrics_turned_off_leave_no_listener_and_no_meter_provider()
    {
        await using var services = Services(new() { ["FlyMpg:Metrics:Enabled"] = "false" });

        Assert.Empty(services.GetServices<IHostedService>().OfType<MetricsServer>());
        Assert.Empty(services.GetServices<IStartupFilter>());
        Assert.Null(services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task Metrics_start_once_the_app_has_answered_its_first_request_and_not_before()
    {
        var metricsPort = FreeTcpPort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["FlyMpg:Metrics:Port"] = metricsPort.ToString(CultureInfo.InvariantCulture) });
        builder.AddFlyTelemetry();
        await using var app = builder.Build();
        app.MapGet("/", () => "served");
        // An instrument of a meter the pipeline listens to: enabled only once a listener is attached.
        using var meter = new Meter(FlyPostgres.MeterName);
        var counter = meter.CreateCounter<long>("flympg.test");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        await app.StartAsync();
        try
        {
            Assert.False(counter.Enabled, "A listener was attached before the app answered a request.");
            Assert.False(await ServesMetricsAsync(http, metricsPort), "The metrics port listened before the app answered a request.");

            Assert.Equal("served", await http.GetStringAsync(app.Urls.Single()));

            // The metrics pipeline is built and its Kestrel started in the background, JIT-compiled on first use: seconds on a
            // busy 2-core host, so the bound is generous; what this proves is the order, not the time.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!await ServesMetricsAsync(http, metricsPort) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            Assert.True(await ServesMetricsAsync(http, metricsPort), "The metrics port did not serve after the first response.");
            Assert.True(counter.Enabled);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static async Task<bool> ServesMetricsAsync(HttpClient http, int port)
    {
        try
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}{FlyMetricsSettings.Path}"));
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // Refused (not listening yet), or no answer within the client's timeout (still starting).
            return false;
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public void A_port_out_of_range_is_refused_with_the_setting_named()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["FlyMpg:Metrics:Port"] = "70000" });

        var refused = Assert.Throws<DatabaseConfigurationException>(() => builder.AddFlyTelemetry());

        Assert.Contains("FlyMpg:Metrics:Port", refused.Message);
    }
}
