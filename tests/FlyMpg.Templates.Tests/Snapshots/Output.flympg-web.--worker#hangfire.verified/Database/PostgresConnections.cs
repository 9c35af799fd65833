using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Orders.Database;

/// <summary>
/// The one place where the service's PostgreSQL connections come from. On Fly Managed Postgres,
/// <c>DATABASE_URL</c> goes through PgBouncer in transaction mode (app traffic) and
/// <c>DIRECT_DATABASE_URL</c> reaches Postgres itself (migrations, the worker, session-scoped work).
/// Each setting below can be overridden in configuration, e.g. <c>Database__Pooled__MaxPoolSize=12</c>.
/// </summary>
public static class PostgresConnections
{
    public const string PooledVariable = "DATABASE_URL";
    public const string DirectVariable = "DIRECT_DATABASE_URL";

    // Every pooled connection is a PgBouncer client; the Basic plan allows 200 for the whole cluster.
    public const int PooledMaxPoolSize = 8;
    public const int JobClientMaxPoolSize = 2;
    public const int WorkerMaxPoolSize = 6;

    /// <summary>The connection for app traffic, through PgBouncer in transaction mode.</summary>
    public static NpgsqlConnectionStringBuilder Pooled(IConfiguration configuration)
    {
        var settings = configuration.GetSection("Database:Pooled");
        var builder = PostgresUrl.Parse(PooledVariable, configuration[PooledVariable]);

        // PgBouncer runs each transaction on any server connection: a statement prepared on one
        // is missing on the next (26000) or already there (42P05). Never call NpgsqlCommand.Prepare() either.
        builder.MaxAutoPrepare = 0;
        // PgBouncer resets server connections itself; DISCARD ALL on every checkout would be a wasted round trip.
        builder.NoResetOnClose = true;
        builder.MaxPoolSize = settings.GetValue("MaxPoolSize", PooledMaxPoolSize);
        // Close idle connections before the pooler reclaims them: Npgsql does not check a pooled
        // connection before handing it out, so one the pooler closed fails on first use (08P01).
        builder.ConnectionIdleLifetime = settings.GetValue("ConnectionIdleLifetime", 300);
        builder.ConnectionPruningInterval = Math.Clamp(builder.ConnectionIdleLifetime / 2, 1, 10);
        // Fly recommends recycling client connections every 10 minutes.
        builder.ConnectionLifetime = settings.GetValue("ConnectionLifetime", 600);
        // Fly's guide uses 15 s; a longer query holds one of the cluster's few server connections.
        builder.CommandTimeout = settings.GetValue("CommandTimeout", 15);
        return WithCommonSettings(builder, configuration, "web");
    }

    /// <summary>A connection to Postgres itself, bypassing PgBouncer; <paramref name="role"/> names the process in pg_stat_activity.</summary>
    public static NpgsqlConnectionStringBuilder Direct(IConfiguration configuration, string role)
    {
        var settings = configuration.GetSection("Database:Direct");
        var builder = PostgresUrl.Parse(DirectVariable, configuration[DirectVariable]);

        // Direct connections are the cluster's scarcest resource (50 on the Basic plan, for all Machines).
        builder.MaxPoolSize = settings.GetValue("MaxPoolSize", 2);
        builder.CommandTimeout = settings.GetValue("CommandTimeout", 15);
        return WithCommonSettings(builder, configuration, role);
    }

    /// <summary>The web process's connection for enqueueing jobs: through PgBouncer, on a small pool of its own.</summary>
    public static NpgsqlConnectionStringBuilder JobClient(IConfiguration configuration)
    {
        var builder = Pooled(configuration);
        // Hangfire's client is synchronous: a caller blocks its thread while it waits for a connection. On a pool
        // of their own, callers wait only for each other; on the pool of async EF Core calls they starve the
        // thread pool (measured: requests timed out after 30 s under 64 concurrent clients).
        builder.MaxPoolSize = configuration.GetValue("Database:JobClient:MaxPoolSize", JobClientMaxPoolSize);
        return builder;
    }

    /// <summary>The worker's connection: direct, with a pool of its own, so jobs neither queue behind web traffic at the pooler nor run into its timeouts.</summary>
    public static NpgsqlConnectionStringBuilder Worker(IConfiguration configuration)
    {
        var builder = Direct(configuration, "worker");
        builder.MaxPoolSize = configuration.GetValue("Database:Worker:MaxPoolSize", WorkerMaxPoolSize);
        return builder;
    }

    /// <summary>"&lt;fly app&gt;:&lt;role&gt;": which app and process holds a connection, in pg_stat_activity and PgBouncer's SHOW CLIENTS.</summary>
    public static string ApplicationName(IConfiguration configuration, string role) =>
        $"{configuration["FLY_APP_NAME"] ?? "orders"}:{role}";

    private static NpgsqlConnectionStringBuilder WithCommonSettings(NpgsqlConnectionStringBuilder builder, IConfiguration configuration, string role)
    {
        builder.ApplicationName ??= ApplicationName(configuration, role);
        // Fly's network needs no Kerberos; without this Npgsql 10 logs a failed libgssapi_krb5 load.
        builder.GssEncryptionMode = GssEncryptionMode.Disable;
        return builder;
    }
}
