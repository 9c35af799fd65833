using System.Net.Sockets;
using Npgsql;

namespace FlyMpg;

/// <summary>Classifies database failures once, for the retry policies and for the 503 answer.</summary>
internal static class DatabaseFailure
{
    // PgBouncer's own failures all carry 08P01; the message says which. These are sent before a statement runs.
    private static readonly string[] PgBouncerNeverRan =
    [
        "client_idle_timeout",        // the pooler closed this idle client connection; the next statement fails on it
        "server_login_retry",         // the pooler could not log in to Postgres lately and waits before it tries again
        "no more connections allowed", // max_client_conn or max_db_connections
        "pgbouncer cannot connect to server",
        "database shutting down",
    ];

    private static readonly string[] PgBouncerSaturated = ["query_wait_timeout"];

    /// <summary>The kind of the first Npgsql failure in <paramref name="exception"/>'s chain (EF and Hangfire wrap them).</summary>
    public static DatabaseFailureKind Classify(Exception exception) =>
        FindNpgsqlException(exception) is { } npgsql ? Classify(npgsql) : DatabaseFailureKind.NotAnOutage;

    /// <summary>The first Npgsql failure in <paramref name="exception"/>'s chain, under EF's and Hangfire's wrappers; null if none.</summary>
    public static NpgsqlException? FindNpgsqlException(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException npgsql)
            {
                return npgsql;
            }
        }

        return null;
    }

    private static DatabaseFailureKind Classify(NpgsqlException e)
    {
        if (e is PostgresException postgres)
        {
            return postgres.SqlState switch
            {
                PostgresErrorCodes.ProtocolViolation when Mentions(postgres.MessageText, PgBouncerSaturated) => DatabaseFailureKind.Saturated,
                PostgresErrorCodes.ProtocolViolation when Mentions(postgres.MessageText, PgBouncerNeverRan) => DatabaseFailureKind.NeverRan,
                // "server conn crashed?", "database removed" (a KILL), "server closed the connection unexpectedly": mid-statement.
                PostgresErrorCodes.ProtocolViolation => DatabaseFailureKind.OutcomeUnknown,
                PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections => DatabaseFailureKind.NeverRan,
                // Postgres ended the session (shutdown, failover, terminate): a statement running then was rolled back,
                // but a COMMIT may have been applied before the answer was lost.
                PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown => DatabaseFailureKind.OutcomeUnknown,
                _ when postgres.IsTransient => DatabaseFailureKind.OutcomeUnknown,
                _ => DatabaseFailureKind.NotAnOutage,
            };
        }

        if (e.InnerException is TimeoutException && e.Message.Contains("pool has been exhausted", StringComparison.OrdinalIgnoreCase))
        {
            return DatabaseFailureKind.Saturated;
        }

        if (e.Message.StartsWith("Failed to connect to", StringComparison.Ordinal)
            || e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.TryAgain })
        {
            return DatabaseFailureKind.NeverRan;
        }

        return e.IsTransient ? DatabaseFailureKind.OutcomeUnknown : DatabaseFailureKind.NotAnOutage;
    }

    private static bool Mentions(string message, string[] reasons) => reasons.Any(r => message.Contains(r, StringComparison.Ordinal));
}
