using FlyMpg.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FlyMpg.Tests;

/// <summary>What <c>AddFlyTelemetry()</c> registers: metrics on by default, traces and logs only with an OTLP endpoint.</summary>
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
        Assert.NotNull(services.GetService<MeterProvider>());
        Assert.Single(services.GetServices<IHostedService>().OfType<MetricsServer>());
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
        Assert.Null(services.GetService<MeterProvider>());
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
