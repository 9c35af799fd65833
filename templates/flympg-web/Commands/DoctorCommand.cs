using System.Globalization;
using Company.Service1.Database;
using Npgsql;

namespace Company.Service1.Commands;

/// <summary>
/// <c>dotnet Company.Service1.dll doctor</c>: checks the environment it runs in against what this service needs
/// on Fly Managed Postgres and prints one line per check, <c>pass|warn|fail  check: finding — fix: ...</c>.
/// Exit code 1 when a check fails, 0 otherwise. Read-only: it runs SELECTs in read-only transactions and never
/// migrates, creates or changes anything. Every network step gives up after 5 seconds.
/// On Fly: <c>fly ssh console -C "dotnet Company.Service1.dll doctor"</c>.
/// </summary>
public static class DoctorCommand
{
    private static readonly Plan[] Plans =
    [
        // Fly's limits per cluster (docs: mpg/client-configuration): PgBouncer clients, database connections, reserved.
        new("basic", "Basic", 200, 50, 10),
        new("starter", "Starter", 200, 50, 10),
        new("launch", "Launch", 500, 150, 30),
        new("scale", "Scale", 1000, 300, 50),
        new("performance", "Performance", 1000, 300, 50),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var (options, error) = Options.Parse(args);
        if (error is not null)
        {
            Console.Error.WriteLine($"error: {error}{Environment.NewLine}{Options.Usage}");
            return 2;
        }

        if (options is null)
        {
            Console.WriteLine(Options.Usage);
            return 0;
        }

        // The configuration the service itself reads (appsettings*.json, environment), found next to the
        // assembly whatever the working directory (`fly ssh console -C` may start elsewhere).
        var configuration = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory }).Configuration;
        var report = new DoctorReport(Console.Out);
        var probe = new DoctorChecks(PostgresConnections.ApplicationName(configuration, "doctor"));

        // 1. Both variables present and parseable; shown as user@host:port/database, never with the password.
        var pooled = report.Settings(PostgresConnections.PooledVariable, () => PostgresConnections.Pooled(configuration));
        var direct = report.Settings(PostgresConnections.DirectVariable, () => PostgresConnections.Direct(configuration, "doctor"));

        // 2. Each host resolves and accepts a connection.
        var pooledReachable = report.Write(
            $"{PostgresConnections.PooledVariable} connection",
            pooled is null ? Skipped(PostgresConnections.PooledVariable) : await probe.ConnectionAsync(pooled));
        var directReachable = report.Write(
            $"{PostgresConnections.DirectVariable} connection",
            direct is null ? Skipped(PostgresConnections.DirectVariable) : await probe.ConnectionAsync(direct));

        // 3. What answers: a pooler in transaction mode behind DATABASE_URL, Postgres itself behind DIRECT_DATABASE_URL.
        report.Write(
            $"{PostgresConnections.PooledVariable} pooling",
            pooledReachable ? await probe.PoolingAsync(pooled!) : Skipped(PostgresConnections.PooledVariable));
        report.Write(
            $"{PostgresConnections.DirectVariable} session",
            directReachable ? await probe.SessionAsync(direct!) : Skipped(PostgresConnections.DirectVariable));

        // 4. Prepared statements do not survive transaction pooling.
        report.Write("prepared statements", pooled is null ? Skipped(PostgresConnections.PooledVariable) : PreparedStatements(pooled));

        // 5. The pools of every Machine against the plan's limits.
        var plan = Plans.Single(p => p.Id == options.Plan);
#if (UseHangfire)
        report.Write(
            "client connections",
            pooled is null ? Skipped(PostgresConnections.PooledVariable) : ClientConnections(pooled, PostgresConnections.JobClient(configuration), plan, options));
        report.Write(
            "database connections",
            direct is null ? Skipped(PostgresConnections.DirectVariable) : DatabaseConnections(direct, PostgresConnections.Worker(configuration), plan, options));
#else
        report.Write("client connections", pooled is null ? Skipped(PostgresConnections.PooledVariable) : ClientConnections(pooled, plan, options));
        report.Write("database connections", direct is null ? Skipped(PostgresConnections.DirectVariable) : DatabaseConnections(direct, plan));
#endif

        // 6. Migrations, read over the direct connection.
        report.Write("migrations", directReachable ? await probe.MigrationsAsync(direct!, App) : Skipped(PostgresConnections.DirectVariable));
#if (UseHangfire)

        // 7. The jobs: Hangfire's tables, and a worker that heartbeats.
        var (schema, servers) = directReachable ? await probe.HangfireAsync(direct!, App) : (Skipped(PostgresConnections.DirectVariable), null);
        report.Write("hangfire schema", schema);
        report.Write("hangfire servers", servers ?? Finding.Skip("needs the hangfire schema"));
#endif

        return report.Failed ? 1 : 0;
    }

    // "dotnet Orders.dll", as the fixes tell to run it.
    private static string App => $"dotnet {typeof(DoctorCommand).Assembly.GetName().Name}.dll";

    private static Finding Skipped(string variable) => Finding.Skip($"needs a working {variable}");

    private static Finding PreparedStatements(NpgsqlConnectionStringBuilder pooled) =>
        pooled.MaxAutoPrepare == 0
            ? Finding.Pass("off on DATABASE_URL (Max Auto Prepare = 0)")
            : Finding.Fail(
                $"Max Auto Prepare = {pooled.MaxAutoPrepare} on DATABASE_URL: statements prepared on one server connection are missing on the next (26000, 42P05)",
                "keep MaxAutoPrepare = 0 in PostgresConnections.Pooled and never call NpgsqlCommand.Prepare()");

#if (UseHangfire)
    private static Finding ClientConnections(NpgsqlConnectionStringBuilder pooled, NpgsqlConnectionStringBuilder jobClient, Plan plan, Options options) =>
        Budget(
            $"{Machines(options.Machines)} × (pool {pooled.MaxPoolSize} + job client {jobClient.MaxPoolSize})",
            options.Machines * (pooled.MaxPoolSize + jobClient.MaxPoolSize),
            plan.ClientConnections,
            $"{plan.Name} plan",
            "lower Database__Pooled__MaxPoolSize or Database__JobClient__MaxPoolSize, run fewer Machines, or move to a bigger plan");

    private static Finding DatabaseConnections(NpgsqlConnectionStringBuilder direct, NpgsqlConnectionStringBuilder worker, Plan plan, Options options) =>
        Budget(
            $"migrate {direct.MaxPoolSize} + {Machines(options.WorkerMachines, "worker ")} × pool {worker.MaxPoolSize}",
            direct.MaxPoolSize + (options.WorkerMachines * worker.MaxPoolSize),
            plan.DatabaseConnections - plan.Reserved,
            $"{plan.Name} plan: {plan.DatabaseConnections} minus {plan.Reserved} reserved",
            "PgBouncer's server connections need room too: lower Database__Worker__MaxPoolSize, run fewer worker Machines, or move to a bigger plan");
#else
    private static Finding ClientConnections(NpgsqlConnectionStringBuilder pooled, Plan plan, Options options) =>
        Budget(
            $"{Machines(options.Machines)} × pool {pooled.MaxPoolSize}",
            options.Machines * pooled.MaxPoolSize,
            plan.ClientConnections,
            $"{plan.Name} plan",
            "lower Database__Pooled__MaxPoolSize, run fewer Machines, or move to a bigger plan");

    private static Finding DatabaseConnections(NpgsqlConnectionStringBuilder direct, Plan plan) =>
        Budget(
            $"migrate {direct.MaxPoolSize}",
            direct.MaxPoolSize,
            plan.DatabaseConnections - plan.Reserved,
            $"{plan.Name} plan: {plan.DatabaseConnections} minus {plan.Reserved} reserved",
            "PgBouncer's server connections need room too: lower Database__Direct__MaxPoolSize or move to a bigger plan");
#endif

    private static string Machines(int count, string kind = "") => $"{count} {kind}Machine{(count == 1 ? "" : "s")}";

    // Over 80 % leaves no room for a deploy (old and new Machines overlap) or a burst: warn; over 100 %: fail.
    private static Finding Budget(string sum, int used, int limit, string of, string fix)
    {
        var share = 100.0 * used / limit;
        var text = string.Create(CultureInfo.InvariantCulture, $"{sum} = {used} of {limit} ({of}; {share:0} %)");
        return share > 100 ? Finding.Fail(text, fix) : share > 80 ? Finding.Warn(text, fix) : Finding.Pass(text);
    }

    private sealed record Plan(string Id, string Name, int ClientConnections, int DatabaseConnections, int Reserved);

    private sealed record Options(int Machines, string Plan)
    {
#if (UseHangfire)
        public int WorkerMachines { get; init; } = 1;

#endif
        public static string Usage => string.Join(Environment.NewLine,
        [
#if (UseHangfire)
            $"usage: {App} doctor [--machines N] [--plan {string.Join('|', Plans.Select(p => p.Id))}] [--worker-machines N]",
#else
            $"usage: {App} doctor [--machines N] [--plan {string.Join('|', Plans.Select(p => p.Id))}]",
#endif
            "Checks DATABASE_URL and DIRECT_DATABASE_URL as this process sees them, read-only. Exit code 1 when a check fails.",
            "  --machines N          web Machines sharing the cluster, for the connection budget (default 2, as `fly launch` creates)",
            "  --plan NAME           the cluster's plan, for its connection limits (default basic)",
#if (UseHangfire)
            "  --worker-machines N   worker Machines, for the connection budget (default 1)",
#endif
        ]);

        /// <summary>Null options and a null error: help was asked for.</summary>
        public static (Options? Options, string? Error) Parse(string[] args)
        {
            var options = new Options(2, "basic");
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : null;
                switch (args[i])
                {
                    case "-h" or "--help":
                        return (null, null);
                    case "--machines" when Count(value) is { } machines:
                        options = options with { Machines = machines };
                        i++;
                        break;
#if (UseHangfire)
                    case "--worker-machines" when Count(value) is { } workers:
                        options = options with { WorkerMachines = workers };
                        i++;
                        break;
#endif
                    case "--plan" when Plans.Any(p => p.Id == value?.ToLowerInvariant()):
                        options = options with { Plan = value!.ToLowerInvariant() };
                        i++;
                        break;
                    case "--plan":
                        return (null, $"--plan needs one of {string.Join(", ", Plans.Select(p => p.Id))}, not '{value}'");
#if (UseHangfire)
                    case "--machines" or "--worker-machines":
#else
                    case "--machines":
#endif
                        return (null, $"{args[i]} needs a whole number from 0 to 10000, not '{value}'");
                    default:
                        return (null, $"unknown option '{args[i]}'");
                }
            }

            return (options, null);
        }

        private static int? Count(string? value) =>
            int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= 10_000 ? count : null;
    }
}
