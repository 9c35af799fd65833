using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FlyMpg.Tests;

/// <summary>
/// How each failure behind MPG's PgBouncer is read, as it arrives (the messages are PgBouncer's and Npgsql's own): what
/// never reached a server may be retried, even a write; what broke mid-statement may have been applied, so only an
/// idempotent operation is retried; a full pooler or pool is answered 503 at once; anything else is not an outage.
/// </summary>
public class DatabaseFailureTests
{
    private static PostgresException Error(string sqlState, string message) => new(message, "ERROR", "ERROR", sqlState);

    public static TheoryData<string, Exception, string> Failures => new()
    {
        { "PgBouncer closed an idle client", Error("08P01", "client_idle_timeout"), nameof(DatabaseFailureKind.NeverRan) },
        { "Postgres down, PgBouncer waiting to log in again", Error("08P01", "server login has been failing, try again later (server_login_retry)"), nameof(DatabaseFailureKind.NeverRan) },
        { "Postgres refuses connections", new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)), nameof(DatabaseFailureKind.NeverRan) },
        { "Postgres starting up", Error("57P03", "the database system is starting up"), nameof(DatabaseFailureKind.NeverRan) },
        { "PgBouncer KILL mid-statement", Error("08P01", "database removed"), nameof(DatabaseFailureKind.OutcomeUnknown) },
        { "Postgres restart mid-statement through PgBouncer", Error("08P01", "server conn crashed?"), nameof(DatabaseFailureKind.OutcomeUnknown) },
        { "Postgres shutdown, direct", Error("57P01", "terminating connection due to administrator command"), nameof(DatabaseFailureKind.OutcomeUnknown) },
        { "socket closed mid-read", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()), nameof(DatabaseFailureKind.OutcomeUnknown) },
        { "PgBouncer queue full", Error("08P01", "query_wait_timeout"), nameof(DatabaseFailureKind.Saturated) },
        { "Npgsql pool full", new NpgsqlException("The connection pool has been exhausted, either raise 'Max Pool Size' (currently 8) or 'Timeout' (currently 15 seconds) in your connection string.", new TimeoutException()), nameof(DatabaseFailureKind.Saturated) },
        { "a unique violation", Error("23505", "duplicate key value violates unique constraint"), nameof(DatabaseFailureKind.NotAnOutage) },
        { "a bug", new InvalidOperationException("Sequence contains no elements"), nameof(DatabaseFailureKind.NotAnOutage) },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Each_failure_is_read_for_what_it_means(string failure, Exception exception, string expected)
    {
        Assert.True(expected == DatabaseFailure.Classify(exception).ToString(), $"{failure}: {exception.Message} read as {DatabaseFailure.Classify(exception)}, expected {expected}");
    }

    public static TheoryData<string, Exception, bool> Outages => new()
    {
        { "Postgres down, PgBouncer waiting to log in again", Error("08P01", "server login has been failing, try again later (server_login_retry)"), true },
        { "PgBouncer cannot reach Postgres", Error("08P01", "pgbouncer cannot connect to server"), true },
        { "Postgres gone mid-transaction, through PgBouncer", Error("08P01", "server conn crashed?"), true },
        { "PgBouncer KILL", Error("08P01", "database removed"), true },
        { "Postgres shutting down (or pg_terminate_backend)", Error("57P01", "terminating connection due to administrator command"), true },
        { "Postgres crashed", Error("57P02", "terminating connection because of crash of another server process"), true },
        { "Postgres starting up", Error("57P03", "the database system is starting up"), true },
        { "the pooler refuses connections", new NpgsqlException("Failed to connect to 127.0.0.1:6432", new SocketException((int)SocketError.ConnectionRefused)), true },
        { "the pooler does not accept the login in time", new NpgsqlException("Failed to connect to 127.0.0.1:6432", new TimeoutException("Timeout during connection attempt")), true },
        { "the pooler closed the socket (a restart)", new NpgsqlException("Exception while reading from stream", new IOException("Connection reset by peer", new SocketException((int)SocketError.ConnectionReset))), true },
        { "PgBouncer closed an idle client", Error("08P01", "client_idle_timeout"), false },
        { "PgBouncer queue full", Error("08P01", "query_wait_timeout"), false },
        { "PgBouncer at max_client_conn", Error("08P01", "no more connections allowed (max_client_conn)"), false },
        { "a database name PgBouncer does not know", Error("08P01", "no such database: fly_db"), false },
        { "Postgres at max_connections", Error("53300", "sorry, too many clients already"), false },
        { "Npgsql pool full", new NpgsqlException("The connection pool has been exhausted, either raise 'Max Pool Size' (currently 8) or 'Timeout' (currently 15 seconds) in your connection string.", new TimeoutException()), false },
        { "a Command Timeout", new NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt")), false },
        { "a serialization failure", Error("40001", "could not serialize access due to concurrent update"), false },
        { "a unique violation", Error("23505", "duplicate key value violates unique constraint"), false },
        { "a bug", new InvalidOperationException("Sequence contains no elements"), false },
    };

    [Theory]
    [MemberData(nameof(Outages))]
    public void Only_failures_that_say_the_database_or_pooler_cannot_serve_anyone_are_outage_errors(string failure, Exception exception, bool outage)
    {
        Assert.True(outage == DatabaseFailure.IsOutage(exception), $"{failure}: {exception.Message} read as {(outage ? "no " : "")}outage error");
    }

    [Fact]
    public void A_request_refused_by_the_breaker_is_answered_at_once_and_not_retried()
    {
        var refused = new DatabaseUnavailableException("web", TimeSpan.FromMilliseconds(300), "08P01: database removed");

        Assert.Equal(DatabaseFailureKind.BreakerOpen, DatabaseFailure.Classify(refused));
        Assert.Equal(DatabaseFailureKind.BreakerOpen, DatabaseFailure.Classify(new DbUpdateException("An error occurred while saving the entity changes.", refused)));
        Assert.False(TransientRetry.ShouldRetry(refused, idempotent: true));
        Assert.False(DatabaseFailure.IsOutage(refused));
    }

    [Fact]
    public void A_failure_wrapped_by_EF_Core_is_read_from_the_Npgsql_error_inside()
    {
        var wrapped = new DbUpdateException("An error occurred while saving the entity changes.", Error("08P01", "database removed"));

        Assert.Equal(DatabaseFailureKind.OutcomeUnknown, DatabaseFailure.Classify(wrapped));
        Assert.False(TransientRetry.ShouldRetry(wrapped, idempotent: false));
        Assert.True(TransientRetry.ShouldRetry(wrapped, idempotent: true));
    }
}
