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

    // PgBouncer's 08P01 failures that say it cannot reach Postgres, or dropped every connection, rather than one
    // client's (client_idle_timeout), a full pooler's (query_wait_timeout, no more connections) or a bad configuration's.
    private static readonly string[] PgBouncerOutage =
    [
        "server_login_retry",
        "pgbouncer cannot connect to server",
        "database shutting down",
        "server conn crashed?", // Postgres went away mid-transaction (a crash, a restart)
        "database removed",     // KILL of the database, or it left the pooler's configuration
    ];

    /// <summary>
    /// The kind of the first Npgsql failure in <paramref name="exception"/>'s chain (EF and Hangfire wrap them), or
    /// <see cref="DatabaseFailureKind.BreakerOpen"/> when the breaker refused the attempt.
    /// </summary>
    public static DatabaseFailureKind Classify(Exception exception) =>
        Find<DatabaseUnavailableException>(exception) is not null ? DatabaseFailureKind.BreakerOpen
        : FindNpgsqlException(exception) is { } npgsql ? Classify(npgsql)
        : DatabaseFailureKind.NotAnOutage;

    /// <summary>
    /// Whether the failure says the database or its pooler cannot serve anyone right now: the pooler or Postgres refuses
    /// connections, PgBouncer's logins to Postgres are failing, Postgres is starting or shutting down (57P03, 57P01,
    /// 57P02), or the connection was cut under the statement (PgBouncer's <c>server conn crashed?</c> and
    /// <c>database removed</c>, a socket the pooler closed). Not a statement's own fate (a Command Timeout, a deadlock,
    /// a constraint), not a full pooler or pool (<see cref="DatabaseFailureKind.Saturated"/>), not one stale client
    /// connection (<c>client_idle_timeout</c>), not a bad configuration. These are what open <see cref="DatabaseBreaker"/>;
    /// one of them can still be one connection's (<c>pg_terminate_backend</c>), so it waits for more than one.
    /// </summary>
    public static bool IsOutage(Exception exception) => FindNpgsqlException(exception) switch
    {
        PostgresException postgres => postgres.SqlState switch
        {
            PostgresErrorCodes.ProtocolViolation => Mentions(postgres.MessageText, PgBouncerOutage),
            PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow => true,
            _ => false,
        },
        { } npgsql => IsConnectFailure(npgsql) || npgsql.InnerException is IOException or SocketException,
        null => false,
    };

    /// <summary>The first Npgsql failure in <paramref name="exception"/>'s chain, under EF's and Hangfire's wrappers; null if none.</summary>
    public static NpgsqlException? FindNpgsqlException(Exception exception) => Find<NpgsqlException>(exception);

    /// <summary>The first <typeparamref name="T"/> in <paramref name="exception"/>'s chain; null if none.</summary>
    public static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
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

        if (IsConnectFailure(e))
        {
            return DatabaseFailureKind.NeverRan;
        }

        return e.IsTransient ? DatabaseFailureKind.OutcomeUnknown : DatabaseFailureKind.NotAnOutage;
    }

    // Npgsql could not open a connection: refused, no such host, or no answer within the connection Timeout.
    private static bool IsConnectFailure(NpgsqlException e) =>
        e.Message.StartsWith("Failed to connect to", StringComparison.Ordinal)
        || e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.TryAgain };

    private static bool Mentions(string message, string[] reasons) => reasons.Any(r => message.Contains(r, StringComparison.Ordinal));
}
