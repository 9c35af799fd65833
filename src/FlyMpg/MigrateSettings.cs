namespace FlyMpg;

/// <summary>
/// <c>migrate</c>'s direct connection (section <c>FlyMpg:Migrate</c>) and how it shares the database with the release that
/// is serving while fly.toml's release_command runs: a DDL statement that waits for its lock makes every later query on
/// that table wait behind it, so migrate waits briefly, lets the queue drain, and tries again.
/// </summary>
public sealed class MigrateSettings : DirectConnectionSettings
{
    /// <summary>
    /// Milliseconds one statement waits for a lock before Postgres cancels it (<c>lock_timeout</c>); migrate then tries again.
    /// Default 250: the serving release's queries on the table wait behind the waiting statement for as long as it waits
    /// (measured behind a 12 s report: reads' p99 0.23 s at 250 ms, 0.5 to 0.8 s at 500, 1 to 1.1 s at 1000, 12 s without),
    /// and an ordinary transaction ends well within it. 0 waits without limit.
    /// </summary>
    public int LockTimeoutMilliseconds { get; set; } = 250;

    /// <summary>
    /// Seconds migrate keeps trying again after lock timeouts (pausing 1 s, then 2, then 4, then 5 s between tries) before
    /// it gives up, naming the session that holds the lock. Default 120: inside the release command's 5 minutes
    /// (fly.toml's <c>release_command_timeout</c>), with room left for the migration itself.
    /// </summary>
    public int LockRetrySeconds { get; set; } = 120;

    /// <summary>
    /// Seconds one migration statement may run before Postgres cancels it (<c>statement_timeout</c>). Default 240: below the
    /// release command's 5 minutes, because a statement whose release Machine Fly stopped runs on in Postgres, holding its
    /// locks. Raise it together with fly.toml's <c>release_command_timeout</c>; <c>CommandTimeout</c> stays above it, so
    /// Postgres' own error comes first. 0: no limit.
    /// </summary>
    public int StatementTimeoutSeconds { get; set; } = 240;
}
