using System.Globalization;
using System.Net.Sockets;
using FlyMpg.Doctor;
using Npgsql;

namespace FlyMpg.Telemetry;

/// <summary>
/// <c>doctor</c>'s reading of the pools as the service running on this Machine sees them, and the state of its breaker:
/// it scrapes that process's metrics port on loopback, the numbers Fly's scraper reads. Run where nothing serves them (a
/// laptop, CI), it skips.
/// </summary>
internal sealed class ServedPoolsDoctorCheck(FlyMetricsSettings settings) : IFlyDoctorCheck
{
    /// <summary>The check's name in doctor's report.</summary>
    public const string Check = "pools in use";

    private static readonly TimeSpan ScrapeTimeout = TimeSpan.FromSeconds(3);

    public async Task RunAsync(DoctorReport report, DoctorChecks probe, NpgsqlConnectionStringBuilder? direct, string app) =>
        report.Write(Check, await ReadAsync());

    private async Task<Finding> ReadAsync()
    {
        string scrape;
        try
        {
            using var http = new HttpClient { Timeout = ScrapeTimeout };
            scrape = await http.GetStringAsync(new Uri($"http://127.0.0.1:{settings.Port}{FlyMetricsSettings.Path}"));
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException)
        {
            return Finding.Skip($"nothing serves metrics on port {settings.Port} here; inside a Machine (`fly ssh console`) doctor reads the running service's pools");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return Finding.Warn(
                $"port {settings.Port} did not serve {FlyMetricsSettings.Path}: {e.Message}",
                $"check that FlyMpg__Metrics__Port is the same for every process of the Machine, and fly.toml's [metrics] port ({settings.Port})");
        }

        return Judge(ServedPools.Parse(scrape));
    }

    /// <summary>Pass, or a warning with what to do when the breaker is open or requests wait for one of the pooled connections.</summary>
    internal static Finding Judge(ServedPools pools)
    {
        if (pools.Pools.Count == 0)
        {
            return Finding.Warn("the metrics have no Npgsql pool", "the service's data sources are FlyMpg's (AddFlyPostgres) and AddFlyTelemetry() runs in Program.cs");
        }

        var breakers = pools.Breakers.Count == 0
            ? "breaker off"
            : string.Join("; ", pools.Breakers.Select(b => string.Create(CultureInfo.InvariantCulture, $"breaker {b.Pool} {b.StateName}, opened {b.Opened} times")));
        var text = string.Join("; ", pools.Pools.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Used} used of {p.Max}, {p.Pending} waiting")))
            + string.Create(CultureInfo.InvariantCulture, $"; since the process started: {pools.Retries} retried ({pools.RetriesOf08P01} of them PgBouncer's 08P01), {pools.UnavailableResponses} answered 503")
            + $"; {breakers}";
        if (pools.Breakers.Any(b => b.State != 0))
        {
            return Finding.Warn(text, "the database is down or restarting: the service logged the outage error when its breaker opened, and answers 503 at once until a probe finds the database serving again; nothing to change in the service (README, \"When the database is down\")");
        }

        return pools.Pools.Any(p => p.Pending > 0)
            ? Finding.Warn(text, "requests wait for a connection: raise FlyMpg__Pooled__MaxPoolSize if `Machines x pool size` stays under the plan's client limit, else add Machines (README, \"Metrics\")")
            : Finding.Pass(text);
    }
}
