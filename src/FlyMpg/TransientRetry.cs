using Npgsql;

namespace FlyMpg;

/// <summary>
/// What is worth retrying behind PgBouncer, in one place: EF Core's retrying strategy is configured from it
/// (<see cref="FlyPostgresExtensions.AddFlyPostgres"/>), and raw Npgsql reads on hot paths run through <see cref="ReadAsync{T}"/>.
/// </summary>
public sealed class TransientRetry(int maxRetryCount, ILogger<TransientRetry> logger)
{
    /// <summary>
    /// PgBouncer reports its own failures (client_idle_timeout, query_wait_timeout, server conn crashed) as 08P01,
    /// which Npgsql does not treat as transient: retried as well.
    /// </summary>
    public static readonly string[] PgBouncerErrorCodes = [PostgresErrorCodes.ProtocolViolation];

    /// <summary>The longest wait between two tries.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(2);

    /// <summary>How often a read is retried after its first try.</summary>
    public int MaxRetryCount { get; } = maxRetryCount;

    /// <summary>
    /// Runs an idempotent read and retries it as EF Core's strategy would: at once (a connection the pooler
    /// closed has left the pool), then after 1 s, then every <see cref="MaxDelay"/>, at most <see cref="MaxRetryCount"/> times.
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<Task<T>> read)
    {
        for (var retries = 0; ; retries++)
        {
            try
            {
                return await read();
            }
            catch (NpgsqlException e) when (retries < MaxRetryCount && IsTransient(e))
            {
                var delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, retries) - 1, MaxDelay.TotalSeconds));
                logger.LogWarning(e, "A transient error occurred during a read. The read will be retried after {DelayMs} ms (retry {Retry} of {MaxRetryCount}).", delay.TotalMilliseconds, retries + 1, MaxRetryCount);
                await Task.Delay(delay);
            }
        }
    }

    internal static bool IsTransient(NpgsqlException e) =>
        e.IsTransient || e is PostgresException { SqlState: var sqlState } && PgBouncerErrorCodes.Contains(sqlState);
}
