using Npgsql;

namespace FlyMpg;

/// <summary>Work <c>migrate</c> does after EF Core's migrations, on the same direct connection, lock and timeouts (e.g. Hangfire's schema).</summary>
internal interface IFlyMigrateStep
{
    /// <summary>What the step changes, for migrate's messages (e.g. "Hangfire's schema").</summary>
    string Name { get; }

    /// <summary>Applies the step; run again after a lock timeout, so it resumes where a cancelled try left off.</summary>
    Task RunAsync(NpgsqlConnection connection, ILogger logger, CancellationToken cancellationToken);
}
