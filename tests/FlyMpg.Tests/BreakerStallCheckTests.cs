using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace FlyMpg.Tests;

/// <summary>
/// When Postgres goes away between statements, no request sees an outage error: PgBouncer holds every one while it waits
/// <c>server_login_retry</c> to log in again. Requests in flight with no answer for a stall period make the breaker check
/// the database on a new connection, which PgBouncer refuses at once; that refusal opens it. A pooler that holds the check
/// too (PAUSE, a full pooler), an answer, or answers still coming leave it closed.
/// </summary>
public sealed class BreakerStallCheckTests : IDisposable
{
    private static readonly BreakerSettings Defaults = new();
    private static readonly TimeSpan Stall = TimeSpan.FromMilliseconds(Defaults.StallMilliseconds);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogger<DatabaseBreaker> _log = new();
    private readonly string _name = $"web-{Guid.NewGuid():N}";
    private readonly List<DatabaseBreaker> _breakers = [];
    private int _checks;

    public void Dispose() => _breakers.ForEach(breaker => breaker.Dispose());

    private static PostgresException CannotConnect() =>
        new("pgbouncer cannot connect to server", "FATAL", "FATAL", PostgresErrorCodes.ProtocolViolation);

    private DatabaseBreaker BreakerWhoseCheck(Func<CancellationToken, Task> check)
    {
        var breaker = TestBreakers.Create(_name, Defaults, _time, _log, cancellationToken =>
        {
            Interlocked.Increment(ref _checks);
            return check(cancellationToken);
        });
        _breakers.Add(breaker);
        return breaker;
    }

    // Requests PgBouncer holds: let through, never reported back.
    private static void Hold(DatabaseBreaker breaker, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            breaker.Enter();
        }
    }

    [Fact]
    public void Requests_held_for_a_stall_period_and_a_new_connection_refused_open_it_and_it_logs_once()
    {
        var breaker = BreakerWhoseCheck(_ => Task.FromException(CannotConnect()));
        Hold(breaker, 8);

        _time.Advance(Stall / 2);
        Assert.Equal(0, _checks);
        _time.Advance(Stall / 2);

        Assert.Equal(1, _checks);
        Assert.Equal(BreakerState.Open, breaker.State);
        var refused = Assert.Throws<DatabaseUnavailableException>(() => breaker.Enter());
        Assert.Contains("pgbouncer cannot connect to server", refused.Message, StringComparison.Ordinal);
        var down = Assert.Single(_log.Collector.GetSnapshot(), e => e.Level == LogLevel.Warning);
        Assert.Contains("data source is down: requests waited 1000 ms without an answer and a new connection got 08P01: pgbouncer cannot connect to server", down.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void While_other_requests_get_answers_one_long_statement_is_no_stall_and_nothing_is_checked()
    {
        var breaker = BreakerWhoseCheck(_ => Task.FromException(CannotConnect()));
        Hold(breaker, 1); // a report that runs for seconds

        for (var i = 0; i < 20; i++)
        {
            breaker.Succeeded(breaker.Enter());
            _time.Advance(TimeSpan.FromMilliseconds(200));
        }

        Assert.Equal(0, _checks);
        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    [Fact]
    public void Requests_that_time_out_are_no_answer_and_the_check_still_runs()
    {
        var breaker = BreakerWhoseCheck(_ => Task.FromException(CannotConnect()));
        Hold(breaker, 1);
        _time.Advance(Stall / 2);
        breaker.Failed(breaker.Enter(), new NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt")));
        _time.Advance(Stall / 2);

        Assert.Equal(1, _checks);
        Assert.Equal(BreakerState.Open, breaker.State);
    }

    [Fact]
    public void A_pooler_that_holds_the_check_too_leaves_it_closed_and_one_check_runs_at_a_time()
    {
        // PAUSE or a full pooler: the new connection's query waits like the requests, until the check gives up.
        var breaker = BreakerWhoseCheck(cancellationToken => Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken));
        Hold(breaker, 8);

        _time.Advance(Stall);
        _time.Advance(DatabaseBreaker.StallCheckTimeout - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, _checks);
        _time.Advance(Stall * 3);

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.DoesNotContain(_log.Collector.GetSnapshot(), e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void A_check_that_gets_an_answer_leaves_it_closed()
    {
        var breaker = BreakerWhoseCheck(_ => Task.CompletedTask);
        Hold(breaker, 8);

        _time.Advance(Stall * 3);

        Assert.True(_checks >= 1);
        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    [Fact]
    public void Without_requests_in_flight_nothing_is_checked()
    {
        var breaker = BreakerWhoseCheck(_ => Task.FromException(CannotConnect()));
        breaker.Succeeded(breaker.Enter());

        _time.Advance(Stall * 5);

        Assert.Equal(0, _checks);
        Assert.Equal(BreakerState.Closed, breaker.State);
    }
}
