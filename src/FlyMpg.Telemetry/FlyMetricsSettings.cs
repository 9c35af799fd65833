namespace FlyMpg.Telemetry;

/// <summary>
/// Where the metrics are served, read from the <c>FlyMpg:Metrics</c> configuration section
/// (e.g. <c>FlyMpg__Metrics__Port=9100</c>). fly.toml's <c>[metrics]</c> must name the same port and <see cref="Path"/>.
/// </summary>
public sealed class FlyMetricsSettings
{
    /// <summary>The path Prometheus scrapes, on <see cref="Port"/> only: <c>/metrics</c>.</summary>
    public const string Path = "/metrics";

    /// <summary>The configuration section of these settings.</summary>
    public const string SectionName = $"{FlyPostgres.SectionName}:Metrics";

    /// <summary>Whether the process serves metrics at all. Default true; false leaves OpenTelemetry's metrics out entirely.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The port of the metrics endpoint, on every interface (Fly scrapes over its IPv6 private network). Default 9091.
    /// It is a listener of its own, so the public port (<c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c>)
    /// never serves <see cref="Path"/>, and Fly's proxy does not route to it unless a service names it.
    /// </summary>
    public int Port { get; set; } = 9091;
}
