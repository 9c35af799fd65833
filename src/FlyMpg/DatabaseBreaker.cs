using System.Globalization;
using Npgsql;

namespace FlyMpg;

/// <summary>
/// Fails fast while the database is known to be down. During a Postgres restart or crash, or after a PgBouncer
/// <c>KILL</c>, PgBouncer holds new requests while it waits <c>server_login_retry</c> (15 s) before it logs in to Postgres
/// again, and each one would wait up to its Command Timeout holding a pooled connection. Once
/// <see cref="BreakerSettings.FailureThreshold"/> outage errors (<see cref="DatabaseFailure.IsOutage"/>) arrive within
/// <see cref="BreakerSettings.SamplingMilliseconds"/>, the breaker opens: every operation is refused with a
/// <see cref="DatabaseUnavailableException"/> before it takes a connection, and the service answers 503 at once.
/// <see cref="BreakerSettings.BreakMilliseconds"/> later the next operation is let through as the probe, one at a time:
/// its success closes the breaker; a failure that is no answer from the database opens it again for as long. Opening
/// clears the data source's pool: its idle connections predate the outage, and after a PgBouncer restart or <c>KILL</c>
/// every one of them is closed at the other end, so a probe that took one would fail on it rather than on the database.
/// <para>
/// When Postgres goes away between statements, no operation sees an outage error: PgBouncer holds each one while it
/// waits to log in again. So when operations are in flight and none has finished for
/// <see cref="BreakerSettings.StallMilliseconds"/>, a new connection (outside the pool, which they hold) runs
/// <c>SELECT 1</c>: PgBouncer refuses it at once while its logins fail, and that outage error opens the breaker. An
/// answer, or none within its timeout (a <c>PAUSE</c>, a full pooler, a long statement), leaves it closed.
/// </para>
/// <para>
/// One for the web process's pooled data source, shared by <see cref="TransientRetry"/>, <see cref="FlyExecutionStrategy"/>
/// and the readiness check. The worker's jobs are retried by Hangfire, and <c>migrate</c> and <c>doctor</c> report
/// their own failures: they get <see cref="Off"/>.
/// </para>
/// <para>
/// Not Polly's circuit breaker, which opens on a failure ratio over a sampling window: an outage begins with the
/// connections in use failing at once among the hundreds of requests that succeeded in the last second, and then
/// PgBouncer holds requests without failing them, so the ratio never rises. Measured with Polly.Core 8.9.1's breaker in
/// this one's place in the fault suite (FailureRatio 0.1, MinimumThroughput 2, SamplingDuration 0.5 s): it stayed closed
/// after every PgBouncer <c>KILL</c> (8 "database removed" among 300 to 750 successes). No ratio tells a burst of outage
/// errors at high traffic from one dropped connection at low traffic; their count within a second does (the library's
/// PollyRatioBreakerTests feed both the same outcomes).
/// </para>
/// </summary>
internal sealed class DatabaseBreaker : IDisposable
{
    /// <summary>Never opens: for the worker, <c>migrate</c> and <c>doctor</c>, and when <c>FlyMpg:Breaker:Enabled</c> is false.</summary>
    public static readonly DatabaseBreaker Off = new();

    /// <summary>
    /// A probe still running after this long (a statement without a Command Timeout that never returns) no longer holds
    /// the others back: the next operation probes too. Twice the default Command Timeout: a probe may wait for a pooled
    /// connection first.
    /// </summary>
    internal static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the stall check waits for its connection and its answer. PgBouncer's refusal comes in milliseconds;
    /// waiting longer would only find a pooler that holds the check as it holds the requests.
    /// </summary>
    internal static readonly TimeSpan StallCheckTimeout = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private readonly NpgsqlDataSource? _dataSource;
    private readonly bool _enabled;
    private readonly TimeSpan _sampling;
    private readonly TimeSpan _break;
    private readonly TimeSpan _stall;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<CancellationToken, Task>? _checkOnNewConnection;
    private readonly ITimer? _stallWatch;

    // Operations let through and not yet reported back, and when one last got an answer (or the first started).
    private int _inFlight;
    private long _lastProgress;
    private long _lastStallCheck;
    private int _checking;

    // The timestamps of the last FailureThreshold outage errors while closed, oldest at _nextSlot once full.
    private readonly long[] _recentOutages;
    private int _recorded;
    private int _nextSlot;

    private volatile BreakerState _state = BreakerState.Closed;
    private long _openedAt;
    private long _probeDueAt;
    private long _probe;
    private long _probeStartedAt;
    private long _refused;
    private string _lastOutage = "";

    /// <param name="dataSource">The pooled data source it looks after; cleared when it opens.</param>
    /// <param name="name">The data source's name, on its metrics and log lines.</param>
    /// <param name="settings">Section <c>FlyMpg:Breaker</c>.</param>
    /// <param name="time">The clock of its windows, breaks and stall watch.</param>
    /// <param name="logger">One line when it opens, one when it closes.</param>
    /// <param name="checkOnNewConnection">
    /// Runs <c>SELECT 1</c> on a new connection outside <paramref name="dataSource"/>'s pool, for the stall check; null: no stall check.
    /// </param>
    public DatabaseBreaker(NpgsqlDataSource dataSource, string name, BreakerSettings settings, TimeProvider time, ILogger<DatabaseBreaker> logger, Func<CancellationToken, Task>? checkOnNewConnection = null)
    {
        _dataSource = dataSource;
        Name = name;
        _enabled = settings.Enabled;
        _recentOutages = new long[settings.FailureThreshold];
        _sampling = TimeSpan.FromMilliseconds(settings.SamplingMilliseconds);
        _break = TimeSpan.FromMilliseconds(settings.BreakMilliseconds);
        _stall = TimeSpan.FromMilliseconds(settings.StallMilliseconds);
        _time = time;
        _logger = logger;
        if (_enabled)
        {
            FlyMpgMetrics.Observe(this);
            if (checkOnNewConnection is not null)
            {
                _checkOnNewConnection = checkOnNewConnection;
                // Looks twice per stall period: a stall is seen at most half a period late.
                _stallWatch = time.CreateTimer(_ => WatchForStall(), null, _stall / 2, _stall / 2);
            }
        }
    }

    private DatabaseBreaker()
    {
        Name = "off";
        _recentOutages = [];
        _time = TimeProvider.System;
        _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>The data source's name (<c>db.client.connection.pool.name</c>): <c>web</c>.</summary>
    public string Name { get; }

    /// <summary>Whether outage errors can open it (false for <see cref="Off"/>).</summary>
    public bool Enabled => _enabled;

    public BreakerState State => _state;

    /// <summary>
    /// Lets a database operation through, as the probe once the break is over, or refuses it while the database is
    /// known to be down. Report its outcome with <see cref="Succeeded"/> or <see cref="Failed"/>.
    /// </summary>
    /// <exception cref="DatabaseUnavailableException">The breaker is open, or another operation is probing.</exception>
    public BreakerAttempt Enter()
    {
        if (_state == BreakerState.Closed)
        {
            return Started(default);
        }

        var now = _time.GetTimestamp();
        TimeSpan retryAfter;
        string lastOutage;
        lock (_gate)
        {
            switch (_state)
            {
                case BreakerState.Closed:
                    return Started(default);
                case BreakerState.Open when now >= _probeDueAt:
                case BreakerState.HalfOpen when _time.GetElapsedTime(_probeStartedAt, now) >= ProbeTimeout:
                    return Started(StartProbe(now));
            }

            _refused++;
            retryAfter = _state == BreakerState.Open ? _time.GetElapsedTime(now, _probeDueAt) : _break;
            lastOutage = _lastOutage;
        }

        throw new DatabaseUnavailableException(Name, retryAfter, lastOutage);
    }

    /// <summary>The operation <paramref name="attempt"/> succeeded: a probe's success closes the breaker.</summary>
    public void Succeeded(BreakerAttempt attempt)
    {
        Finished(failure: null);
        if (!attempt.IsProbe)
        {
            // Only time and probes govern an open breaker: an operation let through before it opened proves nothing.
            return;
        }

        lock (_gate)
        {
            if (attempt.Probe != _probe || _state != BreakerState.HalfOpen)
            {
                return;
            }

            Close();
        }

        LogClosed();
    }

    /// <summary>
    /// The operation <paramref name="attempt"/> failed with <paramref name="failure"/>: an outage error counts towards
    /// opening; a probe that got no answer from the database opens the breaker again, one that got one closes it.
    /// </summary>
    public void Failed(BreakerAttempt attempt, Exception failure)
    {
        Finished(failure);
        if (!_enabled || (!attempt.IsProbe && (_state != BreakerState.Closed || !DatabaseFailure.IsOutage(failure))))
        {
            return;
        }

        var now = _time.GetTimestamp();
        bool opened;
        lock (_gate)
        {
            if (attempt.IsProbe)
            {
                if (attempt.Probe != _probe || _state != BreakerState.HalfOpen)
                {
                    return;
                }

                opened = !DatabaseAnswered(failure);
                if (opened)
                {
                    Open(now, failure);
                }
                else
                {
                    Close();
                }
            }
            else if (_state == BreakerState.Closed && RecordOutage(now))
            {
                opened = true;
                OpenAfterClosed(now, failure);
            }
            else
            {
                return;
            }
        }

        if (!opened)
        {
            LogClosed();
        }
        else if (attempt.IsProbe)
        {
            _logger.LogDebug(failure, "The probe of the '{DataSource}' database failed; the next one in {BreakMs} ms.", Name, _break.TotalMilliseconds);
        }
        else
        {
            _dataSource?.Clear();
            _logger.LogWarning(
                failure,
                "The database of the '{DataSource}' data source is down: {Count} outage errors within {SamplingMs} ms, the last {LastOutage}. Requests that need it are answered 503 at once; one request probes it every {BreakMs} ms.",
                Name, _recentOutages.Length, _sampling.TotalMilliseconds, Describe(failure), _break.TotalMilliseconds);
        }
    }

    // Counted only where a stall watch reads them.
    private BreakerAttempt Started(BreakerAttempt attempt)
    {
        if (_stallWatch is not null && Interlocked.Increment(ref _inFlight) == 1)
        {
            Volatile.Write(ref _lastProgress, _time.GetTimestamp());
        }

        return attempt;
    }

    // An operation that timed out or was given up is no progress: the database may be holding it too.
    private void Finished(Exception? failure)
    {
        if (_stallWatch is null)
        {
            return;
        }

        Interlocked.Decrement(ref _inFlight);
        if (failure is null || !GotNoAnswer(failure))
        {
            Volatile.Write(ref _lastProgress, _time.GetTimestamp());
        }
    }

    // On the stall watch's timer: operations in flight, none finished for a stall period, no check within one.
    private void WatchForStall()
    {
        var now = _time.GetTimestamp();
        if (_state != BreakerState.Closed
            || Volatile.Read(ref _inFlight) <= 0
            || _time.GetElapsedTime(Volatile.Read(ref _lastProgress), now) < _stall
            || _time.GetElapsedTime(Volatile.Read(ref _lastStallCheck), now) < _stall
            || Interlocked.Exchange(ref _checking, 1) == 1)
        {
            return;
        }

        Volatile.Write(ref _lastStallCheck, now);
        _ = CheckStallAsync();
    }

    private async Task CheckStallAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(StallCheckTimeout, _time);
            await _checkOnNewConnection!(timeout.Token);
        }
        catch (Exception e) when (DatabaseFailure.IsOutage(e) && !GotNoAnswer(e))
        {
            OpenAfterStall(e);
        }
        catch (Exception e)
        {
            // An answer that is not an outage, or none in time: the pooler holds requests (PAUSE, a full pool), not refuses them.
            _logger.LogDebug(e, "The stall check of the '{DataSource}' database found no outage.", Name);
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    private void OpenAfterStall(Exception failure)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_state != BreakerState.Closed)
            {
                return;
            }

            OpenAfterClosed(now, failure);
        }

        _dataSource?.Clear();
        _logger.LogWarning(
            failure,
            "The database of the '{DataSource}' data source is down: requests waited {StallMs} ms without an answer and a new connection got {LastOutage}. Requests that need it are answered 503 at once; one request probes it every {BreakMs} ms.",
            Name, _stall.TotalMilliseconds, Describe(failure), _break.TotalMilliseconds);
    }

    /// <summary>Runs <paramref name="operation"/> through <see cref="Enter"/>, <see cref="Succeeded"/> and <see cref="Failed"/>.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> operation)
    {
        var attempt = Enter();
        try
        {
            var result = await operation();
            Succeeded(attempt);
            return result;
        }
        catch (Exception e)
        {
            Failed(attempt, e);
            throw;
        }
    }

    /// <inheritdoc cref="RunAsync{T}"/>
    public T Run<T>(Func<T> operation)
    {
        var attempt = Enter();
        try
        {
            var result = operation();
            Succeeded(attempt);
            return result;
        }
        catch (Exception e)
        {
            Failed(attempt, e);
            throw;
        }
    }

    public void Dispose()
    {
        _stallWatch?.Dispose();
        FlyMpgMetrics.Forget(this);
    }

    // An answer from Postgres (a constraint, a bug in the SQL) or from the app's own code after it: the database serves.
    // No answer: an outage error, a full pooler, a Command Timeout, or the request given up.
    private static bool DatabaseAnswered(Exception failure) =>
        DatabaseFailure.Classify(failure) == DatabaseFailureKind.NotAnOutage && !GotNoAnswer(failure);

    // A timeout or a cancellation anywhere in the chain: no answer came in time.
    private static bool GotNoAnswer(Exception failure)
    {
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException or OperationCanceledException)
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(Exception failure) => DatabaseFailure.FindNpgsqlException(failure) switch
    {
        PostgresException postgres => $"{postgres.SqlState}: {postgres.MessageText}",
        { } npgsql when npgsql.InnerException is { } cause => $"{npgsql.Message}: {cause.Message}",
        { } npgsql => npgsql.Message,
        null => failure.Message,
    };

    // Records one outage error; true when it makes FailureThreshold of them within the sampling window.
    private bool RecordOutage(long now)
    {
        _recentOutages[_nextSlot] = now;
        _nextSlot = (_nextSlot + 1) % _recentOutages.Length;
        _recorded = Math.Min(_recorded + 1, _recentOutages.Length);
        return _recorded == _recentOutages.Length && _time.GetElapsedTime(_recentOutages[_nextSlot], now) <= _sampling;
    }

    private BreakerAttempt StartProbe(long now)
    {
        _state = BreakerState.HalfOpen;
        _probe++;
        _probeStartedAt = now;
        FlyMpgMetrics.RecordBreakerTransition(Name, BreakerState.HalfOpen);
        return new BreakerAttempt(_probe);
    }

    // An outage begins: its start and its refusals are counted from here, for the line that logs its end.
    private void OpenAfterClosed(long now, Exception failure)
    {
        _openedAt = now;
        _refused = 0;
        Open(now, failure);
    }

    private void Open(long now, Exception failure)
    {
        _state = BreakerState.Open;
        _probeDueAt = now + (long)(_break.TotalSeconds * _time.TimestampFrequency);
        _lastOutage = Describe(failure);
        FlyMpgMetrics.RecordBreakerTransition(Name, BreakerState.Open);
    }

    private void Close()
    {
        _state = BreakerState.Closed;
        _recorded = 0;
        FlyMpgMetrics.RecordBreakerTransition(Name, BreakerState.Closed);
    }

    private void LogClosed()
    {
        long openedAt, refused;
        lock (_gate)
        {
            (openedAt, refused) = (_openedAt, _refused);
        }

        _logger.LogInformation(
            "The database of the '{DataSource}' data source serves again: a probe was answered {DownSeconds} s after the breaker opened; {Refused} requests were answered 503 meanwhile.",
            Name, _time.GetElapsedTime(openedAt).TotalSeconds.ToString("F1", CultureInfo.InvariantCulture), refused);
    }
}
