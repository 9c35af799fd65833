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

    private readonly Lock _gate = new();
    private readonly NpgsqlDataSource? _dataSource;
    private readonly bool _enabled;
    private readonly TimeSpan _sampling;
    private readonly TimeSpan _break;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

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

    public DatabaseBreaker(NpgsqlDataSource dataSource, string name, BreakerSettings settings, TimeProvider time, ILogger<DatabaseBreaker> logger)
    {
        _dataSource = dataSource;
        Name = name;
        _enabled = settings.Enabled;
        _recentOutages = new long[settings.FailureThreshold];
        _sampling = TimeSpan.FromMilliseconds(settings.SamplingMilliseconds);
        _break = TimeSpan.FromMilliseconds(settings.BreakMilliseconds);
        _time = time;
        _logger = logger;
        if (_enabled)
        {
            FlyMpgMetrics.Observe(this);
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
            return default;
        }

        var now = _time.GetTimestamp();
        TimeSpan retryAfter;
        string lastOutage;
        lock (_gate)
        {
            switch (_state)
            {
                case BreakerState.Closed:
                    return default;
                case BreakerState.Open when now >= _probeDueAt:
                case BreakerState.HalfOpen when _time.GetElapsedTime(_probeStartedAt, now) >= ProbeTimeout:
                    return StartProbe(now);
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
                _openedAt = now;
                _refused = 0;
                Open(now, failure);
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

    public void Dispose() => FlyMpgMetrics.Forget(this);

    // An answer from Postgres (a constraint, a bug in the SQL) or from the app's own code after it: the database serves.
    // No answer: an outage error, a full pooler, a Command Timeout, or the request given up.
    private static bool DatabaseAnswered(Exception failure)
    {
        if (DatabaseFailure.Classify(failure) != DatabaseFailureKind.NotAnOutage)
        {
            return false;
        }

        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException or OperationCanceledException)
            {
                return false;
            }
        }

        return true;
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
