using System.Net.Sockets;
using Npgsql;

namespace FlyMpg.Tests;

/// <summary>
/// How FlyMpg retries raw Npgsql reads and writes:
/// what EF Core's retrying strategy retries for the rest of the service, PgBouncer's 08P01 included.
/// The end-to-end spec in IdleReclaimTests shows the same retry against a real PgBouncer.
/// </summary>
public class TransientRetryTests
{
    private readonly WarningLog log = new();

    private static PostgresException PgBouncerError(string reason) => new($"{reason}", "FATAL", "FATAL", PostgresErrorCodes.ProtocolViolation);

    [Fact]
    public async Task A_read_that_PgBouncer_cut_off_with_08P01_is_retried_at_once_and_its_result_returned()
    {
        var attempts = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await new TransientRetry(maxRetryCount: 3, log).ReadAsync(() =>
            ++attempts == 1 ? throw PgBouncerError("client_idle_timeout") : Task.FromResult("row"));

        Assert.Equal("row", result);
        Assert.Equal(2, attempts);
        var warning = Assert.Single(log.Entries);
        Assert.Contains("will be retried after 0 ms (retry 1 of 3)", warning.Message);
        Assert.Equal(PostgresErrorCodes.ProtocolViolation, Assert.IsType<PostgresException>(warning.Exception).SqlState);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(0.9), $"the first retry waited {clock.Elapsed.TotalMilliseconds:F0} ms; it should not wait");
    }

    [Fact]
    public async Task Each_retry_is_counted_on_the_FlyMpg_meter_by_its_SQLSTATE()
    {
        using var retries = new MetricRecorder(FlyPostgres.MeterName, "flympg.retries");
        var attempts = 0;

        await new TransientRetry(maxRetryCount: 3, log).ReadAsync(() =>
            ++attempts <= 2 ? throw PgBouncerError("client_idle_timeout") : Task.FromResult("row"));

        Assert.Equal(3, attempts);
        Assert.Equal(2, retries.Measurements.Where(m => Equals(m.Tags["error.type"], "08P01") && Equals(m.Tags["flympg.retry.by"], "read")).Sum(m => m.Value));
    }

    [Fact]
    public async Task A_broken_network_connection_is_retried()
    {
        var attempts = 0;

        var result = await new TransientRetry(maxRetryCount: 3, log).ReadAsync(() =>
            ++attempts == 1 ? throw new NpgsqlException("Exception while reading from stream", new SocketException()) : Task.FromResult(42));

        Assert.Equal(42, result);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task An_error_that_a_retry_cannot_fix_is_thrown_at_the_first_attempt()
    {
        var attempts = 0;
        var undefinedColumn = new PostgresException("column \"titel\" does not exist", "ERROR", "ERROR", PostgresErrorCodes.UndefinedColumn);

        var thrown = await Assert.ThrowsAsync<PostgresException>(() => new TransientRetry(maxRetryCount: 3, log).ReadAsync<string>(() =>
        {
            attempts++;
            throw undefinedColumn;
        }));

        Assert.Same(undefinedColumn, thrown);
        Assert.Equal(1, attempts);
        Assert.Empty(log.Entries);
    }

    [Fact]
    public async Task After_MaxRetryCount_retries_the_last_error_is_thrown()
    {
        var attempts = 0;

        var thrown = await Assert.ThrowsAsync<PostgresException>(() => new TransientRetry(maxRetryCount: 1, log).ReadAsync<string>(() =>
            throw PgBouncerError($"server conn crashed? #{++attempts}")));

        Assert.Equal(2, attempts);
        Assert.Equal("server conn crashed? #2", thrown.MessageText);
    }

    [Fact]
    public async Task A_full_pooler_is_not_retried_since_a_retry_would_wait_in_the_same_queue_again()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<PostgresException>(() => new TransientRetry(maxRetryCount: 3, log).ReadAsync<string>(() =>
        {
            attempts++;
            throw PgBouncerError("query_wait_timeout");
        }));

        Assert.Equal(1, attempts);
        Assert.Empty(log.Entries);
    }

    [Fact]
    public async Task A_write_cut_off_mid_statement_is_not_run_again_since_it_may_have_been_applied()
    {
        var attempts = 0;

        var thrown = await Assert.ThrowsAsync<PostgresException>(() => new TransientRetry(maxRetryCount: 3, log).WriteAsync<int>(() =>
        {
            attempts++;
            throw PgBouncerError("server conn crashed?");
        }));

        Assert.Equal(PostgresErrorCodes.ProtocolViolation, thrown.SqlState);
        Assert.Equal(1, attempts);
        Assert.Empty(log.Entries);
    }

    [Fact]
    public async Task A_write_that_never_reached_a_server_is_retried_and_counted_as_a_write()
    {
        using var retries = new MetricRecorder(FlyPostgres.MeterName, "flympg.retries");
        var attempts = 0;

        var id = await new TransientRetry(maxRetryCount: 3, log).WriteAsync(() =>
            ++attempts == 1 ? throw PgBouncerError("client_idle_timeout") : Task.FromResult(7));

        Assert.Equal(7, id);
        Assert.Equal(2, attempts);
        Assert.Contains("during a write", Assert.Single(log.Entries).Message);
        Assert.Equal(1, retries.Measurements.Where(m => Equals(m.Tags["flympg.retry.by"], "write")).Sum(m => m.Value));
    }

    [Fact]
    public async Task While_the_database_is_known_to_be_down_nothing_is_tried_and_the_refusal_is_thrown()
    {
        using var breaker = OpenBreaker();
        var attempts = 0;

        var refused = await Assert.ThrowsAsync<DatabaseUnavailableException>(() => new TransientRetry(3, breaker, log).ReadAsync(() => Task.FromResult(++attempts)));

        Assert.Equal(0, attempts);
        Assert.Empty(log.Entries);
        Assert.True(refused.RetryAfter > TimeSpan.Zero);
    }

    [Fact]
    public async Task An_outage_error_that_opens_the_breaker_is_thrown_at_once_instead_of_retried()
    {
        using var breaker = TestBreakers.Create("retry-spec", new BreakerSettings { FailureThreshold = 2 });
        var attempts = 0;

        var thrown = await Assert.ThrowsAsync<PostgresException>(() => new TransientRetry(3, breaker, log).ReadAsync<string>(() =>
        {
            attempts++;
            throw PgBouncerError("server login has been failing, try again later (server_login_retry)");
        }));

        // The first failure is retried at once; the second opens the breaker, and waiting 1 s for a third would only be refused.
        Assert.Equal(2, attempts);
        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.Contains("server_login_retry", thrown.MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_dropped_connection_is_retried_as_before_and_leaves_the_breaker_closed()
    {
        using var breaker = TestBreakers.Create("retry-spec", new BreakerSettings());
        var attempts = 0;

        var result = await new TransientRetry(3, breaker, log).ReadAsync(() =>
            ++attempts == 1 ? throw new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown) : Task.FromResult("row"));

        Assert.Equal("row", result);
        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    private static DatabaseBreaker OpenBreaker()
    {
        var breaker = TestBreakers.Create("retry-spec", new BreakerSettings { FailureThreshold = 1 });
        breaker.Failed(breaker.Enter(), PgBouncerError("database removed"));
        Assert.Equal(BreakerState.Open, breaker.State);
        return breaker;
    }

    private sealed class WarningLog : ILogger<TransientRetry>
    {
        public List<(string Message, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Assert.Equal(LogLevel.Warning, logLevel);
            Entries.Add((formatter(state, exception), exception));
        }
    }
}
