using System.Diagnostics;
using Npgsql;

namespace FlyMpg.Commands;

/// <summary>
/// Runs one piece of migrate's work (a context's pending migrations, a step) on a session whose statements wait at most
/// <see cref="MigrateSettings.LockTimeoutMilliseconds"/> for a lock: while a DDL statement waits, every later query on its
/// table waits behind it, so a short wait, a pause that lets the queue drain, and another try keep the release that is
/// serving answering. EF Core applies each migration in a transaction of its own, so a try that timed out left nothing of
/// that migration behind, and the next try resumes with it. Gives up after <see cref="MigrateSettings.LockRetrySeconds"/>,
/// naming who holds the lock.
/// </summary>
internal sealed class LockRetry(NpgsqlDataSource dataSource, int pid, MigrateSettings settings, ILogger logger)
{
    // Pauses between tries double from the first to the longest: a blocker that ends is noticed within 5 s, and the
    // serving release waits (at most one lock timeout) in only a small part of each pause.
    private static readonly TimeSpan FirstPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="work"/> until it succeeds, trying again after each lock timeout within the budget;
    /// <paramref name="waiting"/> names what waited (asked after a try timed out, e.g. the first migration still pending).
    /// </summary>
    /// <exception cref="MigrationBlockedException">The budget ran out.</exception>
    /// <exception cref="StatementTimeoutException">A statement ran longer than the statement timeout (never tried again: it would again).</exception>
    public async Task RunAsync(Func<Task> work, Func<Task<string>> waiting, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var budget = TimeSpan.FromSeconds(settings.LockRetrySeconds);
        var pause = FirstPause;
        for (var tries = 1; ; tries++)
        {
            LockWait? wait;
            await using (var watch = BlockerWatch.Start(dataSource, pid, WatchInterval(), logger))
            {
                try
                {
                    await work();
                    return;
                }
                catch (Exception e) when (IsLockTimeout(e))
                {
                    wait = await watch.StopAsync();
                }
                catch (Exception e) when (IsStatementTimeout(e))
                {
                    throw new StatementTimeoutException(await waiting(), e);
                }
            }

            var what = await waiting();
            if (clock.Elapsed + pause > budget)
            {
                throw new MigrationBlockedException(what, tries, clock.Elapsed, wait);
            }

            logger.LogWarning(
                "{What} waited {LockTimeout} ms for {Lock}, was cancelled and rolled back (try {Try}); trying again in {Pause} s.",
                what, settings.LockTimeoutMilliseconds, wait?.ToString() ?? "a lock whose holder ended before it could be seen", tries, pause.TotalSeconds);
            await Task.Delay(pause, cancellationToken);
            pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
        }
    }

    /// <summary>Postgres' "canceling statement due to lock timeout" (55P03), under EF's wrappers.</summary>
    public static bool IsLockTimeout(Exception e) =>
        DatabaseFailure.FindNpgsqlException(e) is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable };

    /// <summary>Postgres' "canceling statement due to statement timeout" (57014, which a cancel request shares), under EF's wrappers.</summary>
    public static bool IsStatementTimeout(Exception e) =>
        DatabaseFailure.FindNpgsqlException(e) is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } canceled
        && canceled.MessageText.Contains("statement timeout", StringComparison.Ordinal);

    // Several looks while one lock timeout lasts, and no busier than ten a second.
    private TimeSpan WatchInterval() =>
        TimeSpan.FromMilliseconds(Math.Clamp(settings.LockTimeoutMilliseconds / 5, 20, 100));
}
