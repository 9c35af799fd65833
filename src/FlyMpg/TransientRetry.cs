using Npgsql;

namespace FlyMpg;

/// <summary>
/// What is worth retrying behind PgBouncer, in one place: EF Core's strategy (<see cref="FlyExecutionStrategy"/>) and raw
/// Npgsql on hot paths (<see cref="ReadAsync{T}"/>, <see cref="WriteAsync{T}"/>) retry Npgsql's transient errors and PgBouncer's own <c>08P01</c>
/// failures, but never a full pooler (<c>query_wait_timeout</c>) or a full pool: those answer 503 at once. While the
/// database is known to be down, nothing is tried or retried: the service's breaker answers 503 at once
/// (<see cref="DatabaseUnavailableException"/>, <c>FlyMpg:Breaker</c>).
/// </summary>
public sealed class TransientRetry
{
    private readonly DatabaseBreaker _breaker;
    private readonly ILogger<TransientRetry> _logger;

    /// <summary>Retries up to <paramref name="maxRetryCount"/> times, with no breaker.</summary>
    public TransientRetry(int maxRetryCount, ILogger<TransientRetry> logger)
        : this(maxRetryCount, DatabaseBreaker.Off, logger)
    {
    }

    internal TransientRetry(int maxRetryCount, DatabaseBreaker breaker, ILogger<TransientRetry> logger)
    {
        MaxRetryCount = maxRetryCount;
        _breaker = breaker;
        _logger = logger;
    }

    /// <summary>The longest wait between two tries.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    /// <summary>How often a read is retried after its first try.</summary>
    public int MaxRetryCount { get; }

    /// <summary>
    /// Runs an idempotent read (or a write made idempotent by a key, e.g. <c>INSERT ... ON CONFLICT DO NOTHING</c>) and
    /// retries it as EF Core's strategy would: at once (a connection the pooler closed has left the pool), then after 1 s,
    /// then every <see cref="MaxDelay"/>, at most <see cref="MaxRetryCount"/> times.
    /// </summary>
    public Task<T> ReadAsync<T>(Func<Task<T>> read) => RunAsync(read, idempotent: true, "read");

    /// <summary>
    /// Runs a write that must not be applied twice (an <c>INSERT</c> with no key) and retries it as <see cref="ReadAsync{T}"/>
    /// does, but only when it never reached a server: when the connection broke mid-statement it may have been applied,
    /// and the failure is thrown (the service answers 503; a client that sent a key retries with it).
    /// </summary>
    public Task<T> WriteAsync<T>(Func<Task<T>> write) => RunAsync(write, idempotent: false, "write");

    private async Task<T> RunAsync<T>(Func<Task<T>> operation, bool idempotent, string kind)
    {
        for (var retries = 0; ; retries++)
        {
            var attempt = _breaker.Enter();
            try
            {
                var result = await operation();
                _breaker.Succeeded(attempt);
                return result;
            }
            catch (Exception e)
            {
                // An outage error may open the breaker: then the database is known to be down, and nothing is retried.
                _breaker.Failed(attempt, e);
                if (e is not NpgsqlException || retries >= MaxRetryCount || !ShouldRetry(e, idempotent) || _breaker.State != BreakerState.Closed)
                {
                    throw;
                }

                var delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, retries) - 1, MaxDelay.TotalSeconds));
                FlyMpgMetrics.RecordRetry(e, kind);
                _logger.LogWarning(e, "A transient error occurred during a {Operation}. It will be retried after {DelayMs} ms (retry {Retry} of {MaxRetryCount}).", kind, delay.TotalMilliseconds, retries + 1, MaxRetryCount);
                await Task.Delay(delay);
            }
        }
    }

    /// <summary>
    /// Whether a failed operation is worth running again: when it never reached a server; when its outcome is unknown
    /// only if running it twice does no harm; never when the pooler or the pool is full.
    /// </summary>
    internal static bool ShouldRetry(Exception e, bool idempotent) => DatabaseFailure.Classify(e) switch
    {
        DatabaseFailureKind.NeverRan => true,
        DatabaseFailureKind.OutcomeUnknown => idempotent,
        _ => false,
    };
}
