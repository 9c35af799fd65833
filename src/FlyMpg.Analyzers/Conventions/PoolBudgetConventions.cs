using System.Globalization;
using System.Linq;

namespace FlyMpg.Analyzers.Conventions;

/// <summary>
/// FLYMPG044: the pool sizes fly.toml's <c>[env]</c> sets fit the connection budget of the plan that
/// local/pgbouncer-mpg.ini describes (the service's, else the pack's): the web Machines' pooled connections within its
/// <c>max_client_conn</c>, and <c>migrate</c> plus the worker Machines' direct connections within its
/// <c>max_db_connections</c> minus <c>reserve_pool_size</c>. Machine counts are <c>doctor</c>'s defaults.
/// </summary>
internal static class PoolBudgetConventions
{
    public const string PooledSize = "FlyMpg__Pooled__MaxPoolSize";
    public const string JobClientSize = "FlyMpg__Hangfire__JobClientMaxPoolSize";
    public const string WorkerSize = "FlyMpg__Worker__MaxPoolSize";
    public const string MigrateSize = "FlyMpg__Migrate__MaxPoolSize";

    /// <summary>Web Machines, as <c>fly launch</c> creates (doctor's <c>--machines</c> default).</summary>
    public const int WebMachines = 2;

    /// <summary>Worker Machines (doctor's <c>--worker-machines</c> default).</summary>
    public const int WorkerMachines = 1;

    /// <summary>The library's default pool size of <c>migrate</c> (FlyPostgresSettings.Migrate), when [env] does not set it.</summary>
    public const int DefaultMigratePoolSize = 2;

    /// <summary>The range FlyMpg accepts at startup for the pooled and worker pool sizes.</summary>
    public const int MaxPoolSize = 1000;

    public static void Check(ConventionFile file, TomlDocument toml, IniDocument policy, DriftReport report)
    {
        var env = toml.Entries.Where(e => e.Table == "env").ToList();
        var pooled = env.LastOrDefault(e => e.Key == PooledSize);
        var jobClient = env.LastOrDefault(e => e.Key == JobClientSize);
        var worker = env.LastOrDefault(e => e.Key == WorkerSize);
        var migrate = env.LastOrDefault(e => e.Key == MigrateSize);
        var policyFile = "local/pgbouncer-mpg.ini";

        if (pooled is not null && InRange(file, pooled, report) is { } pooledSize)
        {
            var perMachine = pooledSize + (Size(jobClient) ?? 0);
            var clients = Limit(policy, "max_client_conn");
            if (clients is { } limit && WebMachines * perMachine > limit)
            {
                var sum = jobClient is null ? pooledSize.ToString(CultureInfo.InvariantCulture) : $"({pooledSize} + {JobClientSize} {Size(jobClient)})";
                report.OverBudget(file, pooled, $"does not fit the plan's client connections: {WebMachines} web Machines (as fly launch creates) × {sum} = {WebMachines * perMachine}, over max_client_conn = {limit} in {policyFile}");
            }
        }

        if (worker is not null && InRange(file, worker, report) is { } workerSize)
        {
            var migrateSize = Size(migrate) ?? DefaultMigratePoolSize;
            var database = Limit(policy, "max_db_connections") - (Limit(policy, "reserve_pool_size") ?? 0);
            var used = migrateSize + (WorkerMachines * workerSize);
            if (database is { } limit && used > limit)
            {
                report.OverBudget(file, worker, $"does not fit the plan's database connections: migrate {migrateSize} + {WorkerMachines} worker Machine × {workerSize} = {used}, over max_db_connections minus reserve_pool_size = {limit} in {policyFile}");
            }
        }
    }

    private static int? InRange(ConventionFile file, TomlEntry setting, DriftReport report)
    {
        if (Size(setting) is { } size and >= 1 and <= MaxPoolSize)
        {
            return size;
        }

        report.OverBudget(file, setting, $"is not a pool size FlyMpg accepts: a whole number from 1 to {MaxPoolSize} (the service refuses it when it starts)");
        return null;
    }

    private static int? Size(TomlEntry? setting) =>
        setting is not null && int.TryParse(setting.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null;

    private static int? Limit(IniDocument policy, string key) =>
        policy.Last(key) is { } entry && int.TryParse(entry.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) ? limit : null;
}
