using System.Reflection;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace FlyMpg;

/// <summary>
/// The one place where a service's PostgreSQL connections come from. On Fly Managed Postgres <c>DATABASE_URL</c>
/// goes through PgBouncer (transaction mode, once chosen in the dashboard) for app traffic, and
/// <c>DIRECT_DATABASE_URL</c> reaches Postgres itself for migrations, the worker and session-scoped work.
/// Each URL is read and parsed once, on first use; every call returns a fresh builder the caller may change.
/// </summary>
public sealed class FlyPostgresConnections
{
    private readonly Lazy<NpgsqlConnectionStringBuilder> _pooledUrl;
    private readonly Lazy<NpgsqlConnectionStringBuilder> _directUrl;

    /// <summary>Reads the URLs from <paramref name="configuration"/> (environment variables or appsettings.json) with <paramref name="settings"/>.</summary>
    /// <exception cref="DatabaseConfigurationException">A setting is out of range; the message names it and the rule.</exception>
    public FlyPostgresConnections(IConfiguration configuration, FlyPostgresSettings settings)
    {
        Settings = Validated(settings);
        ApplicationNamePrefix = settings.ApplicationName
            ?? configuration["FLY_APP_NAME"]
            ?? Assembly.GetEntryAssembly()?.GetName().Name?.ToLowerInvariant()
            ?? "app";
        _pooledUrl = new(() => PostgresUrl.Parse(FlyPostgres.PooledVariable, configuration[FlyPostgres.PooledVariable]));
        _directUrl = new(() => PostgresUrl.Parse(FlyPostgres.DirectVariable, configuration[FlyPostgres.DirectVariable]));
    }

    /// <summary>The settings these connections were made with.</summary>
    public FlyPostgresSettings Settings { get; }

    /// <summary>The first part of every connection's application name, <c>&lt;prefix&gt;:&lt;role&gt;</c>.</summary>
    public string ApplicationNamePrefix { get; }

    /// <summary>The connection for app traffic, through PgBouncer in transaction mode.</summary>
    /// <exception cref="DatabaseConfigurationException"><c>DATABASE_URL</c> is missing or malformed.</exception>
    public NpgsqlConnectionStringBuilder Pooled(string role = "web")
    {
        var settings = Settings.Pooled;
        var builder = Copy(_pooledUrl.Value);

        // PgBouncer runs each transaction on any server connection: a statement prepared on one is missing on
        // the next (26000) or already there (42P05). Never call NpgsqlCommand.Prepare() on it either.
        builder.MaxAutoPrepare = 0;
        // PgBouncer resets server connections itself; DISCARD ALL on every checkout would be a wasted round trip.
        builder.NoResetOnClose = true;
        // Every pooled connection is a PgBouncer client, counted against the cluster's limit for all Machines.
        builder.MaxPoolSize = settings.MaxPoolSize;
        // Close idle connections before the pooler reclaims them: Npgsql does not check a pooled connection
        // before handing it out, so one the pooler closed fails on first use (08P01).
        builder.ConnectionIdleLifetime = settings.ConnectionIdleLifetime;
        builder.ConnectionPruningInterval = Math.Clamp(settings.ConnectionIdleLifetime / 2, 1, 10);
        // Fly recommends recycling client connections every 10 minutes.
        builder.ConnectionLifetime = settings.ConnectionLifetime;
        // A longer query holds one of the cluster's few server connections.
        builder.CommandTimeout = settings.CommandTimeout;
        return WithCommonSettings(builder, role);
    }

    /// <summary>
    /// One connection outside the pooled connection's pool, for the breaker's stall check
    /// (<see cref="BreakerSettings.StallMilliseconds"/>): the requests it looks after hold the pool. Never pooled, at most
    /// one at a time, and it waits <see cref="DatabaseBreaker.StallCheckTimeout"/> at most to connect and for its answer.
    /// </summary>
    internal NpgsqlConnectionStringBuilder StallCheck()
    {
        var builder = Pooled("web-check");
        builder.Pooling = false;
        builder.Timeout = (int)DatabaseBreaker.StallCheckTimeout.TotalSeconds;
        builder.CommandTimeout = (int)DatabaseBreaker.StallCheckTimeout.TotalSeconds;
        return builder;
    }

    /// <summary>Runs <c>SELECT 1</c> on a new <see cref="StallCheck"/> connection: what the breaker's stall check asks the pooler.</summary>
    internal async Task SelectOneOnStallCheckConnectionAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(StallCheck().ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>A short direct connection (doctor, EF tools); <paramref name="role"/> names the process in <c>pg_stat_activity</c>.</summary>
    /// <exception cref="DatabaseConfigurationException"><c>DIRECT_DATABASE_URL</c> is missing or malformed.</exception>
    public NpgsqlConnectionStringBuilder Direct(string role) => DirectWith(Settings.Direct, role);

    /// <summary><c>migrate</c>'s direct connection, with a command timeout for long DDL (its lock and statement timeouts are set on the session).</summary>
    public NpgsqlConnectionStringBuilder Migrate() => DirectWith(Settings.Migrate, "migrate");

    /// <summary>The worker's direct connection: a pool of its own, so jobs neither queue behind web traffic at the pooler nor run into its timeouts.</summary>
    public NpgsqlConnectionStringBuilder Worker() => DirectWith(Settings.Worker, "worker");

    /// <summary>Reads and parses <c>DATABASE_URL</c> now, so a bad one stops the process at startup rather than at the first request.</summary>
    internal void EnsurePooledUrl() => _ = _pooledUrl.Value;

    private NpgsqlConnectionStringBuilder DirectWith(DirectConnectionSettings settings, string role)
    {
        var builder = Copy(_directUrl.Value);
        builder.MaxPoolSize = settings.MaxPoolSize;
        builder.CommandTimeout = settings.CommandTimeout;
        return WithCommonSettings(builder, role);
    }

    private NpgsqlConnectionStringBuilder WithCommonSettings(NpgsqlConnectionStringBuilder builder, string role)
    {
        // "<app>:<role>": which app and process holds a connection, in pg_stat_activity and PgBouncer's SHOW CLIENTS.
        builder.ApplicationName ??= $"{ApplicationNamePrefix}:{role}";
        // Fly's network needs no Kerberos; without this Npgsql 10 logs a failed libgssapi_krb5 load.
        builder.GssEncryptionMode = GssEncryptionMode.Disable;
        return builder;
    }

    private static NpgsqlConnectionStringBuilder Copy(NpgsqlConnectionStringBuilder parsed) => new(parsed.ConnectionString);

    private static FlyPostgresSettings Validated(FlyPostgresSettings settings)
    {
        const string section = FlyPostgres.SectionName;
        Require($"{section}:MaxRetryCount", settings.MaxRetryCount, 0, 10);
        Require($"{section}:Pooled:MaxPoolSize", settings.Pooled.MaxPoolSize, 1, 1000);
        Require($"{section}:Pooled:ConnectionIdleLifetime", settings.Pooled.ConnectionIdleLifetime, 1, 86_400);
        Require($"{section}:Pooled:ConnectionLifetime", settings.Pooled.ConnectionLifetime, 0, 86_400);
        Require($"{section}:Pooled:CommandTimeout", settings.Pooled.CommandTimeout, 0, 86_400);
        foreach (var (name, direct) in new[] { ("Direct", settings.Direct), ("Migrate", settings.Migrate), ("Worker", settings.Worker) })
        {
            Require($"{section}:{name}:MaxPoolSize", direct.MaxPoolSize, 1, 1000);
            Require($"{section}:{name}:CommandTimeout", direct.CommandTimeout, 0, 86_400);
        }

        Require($"{section}:Migrate:LockTimeoutMilliseconds", settings.Migrate.LockTimeoutMilliseconds, 0, 60_000);
        Require($"{section}:Migrate:LockRetrySeconds", settings.Migrate.LockRetrySeconds, 0, 3_600);
        Require($"{section}:Migrate:StatementTimeoutSeconds", settings.Migrate.StatementTimeoutSeconds, 0, 86_400);
        Require($"{section}:Breaker:FailureThreshold", settings.Breaker.FailureThreshold, 1, 100);
        Require($"{section}:Breaker:SamplingMilliseconds", settings.Breaker.SamplingMilliseconds, 1, 60_000);
        Require($"{section}:Breaker:BreakMilliseconds", settings.Breaker.BreakMilliseconds, 1, 60_000);
        Require($"{section}:Breaker:StallMilliseconds", settings.Breaker.StallMilliseconds, 100, 60_000);

        return settings;
    }

    private static void Require(string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            throw new DatabaseConfigurationException(key, $"is {value}; it must be a whole number from {min} to {max}");
        }
    }
}
