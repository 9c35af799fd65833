using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// One fault scenario of <see cref="FaultTests"/>, after it ran: every answer of the write load, when the fault began and
/// when the pooler served again (on the load's clock), the service's last scrape and its output.
/// </summary>
public sealed record FaultRun(string Name, WriteLoad Load, WriteLoadOutcome Outcome, TimeSpan FaultAt, TimeSpan ServedAgain, PrometheusScrape Scrape, string ServiceOutput)
{
    /// <summary>How often the web pool's breaker entered <paramref name="state"/> (open, half_open, closed) since the service started.</summary>
    public double BreakerTransitions(string state) =>
        Scrape.Series("flympg_breaker_transitions_total", ("db_client_connection_pool_name", "web"), ("flympg_breaker_state", state)).Sum(s => s.Value);

    /// <summary>The web pool's breaker state at the last scrape (0 closed, 1 open, 2 half-open); null when the service reports none (turned off).</summary>
    public double? BreakerState => Scrape.Series("flympg_breaker_state", ("db_client_connection_pool_name", "web")) is [var state] ? state.Value : null;

    /// <summary>The answers to requests sent from <paramref name="from"/> until the pooler served again.</summary>
    public IReadOnlyList<WriteAnswer> SentDuringOutage(TimeSpan from) => Load.Answers.Where(a => a.Sent >= from && a.Sent < ServedAgain).ToList();

    /// <summary>
    /// The answers by when they were sent, one line per <paramref name="window"/> from the fault on: how many, of which
    /// status, and the slowest. What a failing spec shows of the outage's course.
    /// </summary>
    public string Timeline(TimeSpan window) =>
        string.Join(Environment.NewLine, Load.Answers
            .Where(a => a.Sent >= FaultAt - window)
            .GroupBy(a => (int)Math.Floor((a.Sent - FaultAt) / window))
            .OrderBy(g => g.Key)
            .Select(g => $"{(FaultAt + g.Key * window).TotalSeconds,6:F1} s: {g.Count(),5} sent, " +
                string.Join(", ", g.GroupBy(a => a.Reason ?? (a.Status is { } status ? ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")).OrderBy(s => s.Key).Select(s => $"{s.Count()} {s.Key}")) +
                $"; slowest {g.Max(a => a.Latency).TotalSeconds:F2} s"));
}
