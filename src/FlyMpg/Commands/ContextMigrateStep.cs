using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FlyMpg.Commands;

/// <summary>
/// <c>migrate</c> for a second context (<see cref="FlyPostgresExtensions.AddFlyDbContext{TContext}(IServiceCollection)"/>):
/// its migrations, on the same direct connection, session lock and timeouts as the first context's. EF applies only
/// migrations whose <c>[DbContext]</c> names this type, so each context type migrates its own.
/// </summary>
internal sealed class ContextMigrateStep<TContext>(IServiceProvider services) : IFlyMigrateStep
    where TContext : DbContext
{
    public string Name => $"{typeof(TContext).Name}'s migrations";

    public async Task RunAsync(NpgsqlConnection connection, ILogger logger, CancellationToken cancellationToken)
    {
        var settings = services.GetRequiredService<FlyPostgresConnections>().Settings.Migrate;
        var options = new DbContextOptionsBuilder<TContext>()
            .UseNpgsql(connection)
            .AddInterceptors(new ConcurrentStatementInterceptor(settings.LockTimeoutMilliseconds))
            .Options;
        await using var db = ActivatorUtilities.CreateInstance<TContext>(services, options);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
        {
            logger.LogInformation("{Context}: database is up to date; no migration to apply.", typeof(TContext).Name);
            return;
        }

        await InvalidIndexes.RepairAsync(connection, InvalidIndexes.BuiltConcurrentlyBy(db, pending), settings.LockTimeoutMilliseconds, nameTheOthers: false, logger, cancellationToken);
        logger.LogInformation("{Context}: applying {Count} migration(s): {Migrations}", typeof(TContext).Name, pending.Count, string.Join(", ", pending));
        await db.Database.MigrateAsync(cancellationToken);
    }
}
