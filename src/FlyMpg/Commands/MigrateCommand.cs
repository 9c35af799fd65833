using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FlyMpg.Commands;

/// <summary>
/// <c>dotnet App.dll migrate</c>: applies pending migrations over DIRECT_DATABASE_URL and exits; fly.toml's
/// release_command runs it once per deploy while the previous release keeps serving, and a non-zero exit stops the deploy.
/// It needs the direct connection: migrations may run statements outside a transaction (CREATE INDEX CONCURRENTLY), set
/// session settings (lock_timeout) or run longer than a pooler allows, and concurrent runs are serialized on a session lock.
/// Its statements wait for a lock only briefly and are tried again (<see cref="LockRetry"/>): a DDL statement waiting
/// for its lock would make every query of the serving release on that table wait behind it.
/// </summary>
internal static class MigrateCommand
{
    // Serializes concurrent `migrate` runs (two deploys, or a deploy and a manual run) on a session lock, which only a direct connection holds.
    private const long MigrationLockKey = 0x666c796d7067; // "flympg"

    public static async Task<int> RunAsync(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("migrate");
        var connections = services.GetRequiredService<FlyPostgresConnections>();
        var settings = connections.Settings.Migrate;
        var direct = connections.Migrate();
        RefuseThePooledUrl(connections, direct);

        // The process's migrate pool (FlyDataSources.MigrateName), so its traces say which connection ran the migrations. Its
        // connections: the migrations' session, the one that watches what that session waits for, and the contexts of the
        // service's own steps (OnFlyMigrate), which run after the migrations, within Migrate:MaxPoolSize.
        var dataSource = services.GetRequiredService<FlyDataSources>().ForThisProcess;
        await using var db = services.GetRequiredService<FlyContextType>().Create(services, options => options
            .UseNpgsql(dataSource)
            .AddInterceptors(new ConcurrentStatementInterceptor(settings.LockTimeoutMilliseconds)));
        if (CompiledModelCheck.FindDifference(db) is { } stale)
        {
            logger.LogError(
                "The compiled model differs from the model in code (compiled: {Running}; in code: {InCode}). Run `dotnet ef dbcontext optimize` again (README, \"Migrations\"), commit it and deploy again.",
                stale.Running, stale.InCode);
            return 1;
        }

        try
        {
            await db.Database.OpenConnectionAsync();
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await RefuseAPoolerAsync(connection);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLockKey})");
            await MigrationSession.SetTimeoutsAsync(connection, settings, CancellationToken.None);
            var retry = new LockRetry(dataSource, connection.ProcessID, settings, logger);

            var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
            await InvalidIndexes.RepairAsync(
                connection, InvalidIndexes.BuiltConcurrentlyBy(db, pending), settings.LockTimeoutMilliseconds, nameTheOthers: true, logger, CancellationToken.None);
            if (pending.Count == 0)
            {
                logger.LogInformation("Database is up to date; no migration to apply.");
            }
            else
            {
                logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
                await retry.RunAsync(
                    () => db.Database.MigrateAsync(),
                    async () => (await db.Database.GetPendingMigrationsAsync()).FirstOrDefault() ?? "The last migration",
                    CancellationToken.None);
                logger.LogInformation("Applied {Count} migration(s).", pending.Count);
            }

            foreach (var step in services.GetServices<IFlyMigrateStep>())
            {
                await retry.RunAsync(() => step.RunAsync(connection, logger, CancellationToken.None), () => Task.FromResult(step.Name), CancellationToken.None);
            }

            var ownSteps = services.GetRequiredService<FlyMigrateSteps>().All();
            for (var i = 0; i < ownSteps.Count; i++)
            {
                logger.LogInformation("Running the service's migrate step {Step} of {Count} (OnFlyMigrate).", i + 1, ownSteps.Count);
                await ownSteps[i]();
            }

            return 0;
        }
        catch (MigrationBlockedException blocked)
        {
            LogBlocked(logger, blocked, settings);
            return 1;
        }
        catch (InvalidOperationException e) when (e.Message.Contains("PendingModelChangesWarning", StringComparison.Ordinal))
        {
            logger.LogError("The model has changes that no migration contains. Run `dotnet ef migrations add <Name>`, commit it and deploy again.");
            return 1;
        }
        catch (StatementTimeoutException timedOut)
        {
            logger.LogError(
                "Could not migrate: a statement of {What} ran longer than {Seconds} s and Postgres cancelled it (statement_timeout, FlyMpg__Migrate__StatementTimeoutSeconds), so it is not applied (an index build CONCURRENTLY leaves an INVALID index, which the next migrate drops and builds again). Make the statement shorter (batch a backfill), or raise the setting together with fly.toml's release_command_timeout.",
                timedOut.What, settings.StatementTimeoutSeconds);
            return 1;
        }
        catch (Exception e) when (DatabaseError(e) is { } error)
        {
            logger.LogError("Could not migrate over {Variable}: {Reason}", FlyPostgres.DirectVariable, error.Message);
            return 1;
        }
    }

    // One line a person can act on: what waited, behind whom, how to end it; the serving release was held up one lock timeout at a time.
    private static void LogBlocked(ILogger logger, MigrationBlockedException blocked, MigrateSettings settings)
    {
        var wait = blocked.Wait;
        var holder = wait?.Blockers.FirstOrDefault(b => !b.WaitsItself) ?? wait?.Blockers.FirstOrDefault();
        logger.LogError(
            "Could not migrate: {What} could not get {Lock} in {Tries} tries over {Seconds:F0} s (lock_timeout {LockTimeout} ms each, FlyMpg__Migrate__LockRetrySeconds={Budget}); each try was rolled back, so it is not applied. It waits behind {Blockers}. {Ending} Then deploy again; the release that is serving keeps serving.",
            blocked.What,
            wait?.Lock ?? "its lock",
            blocked.Tries,
            blocked.Waited.TotalSeconds,
            settings.LockTimeoutMilliseconds,
            settings.LockRetrySeconds,
            wait?.Behind ?? "a session that ended before it could be seen",
            holder is null
                ? "Look for long transactions in pg_stat_activity."
                : $"End that transaction, or let it finish (SELECT pg_terminate_backend({holder.Pid}) ends it).");
    }

    // EF's execution strategy wraps a failed connection attempt in an InvalidOperationException.
    private static NpgsqlException? DatabaseError(Exception e) => e as NpgsqlException ?? e.InnerException as NpgsqlException;

    private static void RefuseThePooledUrl(FlyPostgresConnections connections, NpgsqlConnectionStringBuilder direct)
    {
        NpgsqlConnectionStringBuilder? pooled;
        try
        {
            pooled = connections.Pooled();
        }
        catch (DatabaseConfigurationException)
        {
            pooled = null; // migrate needs only the direct URL
        }

        if (pooled is not null && pooled.Host == direct.Host && pooled.Port == direct.Port)
        {
            throw new DatabaseConfigurationException(FlyPostgres.DirectVariable,
                $"points at the same server as {FlyPostgres.PooledVariable} ({direct.Host}:{direct.Port}), the pooler; migrations need the direct URL");
        }

        if (direct.Host?.StartsWith("pgbouncer.", StringComparison.OrdinalIgnoreCase) == true || direct.Port == 6432)
        {
            throw new DatabaseConfigurationException(FlyPostgres.DirectVariable,
                $"points at a PgBouncer host ({direct.Host}:{direct.Port}); migrations need the direct URL");
        }
    }

    // A pooler answers the startup handshake itself, with a process id of its own: on Postgres the id the
    // connection was given is its backend's pid, behind PgBouncer (any pool mode) it is not.
    private static async Task RefuseAPoolerAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        if ((int)(await command.ExecuteScalarAsync())! != connection.ProcessID)
        {
            throw new DatabaseConfigurationException(FlyPostgres.DirectVariable,
                $"reaches a connection pooler at {connection.Host}:{connection.Port}, not Postgres itself; migrations need the direct URL");
        }
    }
}
