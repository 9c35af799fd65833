using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Npgsql;

namespace FlyMpg;

/// <summary>
/// The service's own counters on the <see cref="FlyPostgres.MeterName"/> meter: what only FlyMpg knows, beside what
/// Npgsql (pool usage) and ASP.NET Core (request duration) already publish. A static meter, as Npgsql's is: nothing is
/// recorded unless a listener (OpenTelemetry, <c>dotnet-counters</c>) enables an instrument.
/// </summary>
internal static class FlyMpgMetrics
{
    private static readonly Meter Meter = new(FlyPostgres.MeterName, typeof(FlyMpgMetrics).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "flympg.retries",
        unit: "{retry}",
        description: "Database operations run again after a transient failure, by error.type (the SQLSTATE, e.g. 08P01 for PgBouncer's own failures, else the exception type) and flympg.retry.by (read, write: TransientRetry; efcore: FlyExecutionStrategy).");

    private static readonly Counter<long> UnavailableResponses = Meter.CreateCounter<long>(
        "flympg.unavailable_responses",
        unit: "{response}",
        description: "Requests answered 503 because the database could not serve them, by flympg.reason: never_ran (unreachable, restarting), outcome_unknown (the connection broke mid-statement), saturated (a full pooler or pool), breaker_open (not tried: the database is known to be down).");

    private static readonly Counter<long> BreakerTransitions = Meter.CreateCounter<long>(
        "flympg.breaker.transitions",
        unit: "{transition}",
        description: "Changes of the breaker of a pooled data source, by flympg.breaker.state, the state entered (open: outage errors, or a probe without an answer; half_open: a request let through as the probe; closed: a probe answered), and db.client.connection.pool.name.");

    // The breakers whose state the gauge reports: the web process's one (tests make more).
    private static readonly ConcurrentDictionary<DatabaseBreaker, byte> Breakers = new();

    private static readonly ObservableGauge<int> BreakerStates = Meter.CreateObservableGauge(
        "flympg.breaker.state",
        () => Breakers.Keys.Select(b => new Measurement<int>((int)b.State, new KeyValuePair<string, object?>(PoolName, b.Name))),
        unit: "{state}",
        description: "The breaker of each pooled data source, by db.client.connection.pool.name: 0 closed (requests use the database), 1 open (requests answered 503 at once, the database is known to be down), 2 half-open (one request probes it, the others are answered 503).");

    private const string PoolName = "db.client.connection.pool.name";

    /// <summary>Counts one retry of <paramref name="failure"/> by <paramref name="retriedBy"/> (<c>read</c>, <c>write</c> or <c>efcore</c>).</summary>
    public static void RecordRetry(Exception failure, string retriedBy)
    {
        if (Retries.Enabled)
        {
            Retries.Add(1, new KeyValuePair<string, object?>("error.type", ErrorType(failure)), new KeyValuePair<string, object?>("flympg.retry.by", retriedBy));
        }
    }

    /// <summary>Counts one request answered 503 for <paramref name="kind"/>.</summary>
    public static void RecordUnavailableResponse(DatabaseFailureKind kind)
    {
        if (UnavailableResponses.Enabled)
        {
            UnavailableResponses.Add(1, new KeyValuePair<string, object?>("flympg.reason", Reason(kind)));
        }
    }

    /// <summary>Reports <paramref name="breaker"/>'s state on the <c>flympg.breaker.state</c> gauge until <see cref="Forget"/>.</summary>
    public static void Observe(DatabaseBreaker breaker) => Breakers.TryAdd(breaker, 0);

    /// <summary>Stops reporting <paramref name="breaker"/>'s state.</summary>
    public static void Forget(DatabaseBreaker breaker) => Breakers.TryRemove(breaker, out _);

    /// <summary>Counts one change of <paramref name="dataSource"/>'s breaker into <paramref name="state"/>.</summary>
    public static void RecordBreakerTransition(string dataSource, BreakerState state)
    {
        if (BreakerTransitions.Enabled)
        {
            BreakerTransitions.Add(1, new KeyValuePair<string, object?>("flympg.breaker.state", StateName(state)), new KeyValuePair<string, object?>(PoolName, dataSource));
        }
    }

    // The SQLSTATE of the Npgsql failure under EF's and Hangfire's wrappers, else the type of its cause
    // (SocketException, TimeoutException), so the label stays a short, closed set.
    private static string ErrorType(Exception failure) => DatabaseFailure.FindNpgsqlException(failure) switch
    {
        PostgresException postgres => postgres.SqlState,
        { } npgsql => (npgsql.InnerException ?? npgsql).GetType().Name,
        null => failure.GetType().Name,
    };

    /// <summary>The <c>flympg.reason</c> of a 503, also given to the client in its problem details.</summary>
    public static string Reason(DatabaseFailureKind kind) => kind switch
    {
        DatabaseFailureKind.NeverRan => "never_ran",
        DatabaseFailureKind.OutcomeUnknown => "outcome_unknown",
        DatabaseFailureKind.Saturated => "saturated",
        DatabaseFailureKind.BreakerOpen => "breaker_open",
        _ => "not_an_outage",
    };

    private static string StateName(BreakerState state) => state switch
    {
        BreakerState.Open => "open",
        BreakerState.HalfOpen => "half_open",
        _ => "closed",
    };
}
