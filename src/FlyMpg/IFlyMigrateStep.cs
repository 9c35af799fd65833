using Npgsql;

namespace FlyMpg;

/// <summary>Work <c>migrate</c> does after EF Core's migrations, on the same direct connection and lock (e.g. Hangfire's schema).</summary>
internal interface IFlyMigrateStep
{
    Task RunAsync(NpgsqlConnection connection, ILogger logger, CancellationToken cancellationToken);
}
