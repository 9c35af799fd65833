using global::Hangfire.PostgreSql;
using Npgsql;

namespace FlyMpg.Hangfire;

/// <summary><c>migrate</c> installs or upgrades Hangfire's tables, so the web and worker processes need no DDL rights.</summary>
internal sealed class HangfireSchemaStep(FlyHangfireSettings settings) : IFlyMigrateStep
{
    public string Name => $"Hangfire's schema '{settings.Schema}'";

    public Task RunAsync(NpgsqlConnection connection, ILogger logger, CancellationToken cancellationToken)
    {
        PostgreSqlObjectsInstaller.Install(connection, settings.Schema);
        logger.LogInformation("Hangfire schema '{Schema}' is up to date.", settings.Schema);
        return Task.CompletedTask;
    }
}
