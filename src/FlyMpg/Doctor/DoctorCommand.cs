using System.Globalization;
using System.Reflection;
using Npgsql;

namespace FlyMpg.Doctor;

/// <summary>
/// <c>dotnet App.dll doctor</c>: checks the environment it runs in against what the service needs on Fly Managed
/// Postgres and prints one line per check, <c>pass|warn|fail|skip  check: finding — fix: ...</c>. Exit code 1 when
/// a check fails, 2 on a bad option, 0 otherwise. Read-only: SELECTs in read-only transactions, nothing migrated,
/// created or changed. Every network step gives up after 5 seconds.
/// </summary>
internal static class DoctorCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args)
    {
        var hasWorker = services.GetServices<FlyWorker>().Any();
        var (options, error) = DoctorOptions.Parse(args, hasWorker);
        if (error is not null)
        {
            Console.Error.WriteLine($"error: {error}{Environment.NewLine}{DoctorOptions.Usage(App, hasWorker)}");
            return 2;
        }

        if (options is null)
        {
            Console.WriteLine(DoctorOptions.Usage(App, hasWorker));
            return 0;
        }

        var connections = services.GetRequiredService<FlyPostgresConnections>();
        var report = new DoctorReport(Console.Out);
        var probe = new DoctorChecks($"{connections.ApplicationNamePrefix}:doctor", services.GetRequiredService<FlyContextType>(), services);
        const string pooledVariable = FlyPostgres.PooledVariable, directVariable = FlyPostgres.DirectVariable;

        // 1. Both variables present and parseable; shown as user@host:port/database, never with the password.
        var pooled = report.Settings(pooledVariable, () => connections.Pooled());
        var direct = report.Settings(directVariable, () => connections.Direct("doctor"));

        // 2. Each host resolves and accepts a connection.
        var pooledReachable = report.Write($"{pooledVariable} connection", pooled is null ? Finding.Skipped(pooledVariable) : await probe.ConnectionAsync(pooled));
        var directReachable = report.Write($"{directVariable} connection", direct is null ? Finding.Skipped(directVariable) : await probe.ConnectionAsync(direct));

        // 3. What answers: a pooler in transaction mode behind DATABASE_URL, Postgres itself behind DIRECT_DATABASE_URL.
        report.Write($"{pooledVariable} pooling", pooledReachable ? await probe.PoolingAsync(pooled!) : Finding.Skipped(pooledVariable));
        report.Write($"{directVariable} session", directReachable ? await probe.SessionAsync(direct!) : Finding.Skipped(directVariable));

        // 4. Prepared statements do not survive transaction pooling.
        report.Write("prepared statements", pooled is null ? Finding.Skipped(pooledVariable) : PreparedStatements(pooled));

        // 5. The pools of every Machine against the plan's limits, as each part registered them.
        var budget = new ConnectionBudget(connections, services.GetServices<PoolInBudget>(), DoctorPlan.All.Single(p => p.Id == options.Plan), options);
        report.Write("client connections", pooled is null ? Finding.Skipped(pooledVariable) : budget.ClientConnections());
        report.Write("database connections", direct is null ? Finding.Skipped(directVariable) : budget.DatabaseConnections(hasWorker));

        // 6. Migrations, read over the direct connection; then the checks of each integration.
        report.Write("migrations", directReachable ? await probe.MigrationsAsync(direct!, App) : Finding.Skipped(directVariable));
        foreach (var check in services.GetServices<IFlyDoctorCheck>())
        {
            await check.RunAsync(report, probe, directReachable ? direct : null, App);
        }

        return report.Failed ? 1 : 0;
    }

    // "dotnet Orders.dll", as the fixes tell to run it.
    private static string App => $"dotnet {Assembly.GetEntryAssembly()?.GetName().Name ?? "App"}.dll";

    private static Finding PreparedStatements(NpgsqlConnectionStringBuilder pooled) =>
        pooled.MaxAutoPrepare == 0
            ? Finding.Pass("off on DATABASE_URL (Max Auto Prepare = 0)")
            : Finding.Fail(
                string.Create(CultureInfo.InvariantCulture, $"Max Auto Prepare = {pooled.MaxAutoPrepare} on DATABASE_URL: statements prepared on one server connection are missing on the next (26000, 42P05)"),
                "keep FlyMpg's pooled connection (AddFlyPostgres) and never call NpgsqlCommand.Prepare()");
}
