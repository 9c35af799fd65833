using System.Globalization;
using FlyMpg.Templates.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// A deploy on Fly: the new release's <c>migrate</c> (fly.toml's release_command) runs while the old release keeps
/// serving. The old release serves <c>GET /todos/{id}</c> to 16 connections through PgBouncer; a report has read
/// <c>todos</c> and keeps its transaction open until 12 s after migrate first waits for it; the new release adds a column
/// (<c>ADD COLUMN priority integer NOT NULL DEFAULT 0</c>, safe on its own), then, in a migration of its own, an index on it
/// built CONCURRENTLY. The ALTER needs an ACCESS EXCLUSIVE lock, and while it waits for the report every read of
/// <c>todos</c> queues behind it: migrate waits only briefly per try, so the old release keeps answering, and either
/// applies once the report ends or gives up naming the report, with nothing applied. The index build waits for the
/// report without a lock timeout (no read waits behind it), and a build that failed earlier resumes.
/// </summary>
[Collection("mpg")]
public sealed class DeployTests(MpgStandIn mpg, ITestOutputHelper output)
{
    private const string Migration = "20261201000000_AddPriority";
    private const string IndexMigration = "20261202000000_IndexPriority";
    private const string Index = "IX_todos_priority";
    private const int Connections = 16;
    private const int ReadsPerSecond = 200;
    private const int Todos = 100;
    private static readonly TimeSpan Report = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadP99Goal = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MigrateStartTimeout = TimeSpan.FromSeconds(60);

    // Lock requests of migrate's session (application name "<app>:migrate") not granted yet.
    private const string MigrateWaits = "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.application_name LIKE '%:migrate'";

    // The new release: the generated service plus two migrations. Its model is left as it was (the old release's Todo):
    // what a deploy meets is the migrations' locks, which the model does not change. Built once per test run, with
    // warnings as errors: the FlyMpg analyzers find nothing dangerous in either migration.
    private static readonly Lazy<Task<GeneratedApp>> NewRelease = new(BuildNewReleaseAsync);

    private static readonly string AddPriority = MigrationFile(
        Migration,
        """migrationBuilder.AddColumn<int>(name: "priority", table: "todos", type: "integer", nullable: false, defaultValue: 0);""",
        """migrationBuilder.DropColumn(name: "priority", table: "todos");""");

    // Alone in its migration (FLYMPG033), built concurrently (FLYMPG026): Npgsql runs it outside the migration's transaction.
    private static readonly string IndexPriority = MigrationFile(
        IndexMigration,
        """migrationBuilder.CreateIndex(name: "IX_todos_priority", table: "todos", column: "priority").Annotation("Npgsql:CreatedConcurrently", true);""",
        """migrationBuilder.DropIndex(name: "IX_todos_priority", table: "todos");""");

    [Fact]
    public async Task Migrate_behind_a_12_s_report_tries_again_in_short_waits_and_applies_once_it_ends_while_reads_stay_under_1_s()
    {
        var deploy = await DeployBehindAReportAsync("deploy_applies", []);

        Assert.True(deploy.Migrate.ExitCode == 0, deploy.ToString());
        Assert.Contains("was cancelled and rolled back (try 1)", deploy.Migrate.StdOut);
        Assert.Contains($"pid {deploy.ReportPid} (application 'report', idle in transaction", deploy.Migrate.StdOut);
        Assert.Contains("Applied 2 migration(s).", deploy.Migrate.StdOut);
        Assert.True(deploy.ColumnAdded && deploy.IndexValid == true, deploy.ToString());
        Assert.Equal([Migration, IndexMigration], deploy.Recorded);
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

        Assert.True(deploy.EndedBeforeReport, $"migrate did not give up within its budget: {deploy}");
        Assert.False(deploy.ColumnAdded || deploy.IndexValid is not null || deploy.Recorded.Count > 0, $"half-applied: {deploy}");
        AssertServedThroughout(deploy);
    }

    // CREATE INDEX CONCURRENTLY takes a lock no read or write waits behind, then waits for every older transaction: under
    // the 250 ms lock timeout it would be cancelled, leaving an INVALID index. migrate runs it without one.
    [Fact]
    public async Task An_index_built_concurrently_waits_for_the_report_without_a_lock_timeout_while_reads_go_on()
    {
        var deploy = await DeployBehindAReportAsync("deploy_index_concurrently", [], AddPriorityByHandAsync);

        Assert.True(deploy.Migrate.ExitCode == 0, deploy.ToString());
        Assert.Contains($"Applying 1 migration(s): {IndexMigration}", deploy.Migrate.StdOut);
        Assert.DoesNotContain("was cancelled and rolled back", deploy.Migrate.StdOut);
        Assert.True(deploy.Migrate.Duration > Report - TimeSpan.FromSeconds(1), $"the index build did not wait for the report: {deploy}");
        Assert.True(deploy.IndexValid == true, deploy.ToString());
        AssertServedThroughout(deploy);
    }

    // A build CONCURRENTLY that failed (here: cancelled by a lock timeout) leaves an INVALID index; EF Core did not record
    // the migration, so the next migrate runs the same CREATE INDEX, which fails on the taken name. migrate drops the
    // invalid index a pending migration builds again, and names any other.
    [Fact]
    public async Task An_invalid_index_left_by_a_failed_concurrent_build_is_dropped_and_built_again_and_any_other_is_named()
    {
        var oldRelease = await GeneratedApp.GetAsync();
        var newRelease = await NewRelease.Value;
        var database = await mpg.CreateFreshDatabaseAsync("deploy_invalid_index");
        (await oldRelease.Command("migrate").WithEnvironment("DIRECT_DATABASE_URL", database.DirectUrl).Masking(mpg.Password).RunAsync()).EnsureSuccess();
        await using var direct = mpg.CreateDirectDataSource(database.Name);
        await AddPriorityByHandAsync(direct);
        await LeaveInvalidIndexAsync(direct, $"CREATE INDEX CONCURRENTLY \"{Index}\" ON todos (priority)");
        await LeaveInvalidIndexAsync(direct, "CREATE INDEX CONCURRENTLY todos_title_broken ON todos (title)");
        var again = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<object>(direct, $"CREATE INDEX CONCURRENTLY \"{Index}\" ON todos (priority)"));
        Assert.Equal(PostgresErrorCodes.DuplicateTable, again.SqlState);

        var migrate = await newRelease.Command("migrate").WithEnvironment("DIRECT_DATABASE_URL", database.DirectUrl).Masking(mpg.Password).RunAsync();

        Assert.True(migrate.ExitCode == 0, migrate.Describe());
        Assert.Contains($"Dropped the invalid index public.{Index} on todos, left by a build CONCURRENTLY that failed earlier: {IndexMigration} builds it again.", migrate.StdOut);
        Assert.Contains("Index public.todos_title_broken on todos is INVALID", migrate.StdOut);
        Assert.True(await IndexValidAsync(direct, Index) == true, migrate.Describe());
        Assert.True(await IndexValidAsync(direct, "todos_title_broken") == false, "migrate dropped an invalid index no migration builds");
    }

    // statement_timeout counts a statement's wait for its lock too: with the lock timeout off, it is what ends the wait.
    [Fact]
    public async Task A_statement_that_outlasts_the_statement_timeout_is_cancelled_named_and_applies_nothing()
    {
        var deploy = await DeployBehindAReportAsync(
            "deploy_statement_timeout", [("FlyMpg__Migrate__LockTimeoutMilliseconds", "0"), ("FlyMpg__Migrate__StatementTimeoutSeconds", "2")]);

        Assert.True(deploy.Migrate.ExitCode != 0, deploy.ToString());
        Assert.Contains($"Could not migrate: a statement of {Migration} ran longer than 2 s and Postgres cancelled it", deploy.Migrate.StdOut);
        Assert.True(deploy.EndedBeforeReport, deploy.ToString());
        Assert.False(deploy.ColumnAdded || deploy.IndexValid is not null || deploy.Recorded.Count > 0, $"half-applied: {deploy}");
        Assert.True(deploy.FailedReads == 0, $"the old release failed requests during migrate: {deploy}");
    }

    // The other half of a safe deploy: a migration that would break the release still serving never reaches migrate. The
    // generated service builds with warnings as errors, so the analyzer's warning stops the build at the line.
    [Fact]
    public async Task A_migration_that_renames_a_column_the_serving_release_reads_fails_the_build_at_its_line()
    {
        var package = await TemplatePackage.GetAsync();
        var project = await package.DotNetNewIntoAsync("deploy/rename", Scenarios.Template, "--no-restore");
        var rename = MigrationFile(
            "20261203000000_RenameTitle",
            """migrationBuilder.RenameColumn(name: "title", table: "todos", newName: "name");""",
            """migrationBuilder.RenameColumn(name: "name", table: "todos", newName: "title");""");
        await File.WriteAllTextAsync(Path.Combine(project.Directory, "Database", "Migrations", "20261203000000_RenameTitle.cs"), rename);
        var line = rename.Split('\n').ToList().FindIndex(l => l.Contains("RenameColumn(name: \"title\"", StringComparison.Ordinal)) + 1;

        var build = await GeneratedApp.BuildAsync(project);

        Assert.True(build.Build.ExitCode != 0, $"The build with a RenameColumn passed under warnings as errors:{Environment.NewLine}{build.Build.StdOut}");
        Assert.Matches($@"20261203000000_RenameTitle\.cs\({line},\d+\): error FLYMPG020: 'migrationBuilder\.RenameColumn' renames column 'todos\.title'", build.Build.StdOut);
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

    private async Task<DeployOutcome> DeployBehindAReportAsync(string name, (string Key, string Value)[] migrateSettings, Func<NpgsqlDataSource, Task>? before = null)
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

        if (before is not null)
        {
            await before(direct);
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

        // The report ends 12 s after migrate first waits for it, whatever the time migrate took to start on a busy host.
        var migrateStarted = load.Now;
        await using var migrating = newRelease.Command("migrate")
            .WithEnvironment("DIRECT_DATABASE_URL", database.DirectUrl)
            .WithEnvironment(migrateSettings.Select(s => KeyValuePair.Create(s.Key, s.Value)))
            .Masking(mpg.Password)
            .Start();
        var waiting = await Poll.UntilAsync(
            "the new release's migrate to wait for a lock behind the report",
            async () => migrating.HasExited ? -1L : await ScalarAsync<long>(direct, MigrateWaits),
            waits => waits != 0,
            MigrateStartTimeout,
            interval: TimeSpan.FromMilliseconds(20));
        Assert.True(waiting > 0, $"migrate ended before it waited for the report:{Environment.NewLine}{migrating.StdOut}{migrating.StdErr}");
        var reporting = Task.Delay(Report).ContinueWith(_ => reportTransaction.CommitAsync(), TaskScheduler.Default).Unwrap();
        var migrate = await migrating.WaitForExitAsync();
        var endedBeforeReport = !reporting.IsCompleted;
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
            endedBeforeReport,
            await ScalarAsync<bool>(direct, "SELECT EXISTS (SELECT FROM information_schema.columns WHERE table_name = 'todos' AND column_name = 'priority')"),
            await IndexValidAsync(direct, Index),
            await RecordedAsync(direct));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {outcome.Reads} during migrate ({outcome.Migrate.Duration.TotalSeconds:F1} s, exit {outcome.Migrate.ExitCode}); whole load: {outcome.Load}"));
        output.WriteLine(outcome.Migrate.StdOut);
        return outcome;
    }

    // A deploy in which only the index migration is pending: the column was added by an earlier deploy.
    private static async Task AddPriorityByHandAsync(NpgsqlDataSource direct)
    {
        await ScalarAsync<object>(direct, "ALTER TABLE todos ADD COLUMN priority integer NOT NULL DEFAULT 0");
        await ScalarAsync<object>(direct, $"INSERT INTO \"__EFMigrationsHistory\" VALUES ('{Migration}', '10.0.15')");
    }

    // Runs a CREATE INDEX CONCURRENTLY behind a transaction that read the table, with a lock timeout shorter than it: cancelled, it leaves the index INVALID.
    private static async Task LeaveInvalidIndexAsync(NpgsqlDataSource direct, string createConcurrently)
    {
        await using var blocker = await direct.OpenConnectionAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var read = new NpgsqlCommand("SELECT count(*) FROM todos", blocker, transaction))
        {
            await read.ExecuteScalarAsync();
        }

        await using var builder = await direct.OpenConnectionAsync();
        await using (var timeout = new NpgsqlCommand("SET lock_timeout = 200", builder))
        {
            await timeout.ExecuteNonQueryAsync();
        }

        await using var build = new NpgsqlCommand(createConcurrently, builder);
        var cancelled = await Assert.ThrowsAsync<PostgresException>(() => build.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.LockNotAvailable, cancelled.SqlState);
        await transaction.CommitAsync();
    }

    // Whether the index is valid; null when there is none.
    private static async Task<bool?> IndexValidAsync(NpgsqlDataSource direct, string index)
    {
        await using var command = direct.CreateCommand("SELECT x.indisvalid FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE i.relname = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = index });
        return (bool?)await command.ExecuteScalarAsync();
    }

    // The new release's migrations in the history table.
    private static async Task<IReadOnlyList<string>> RecordedAsync(NpgsqlDataSource direct)
    {
        await using var command = direct.CreateCommand($"SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" IN ('{Migration}', '{IndexMigration}') ORDER BY 1");
        await using var reader = await command.ExecuteReaderAsync();
        var recorded = new List<string>();
        while (await reader.ReadAsync())
        {
            recorded.Add(reader.GetString(0));
        }

        return recorded;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    // A migration file as dotnet ef writes it for the generated service ("Orders"), without its Designer half.
    private static string MigrationFile(string id, string up, string down) => $$"""
        using Microsoft.EntityFrameworkCore.Infrastructure;
        using Microsoft.EntityFrameworkCore.Migrations;
        using Orders.Database;

        #nullable disable

        namespace Orders.Database.Migrations
        {
            /// <inheritdoc />
            [DbContext(typeof(AppDbContext))]
            [Migration("{{id}}")]
            public partial class {{id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..]}} : Migration
            {
                /// <inheritdoc />
                protected override void Up(MigrationBuilder migrationBuilder)
                {
                    {{up}}
                }

                /// <inheritdoc />
                protected override void Down(MigrationBuilder migrationBuilder)
                {
                    {{down}}
                }
            }
        }
        """;

    private static async Task<GeneratedApp> BuildNewReleaseAsync()
    {
        var package = await TemplatePackage.GetAsync();
        var project = await package.DotNetNewIntoAsync("deploy/new-release", Scenarios.Template, "--no-restore");
        await File.WriteAllTextAsync(Path.Combine(project.Directory, "Database", "Migrations", $"{Migration}.cs"), AddPriority);
        await File.WriteAllTextAsync(Path.Combine(project.Directory, "Database", "Migrations", $"{IndexMigration}.cs"), IndexPriority);
        var app = await GeneratedApp.BuildAsync(project);
        app.Build.EnsureSuccess();
        return app;
    }
}
