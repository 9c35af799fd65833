using System.Globalization;
using FlyMpg.Templates.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// A deploy on Fly: the new release's <c>migrate</c> (fly.toml's release_command) runs while the old release keeps
/// serving. The old release serves <c>GET /todos/{id}</c> to 16 connections through PgBouncer; a report has read
/// <c>todos</c> and keeps its transaction open for 12 s; the new release adds a column
/// (<c>ADD COLUMN priority integer NOT NULL DEFAULT 0</c>, safe on its own). Its ALTER needs an ACCESS EXCLUSIVE lock, and
/// while it waits for the report every read of <c>todos</c> queues behind it: migrate waits only briefly per try, so the
/// old release keeps answering, and either applies once the report ends or gives up naming the report, with nothing applied.
/// </summary>
[Collection("mpg")]
public sealed class DeployTests(MpgStandIn mpg, ITestOutputHelper output)
{
    private const string Migration = "20261201000000_AddPriority";
    private const int Connections = 16;
    private const int ReadsPerSecond = 200;
    private const int Todos = 100;
    private static readonly TimeSpan Report = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadP99Goal = TimeSpan.FromSeconds(1);

    // The new release: the generated service plus one migration. Its model is left as it was (the old release's Todo):
    // what a deploy meets is the migration's lock, which the model does not change. Built once per test run.
    private static readonly Lazy<Task<GeneratedApp>> NewRelease = new(BuildNewReleaseAsync);

    private const string AddPriority = """
        using Microsoft.EntityFrameworkCore.Infrastructure;
        using Microsoft.EntityFrameworkCore.Migrations;
        using Orders.Database;

        #nullable disable

        namespace Orders.Database.Migrations
        {
            /// <inheritdoc />
            [DbContext(typeof(AppDbContext))]
            [Migration("20261201000000_AddPriority")]
            public partial class AddPriority : Migration
            {
                /// <inheritdoc />
                protected override void Up(MigrationBuilder migrationBuilder)
                {
                    migrationBuilder.AddColumn<int>(name: "priority", table: "todos", type: "integer", nullable: false, defaultValue: 0);
                }

                /// <inheritdoc />
                protected override void Down(MigrationBuilder migrationBuilder)
                {
                    migrationBuilder.DropColumn(name: "priority", table: "todos");
                }
            }
        }
        """;

    [Fact]
    public async Task Migrate_behind_a_12_s_report_tries_again_in_short_waits_and_applies_once_it_ends_while_reads_stay_under_1_s()
    {
        var deploy = await DeployBehindAReportAsync("deploy_applies", []);

        Assert.True(deploy.Migrate.ExitCode == 0, deploy.ToString());
        Assert.Contains("was cancelled and rolled back (try 1)", deploy.Migrate.StdOut);
        Assert.Contains($"pid {deploy.ReportPid} (application 'report', idle in transaction", deploy.Migrate.StdOut);
        Assert.Contains("Applied 1 migration(s).", deploy.Migrate.StdOut);
        Assert.True(deploy.ColumnAdded && deploy.Recorded, deploy.ToString());
        Assert.True(deploy.Migrate.Duration > Report - TimeSpan.FromSeconds(1), $"migrate did not wait for the report: {deploy}");
        AssertServedThroughout(deploy);
    }

    [Fact]
    public async Task Migrate_that_cannot_get_its_lock_within_its_budget_exits_non_zero_naming_the_report_and_applies_nothing()
    {
        var deploy = await DeployBehindAReportAsync("deploy_gives_up", [("FlyMpg__Migrate__LockRetrySeconds", "4")]);

        Assert.True(deploy.Migrate.ExitCode != 0, deploy.ToString());
        var error = deploy.Migrate.StdOut + deploy.Migrate.StdErr;
        foreach (var expected in new[]
                 {
                     $"Could not migrate: {Migration} could not get AccessExclusiveLock on todos",
                     "It waits behind pid",
                     $"pid {deploy.ReportPid} (application 'report', idle in transaction, transaction open",
                     "query: SELECT count(*) FROM todos",
                     $"SELECT pg_terminate_backend({deploy.ReportPid})",
                     "each try was rolled back, so it is not applied",
                 })
        {
            Assert.True(error.Contains(expected, StringComparison.Ordinal), $"'{expected}' not in the output: {deploy}");
        }

        Assert.True(deploy.Migrate.Duration < Report, $"migrate did not give up within its budget: {deploy}");
        Assert.False(deploy.ColumnAdded || deploy.Recorded, $"half-applied: {deploy}");
        AssertServedThroughout(deploy);
    }

    // The failure the lock timeout prevents, under the same report and load: the ALTER waits in the lock queue for the
    // whole report, and every read of todos waits behind it.
    [Fact]
    public async Task Without_a_lock_timeout_the_same_migrate_stalls_every_read_for_as_long_as_the_report()
    {
        var deploy = await DeployBehindAReportAsync("deploy_no_lock_timeout", [("FlyMpg__Migrate__LockTimeoutMilliseconds", "0")]);

        Assert.True(deploy.Migrate.ExitCode == 0, deploy.ToString());
        Assert.DoesNotContain("was cancelled and rolled back", deploy.Migrate.StdOut);
        Assert.True(deploy.Reads.P99 > TimeSpan.FromSeconds(5), $"reads were not stalled: {deploy}");
    }

    private void AssertServedThroughout(DeployOutcome deploy)
    {
        Assert.True(deploy.FailedReads == 0, $"the old release failed requests during migrate: {deploy}");
        Assert.True(deploy.Reads.Count > 0, $"no read during migrate: {deploy}");
        Assert.True(deploy.Reads.P99 < ReadP99Goal, $"the old release's reads waited during migrate: {deploy}");
    }

    private async Task<DeployOutcome> DeployBehindAReportAsync(string name, (string Key, string Value)[] migrateSettings)
    {
        var oldRelease = await GeneratedApp.GetAsync();
        var newRelease = await NewRelease.Value;
        var database = await mpg.CreateFreshDatabaseAsync(name);
        (await oldRelease.Command("migrate").WithEnvironment("DIRECT_DATABASE_URL", database.DirectUrl).Masking(mpg.Password).RunAsync()).EnsureSuccess();
        await using var direct = mpg.CreateDirectDataSource(database.Name);
        await using (var seed = direct.CreateCommand($"INSERT INTO todos (title, done, created_at) SELECT 'todo ' || g, false, now() FROM generate_series(1, {Todos}) g"))
        {
            await seed.ExecuteNonQueryAsync();
        }

        await using var service = await oldRelease.StartWebAsync(new Dictionary<string, string>
        {
            ["DATABASE_URL"] = database.PooledUrl,
            ["DIRECT_DATABASE_URL"] = database.DirectUrl,
        });
        using var load = new ReadLoad(service.Http.BaseAddress!, Connections, ReadsPerSecond, i => $"/todos/{i % Todos + 1}");
        using var stopLoad = new CancellationTokenSource();
        var reading = load.RunAsync(RequestTimeout, stopLoad.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));

        await using var report = mpg.CreateDirectDataSource(database.Name, b => b.ApplicationName = "report");
        await using var reportConnection = await report.OpenConnectionAsync();
        await using var reportTransaction = await reportConnection.BeginTransactionAsync();
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM todos", reportConnection, reportTransaction))
        {
            await read.ExecuteScalarAsync();
        }

        var reporting = Task.Delay(Report).ContinueWith(_ => reportTransaction.CommitAsync(), TaskScheduler.Default).Unwrap();

        var migrateStarted = load.Now;
        var migrate = await newRelease.Command("migrate")
            .WithEnvironment("DIRECT_DATABASE_URL", database.DirectUrl)
            .WithEnvironment(migrateSettings.Select(s => KeyValuePair.Create(s.Key, s.Value)))
            .Masking(mpg.Password)
            .RunAsync();
        var migrateEnded = load.Now;
        await reporting;
        await Task.Delay(TimeSpan.FromSeconds(1));
        await stopLoad.CancelAsync();
        await reading;

        var outcome = new DeployOutcome(
            migrate,
            load.Between(migrateStarted, migrateEnded),
            load.FailedBetween(migrateStarted, migrateEnded),
            load.Describe(),
            reportConnection.ProcessID,
            await ScalarAsync<bool>(direct, "SELECT EXISTS (SELECT FROM information_schema.columns WHERE table_name = 'todos' AND column_name = 'priority')"),
            await ScalarAsync<bool>(direct, $"SELECT EXISTS (SELECT FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = '{Migration}')"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {outcome.Reads} during migrate ({outcome.Migrate.Duration.TotalSeconds:F1} s, exit {outcome.Migrate.ExitCode}); whole load: {outcome.Load}"));
        output.WriteLine(outcome.Migrate.StdOut);
        return outcome;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<GeneratedApp> BuildNewReleaseAsync()
    {
        var package = await TemplatePackage.GetAsync();
        var project = await package.DotNetNewIntoAsync("deploy/new-release", Scenarios.Template, "--no-restore");
        await File.WriteAllTextAsync(Path.Combine(project.Directory, "Database", "Migrations", $"{Migration}.cs"), AddPriority);
        var app = await GeneratedApp.BuildAsync(project);
        app.Build.EnsureSuccess();
        return app;
    }
}
