using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace FlyMpg.Tests;

/// <summary>
/// The breaker of the pooled data source: a burst of outage errors opens it, one dropped connection does not; while it is
/// open nothing reaches the database; after the break one request at a time probes it, and only an answer from the
/// database closes it. Opening and closing are logged once each and counted on the FlyMpg meter.
/// </summary>
public sealed class DatabaseBreakerTests : IDisposable
{
    private static readonly BreakerSettings Defaults = new();
    private static readonly TimeSpan Break = TimeSpan.FromMilliseconds(Defaults.BreakMilliseconds);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger<DatabaseBreaker> _log = new();
    private readonly DatabaseBreaker _breaker;

    // The data source's name, one per spec: the gauge and the counters are shared with the specs running beside it.
    private readonly string _name = $"web-{Guid.NewGuid():N}";

    public DatabaseBreakerTests() => _breaker = TestBreakers.Create(_name, Defaults, _time, _log);

    public void Dispose() => _breaker.Dispose();

    internal static PostgresException ServerLoginRetry() =>
        new("server login has been failing, try again later (server_login_retry)", "FATAL", "FATAL", PostgresErrorCodes.ProtocolViolation);

    internal static PostgresException AdminShutdown() =>
        new("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown);

    private void Fail(Exception failure) => _breaker.Failed(_breaker.Enter(), failure);

    private void Succeed() => _breaker.Succeeded(_breaker.Enter());

    private void Open()
    {
        Fail(AdminShutdown());
        Fail(AdminShutdown());
        Assert.Equal(BreakerState.Open, _breaker.State);
    }

    // Opens it, waits out the break, and lets the next request through: the probe.
    private BreakerAttempt Probe()
    {
        Open();
        _time.Advance(Break);
        return _breaker.Enter();
    }

    [Fact]
    public void Two_outage_errors_within_a_second_open_it_and_the_next_request_is_refused_before_it_runs()
    {
        Fail(AdminShutdown());
        _time.Advance(TimeSpan.FromMilliseconds(5));
        Fail(new PostgresException("database removed", "FATAL", "FATAL", PostgresErrorCodes.ProtocolViolation));

        var refused = Assert.Throws<DatabaseUnavailableException>(() => _breaker.Enter());

        Assert.Equal(BreakerState.Open, _breaker.State);
        Assert.Equal(_name, refused.DataSourceName);
        Assert.Contains("08P01: database removed", refused.Message, StringComparison.Ordinal);
        Assert.True(refused.IsTransient);
    }

    [Fact]
    public void One_dropped_connection_among_successful_requests_does_not_open_it()
    {
        for (var i = 0; i < 100; i++)
        {
            Succeed();
        }

        Fail(AdminShutdown()); // pg_terminate_backend of the server connection under one request
        for (var i = 0; i < 100; i++)
        {
            Succeed();
        }

        Assert.Equal(BreakerState.Closed, _breaker.State);
        Assert.Empty(_log.Collector.GetSnapshot());
    }

    [Fact]
    public void Outage_errors_further_apart_than_the_sampling_window_do_not_add_up()
    {
        foreach (var _ in Enumerable.Range(0, 5))
        {
            Fail(AdminShutdown());
            _time.Advance(TimeSpan.FromMilliseconds(Defaults.SamplingMilliseconds + 1));
        }

        Assert.Equal(BreakerState.Closed, _breaker.State);
    }

    public static TheoryData<string, Exception> NotOutages => new()
    {
        { "PgBouncer closed idle clients (a stalled service)", new PostgresException("client_idle_timeout", "FATAL", "FATAL", PostgresErrorCodes.ProtocolViolation) },
        { "a full pooler", new PostgresException("query_wait_timeout", "FATAL", "FATAL", PostgresErrorCodes.ProtocolViolation) },
        { "a full pool", new NpgsqlException("The connection pool has been exhausted, either raise 'Max Pool Size' (currently 8) or 'Timeout' (currently 15 seconds) in your connection string.", new TimeoutException()) },
        { "a Command Timeout", new NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt")) },
        { "a deadlock", new PostgresException("deadlock detected", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected) },
        { "a unique violation", new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation) },
        { "a bug", new InvalidOperationException("Sequence contains no elements") },
    };

    [Theory]
    [MemberData(nameof(NotOutages))]
    public void Errors_that_are_not_outages_never_open_it(string failure, Exception exception)
    {
        for (var i = 0; i < 20; i++)
        {
            Fail(exception);
        }

        Assert.True(_breaker.State == BreakerState.Closed, $"{failure} opened it");
    }

    [Fact]
    public void A_refusal_says_when_the_next_probe_is_due()
    {
        Open();
        _time.Advance(TimeSpan.FromMilliseconds(200));

        var refused = Assert.Throws<DatabaseUnavailableException>(() => _breaker.Enter());

        Assert.Equal(Break - TimeSpan.FromMilliseconds(200), refused.RetryAfter);
    }

    [Fact]
    public void After_the_break_one_request_probes_and_the_others_are_refused_while_it_runs()
    {
        var probe = Probe();

        Assert.True(probe.IsProbe);
        Assert.Equal(BreakerState.HalfOpen, _breaker.State);
        _time.Advance(TimeSpan.FromSeconds(10)); // PgBouncer holds the probe; every other request is answered at once
        Assert.Throws<DatabaseUnavailableException>(() => _breaker.Enter());
        Assert.Throws<DatabaseUnavailableException>(() => _breaker.Enter());
    }

    [Fact]
    public void A_probe_that_succeeds_closes_it()
    {
        _breaker.Succeeded(Probe());

        Assert.Equal(BreakerState.Closed, _breaker.State);
        Assert.False(_breaker.Enter().IsProbe);
    }

    public static TheoryData<string, Exception> NoAnswer => new()
    {
        { "PgBouncer still failing logins", ServerLoginRetry() },
        { "Postgres refusing connections", new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)) },
        { "held by PgBouncer until the Command Timeout", new NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt")) },
        { "the readiness check giving up", new TimeoutException() },
        { "the client gone", new OperationCanceledException() },
        { "no pooled connection free", new NpgsqlException("The connection pool has been exhausted, either raise 'Max Pool Size' (currently 8) or 'Timeout' (currently 15 seconds) in your connection string.", new TimeoutException()) },
    };

    [Theory]
    [MemberData(nameof(NoAnswer))]
    public void A_probe_without_an_answer_from_the_database_opens_it_again_for_the_break(string failure, Exception exception)
    {
        _breaker.Failed(Probe(), exception);

        Assert.True(_breaker.State == BreakerState.Open, $"{failure}: {_breaker.State}");
        _time.Advance(Break - TimeSpan.FromMilliseconds(1));
        Assert.Throws<DatabaseUnavailableException>(() => _breaker.Enter());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(_breaker.Enter().IsProbe);
    }

    [Fact]
    public void A_probe_answered_by_the_database_with_an_error_closes_it()
    {
        _breaker.Failed(Probe(), new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation));

        Assert.Equal(BreakerState.Closed, _breaker.State);
    }

    [Fact]
    public void A_probe_that_never_finishes_lets_another_through_after_the_probe_timeout()
    {
        var hung = Probe();

        _time.Advance(DatabaseBreaker.ProbeTimeout);
        var next = _breaker.Enter();
        _breaker.Failed(hung, ServerLoginRetry()); // the hung one's late outcome no longer counts

        Assert.True(next.IsProbe);
        Assert.Equal(BreakerState.HalfOpen, _breaker.State);
        _breaker.Succeeded(next);
        Assert.Equal(BreakerState.Closed, _breaker.State);
    }

    [Fact]
    public void Requests_let_through_before_it_opened_change_nothing_when_they_finish()
    {
        var before = Enumerable.Range(0, 4).Select(_ => _breaker.Enter()).ToList();
        Open();

        _breaker.Succeeded(before[0]);
        _breaker.Failed(before[1], ServerLoginRetry());

        Assert.Equal(BreakerState.Open, _breaker.State);
        Assert.Throws<DatabaseUnavailableException>(() => _breaker.Enter());
    }

    [Fact]
    public void Opening_and_closing_are_logged_once_each_whatever_the_number_of_requests()
    {
        // A Postgres restart under load: the 8 connections in use fail at once.
        foreach (var inFlight in Enumerable.Range(0, 8).Select(_ => _breaker.Enter()).ToList())
        {
            _breaker.Failed(inFlight, AdminShutdown());
        }

        for (var i = 0; i < 500; i++)
        {
            Assert.Throws<DatabaseUnavailableException>(() => _breaker.Enter());
        }

        _time.Advance(Break);
        _breaker.Failed(_breaker.Enter(), ServerLoginRetry());
        _time.Advance(Break);
        _breaker.Succeeded(_breaker.Enter());

        var logged = _log.Collector.GetSnapshot().Where(e => e.Level >= LogLevel.Information).ToList();
        Assert.Equal(2, logged.Count);
        Assert.Equal(LogLevel.Warning, logged[0].Level);
        Assert.Contains($"'{_name}' data source is down: 2 outage errors within 1000 ms, the last 57P01: terminating connection due to administrator command", logged[0].Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Information, logged[1].Level);
        Assert.Contains("serves again: a probe was answered 1.0 s after the breaker opened; 500 requests were answered 503 meanwhile", logged[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Its_changes_are_counted_and_its_state_is_a_gauge_on_the_FlyMpg_meter()
    {
        using var transitions = new MetricRecorder(FlyPostgres.MeterName, "flympg.breaker.transitions");
        using var state = new MetricRecorder(FlyPostgres.MeterName, "flympg.breaker.state");

        Open();
        state.Observe();
        _time.Advance(Break);
        var probe = _breaker.Enter();
        state.Observe();
        _breaker.Succeeded(probe);
        state.Observe();

        Assert.Equal(
            ["open", "half_open", "closed"],
            transitions.Measurements.Where(m => Equals(m.Tags["db.client.connection.pool.name"], _name)).Select(m => (string)m.Tags["flympg.breaker.state"]!));
        Assert.Equal([1, 2, 0], state.Measurements.Where(m => Equals(m.Tags["db.client.connection.pool.name"], _name)).Select(m => m.Value));
    }

    [Fact]
    public void Turned_off_it_never_opens_and_reports_no_state()
    {
        using var state = new MetricRecorder(FlyPostgres.MeterName, "flympg.breaker.state");
        using var off = TestBreakers.Create("off-spec", new BreakerSettings { Enabled = false }, _time, _log);

        for (var i = 0; i < 10; i++)
        {
            off.Failed(off.Enter(), ServerLoginRetry());
        }

        state.Observe();
        Assert.Equal(BreakerState.Closed, off.State);
        Assert.DoesNotContain(state.Measurements, m => Equals(m.Tags["db.client.connection.pool.name"], "off-spec"));
        Assert.Equal(BreakerState.Closed, DatabaseBreaker.Off.State);
    }
}
