namespace FlyMpg;

/// <summary>
/// Everything FlyMpg lets a service change, read from the <c>FlyMpg</c> configuration section
/// (appsettings.json, or environment variables such as <c>FlyMpg__Pooled__MaxPoolSize=12</c>). The URLs
/// themselves come from <c>DATABASE_URL</c> and <c>DIRECT_DATABASE_URL</c>, never from here.
/// </summary>
public sealed class FlyPostgresSettings
{
    /// <summary>Names the service's connections in <c>pg_stat_activity</c> and PgBouncer's <c>SHOW CLIENTS</c>, as <c>&lt;name&gt;:&lt;role&gt;</c>. Default: <c>FLY_APP_NAME</c>, else the entry assembly's name in lower case.</summary>
    public string? ApplicationName { get; set; }

    /// <summary>How often a transient failure (Npgsql's, and PgBouncer's 08P01) is retried. Default 3.</summary>
    public int MaxRetryCount { get; set; } = 3;

    /// <summary>The web process's connection through PgBouncer (<c>DATABASE_URL</c>).</summary>
    public PooledConnectionSettings Pooled { get; set; } = new();

    /// <summary>Short direct connections (<c>DIRECT_DATABASE_URL</c>): doctor, the EF tools, and the data source keyed <see cref="FlyPostgres.DirectDataSourceKey"/>.</summary>
    public DirectConnectionSettings Direct { get; set; } = new() { MaxPoolSize = 2, CommandTimeout = 15 };

    /// <summary>
    /// <c>migrate</c>'s direct connection, with a command timeout above its statement timeout, and how it waits for locks
    /// while the release that is serving keeps serving (<see cref="MigrateSettings"/>).
    /// </summary>
    public MigrateSettings Migrate { get; set; } = new() { MaxPoolSize = 2, CommandTimeout = 300 };

    /// <summary>The worker process's direct connection: every busy job holds one.</summary>
    public DirectConnectionSettings Worker { get; set; } = new() { MaxPoolSize = 6, CommandTimeout = 15 };

    /// <summary>The web process's breaker: 503 at once while the database is known to be down, one request at a time probing it.</summary>
    public BreakerSettings Breaker { get; set; } = new();
}
