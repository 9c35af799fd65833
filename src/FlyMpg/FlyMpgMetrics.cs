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
        description: "Requests answered 503 because the database could not serve them, by flympg.reason: never_ran (unreachable, restarting), outcome_unknown (the connection broke mid-statement), saturated (a full pooler or pool).");

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

    // The SQLSTATE of the Npgsql failure under EF's and Hangfire's wrappers, else the type of its cause
    // (SocketException, TimeoutException), so the label stays a short, closed set.
    private static string ErrorType(Exception failure) => DatabaseFailure.FindNpgsqlException(failure) switch
    {
        PostgresException postgres => postgres.SqlState,
        { } npgsql => (npgsql.InnerException ?? npgsql).GetType().Name,
        null => failure.GetType().Name,
    };

    private static string Reason(DatabaseFailureKind kind) => kind switch
    {
        DatabaseFailureKind.NeverRan => "never_ran",
        DatabaseFailureKind.OutcomeUnknown => "outcome_unknown",
        DatabaseFailureKind.Saturated => "saturated",
        _ => "not_an_outage",
    };
}
