using System.Globalization;
using System.Text.RegularExpressions;

namespace FlyMpg.Telemetry;

/// <summary>
/// What one Prometheus scrape of a FlyMpg service says about its connection pools and FlyMpg's counters: Npgsql's
/// <c>db_client_connection_*</c> series by pool name, <c>flympg_retries_total</c>, <c>flympg_unavailable_responses_total</c>, and the
/// breakers' <c>flympg_breaker_state</c> and <c>flympg_breaker_transitions_total</c>.
/// </summary>
internal sealed partial record ServedPools(
    IReadOnlyList<ServedPool> Pools, double Retries, double RetriesOf08P01, double UnavailableResponses, IReadOnlyList<ServedBreaker> Breakers)
{
    private const string PoolName = "db_client_connection_pool_name";

    /// <summary>Reads the series this check needs from Prometheus' text format; other lines are ignored.</summary>
    public static ServedPools Parse(string scrape)
    {
        var samples = scrape.Split('\n')
            .Select(line => SamplePattern().Match(line.Trim()))
            .Where(match => match.Success)
            .Select(match => (
                Name: match.Groups["name"].Value,
                Labels: LabelPattern().Matches(match.Groups["labels"].Value).ToDictionary(l => l.Groups["label"].Value, l => l.Groups["value"].Value),
                Value: double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)))
            .ToList();

        double Sum(string name, Func<IReadOnlyDictionary<string, string>, bool>? where = null) =>
            samples.Where(s => s.Name == name && (where?.Invoke(s.Labels) ?? true)).Sum(s => s.Value);

        var pools = samples
            .Where(s => s.Name == "db_client_connection_max" && s.Labels.ContainsKey(PoolName))
            .Select(s => s.Labels[PoolName])
            .Distinct()
            .Select(name => new ServedPool(
                name,
                Used: Sum("db_client_connection_count", l => l.GetValueOrDefault(PoolName) == name && l.GetValueOrDefault("db_client_connection_state") == "used"),
                Max: Sum("db_client_connection_max", l => l.GetValueOrDefault(PoolName) == name),
                Pending: Sum("db_client_connection_npgsql_pending_requests", l => l.GetValueOrDefault(PoolName) == name)))
            .ToList();
        var breakers = samples
            .Where(s => s.Name == "flympg_breaker_state" && s.Labels.ContainsKey(PoolName))
            .Select(s => new ServedBreaker(
                s.Labels[PoolName],
                s.Value,
                Sum("flympg_breaker_transitions_total", l => l.GetValueOrDefault(PoolName) == s.Labels[PoolName] && l.GetValueOrDefault("flympg_breaker_state") == "open")))
            .ToList();
        return new ServedPools(
            pools,
            Sum("flympg_retries_total"),
            Sum("flympg_retries_total", l => l.GetValueOrDefault("error_type") == "08P01"),
            Sum("flympg_unavailable_responses_total"),
            breakers);
    }

    // name{label="value",...} value [timestamp]; comments (# HELP, # TYPE) do not match.
    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>.*)\})?\s+(?<value>[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)(?:\s+-?\d+)?$")]
    private static partial Regex SamplePattern();

    [GeneratedRegex(@"(?<label>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPattern();
}
