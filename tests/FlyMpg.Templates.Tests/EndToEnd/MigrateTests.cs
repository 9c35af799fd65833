using System.Diagnostics;
using FlyMpg.Templates.Tests.Infrastructure;
using Npgsql;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// `dotnet App.dll migrate`, fly.toml's release_command: migrations over DIRECT_DATABASE_URL, never through
/// the pooler, once, and a clear refusal when the direct URL is missing or is the pooler.
/// </summary>
[Collection("mpg")]
public class MigrateTests(MpgStandIn mpg)
{
    private const string InitialMigration = "20261124000000_Initial";

    [Theory]
    [InlineData("default")]
    [InlineData("hangfire")]
    public async Task Migrate_applies_pending_migrations_over_the_direct_url_then_finds_nothing_to_do(string scenario)
    {
        var app = await GeneratedApp.GetAsync(scenario == "hangfire" ? ["--worker", "hangfire"] : []);
        var db = await mpg.CreateFreshDatabaseAsync($"migrate_{scenario}");

        var first = await Migrate(app, db.DirectUrl).RunAsync();
        var second = await Migrate(app, db.DirectUrl).RunAsync();

        AssertSucceeded(first, $"Applying 1 migration(s): {InitialMigration}");
        AssertSucceeded(second, "Database is up to date; no migration to apply.");
        Assert.DoesNotContain("Applying", second.StdOut);
        Assert.Equal([InitialMigration], await AppliedMigrationsAsync(db));
        if (scenario == "hangfire")
        {
            Assert.Contains("Hangfire schema 'hangfire' is up to date.", second.StdOut);
            Assert.True(await TableExistsAsync(db, "hangfire", "job"), "migrate did not install Hangfire's schema");
        }
    }

    [Fact]
    public async Task Migrate_refuses_a_direct_url_that_reaches_PgBouncer_within_seconds()
    {
        var app = await GeneratedApp.GetAsync();
        var db = await mpg.CreateFreshDatabaseAsync("migrate_through_pooler");

        var result = await Migrate(app, db.PooledUrl).RunAsync();

        AssertFailed(result, "DIRECT_DATABASE_URL reaches a connection pooler", "migrations need the direct URL");
        Assert.True(result.Duration < TimeSpan.FromSeconds(15), $"took {result.Duration}");
        Assert.False(await TableExistsAsync(db, "public", "__EFMigrationsHistory"), "something was migrated through the pooler");
    }

    [Fact]
    public async Task Migrate_refuses_a_direct_url_equal_to_the_pooled_one()
    {
        var app = await GeneratedApp.GetAsync();
        var db = await mpg.CreateFreshDatabaseAsync("migrate_same_urls");

        var result = await Migrate(app, db.PooledUrl).WithEnvironment("DATABASE_URL", db.PooledUrl).RunAsync();

        AssertFailed(result, "DIRECT_DATABASE_URL points at the same server as DATABASE_URL");
    }

    [Fact]
    public async Task Migrate_without_DIRECT_DATABASE_URL_says_how_to_set_it()
    {
        var app = await GeneratedApp.GetAsync();

        var result = await app.Command("migrate").WithEnvironment("DATABASE_URL", mpg.PooledUrl).Masking(mpg.Password).RunAsync();

        AssertFailed(result, "DIRECT_DATABASE_URL is not set", "fly secrets set DIRECT_DATABASE_URL=");
    }

    [Fact]
    public async Task Migrate_against_an_unreachable_server_fails_with_the_reason()
    {
        var app = await GeneratedApp.GetAsync();
        var nobodyListens = $"postgresql://app:{mpg.Password}@127.0.0.1:{GeneratedApp.FreeTcpPort()}/app";

        var result = await Migrate(app, nobodyListens).RunAsync();

        AssertFailed(result, "Could not migrate over DIRECT_DATABASE_URL");
    }

    [Fact]
    public async Task Two_migrate_processes_started_together_both_succeed_and_apply_each_migration_once()
    {
        var app = await GeneratedApp.GetAsync();
        var db = await mpg.CreateFreshDatabaseAsync("migrate_concurrently");

        await using var one = Migrate(app, db.DirectUrl).Start();
        await using var two = Migrate(app, db.DirectUrl).Start();
        var results = await Task.WhenAll(one.WaitForExitAsync(), two.WaitForExitAsync());

        Assert.All(results, r => AssertSucceeded(r));
        Assert.Single(results, r => r.StdOut.Contains("Applying 1 migration(s)", StringComparison.Ordinal));
        Assert.Equal([InitialMigration], await AppliedMigrationsAsync(db));
    }

    private ProcessRunner Migrate(GeneratedApp app, string directUrl) =>
        app.Command("migrate").WithEnvironment("DIRECT_DATABASE_URL", directUrl).Masking(mpg.Password);

    private void AssertSucceeded(ProcessResult result, params string[] expected)
    {
        Assert.True(result.ExitCode == 0, result.Describe());
        AssertOutput(result, expected);
    }

    private void AssertFailed(ProcessResult result, params string[] expected)
    {
        Assert.True(result.ExitCode != 0, $"expected a failure{Environment.NewLine}{result.Describe()}");
        AssertOutput(result, expected);
    }

    private void AssertOutput(ProcessResult result, string[] expected)
    {
        var output = result.StdOut + result.StdErr;
        Assert.DoesNotContain(mpg.Password, output);
        foreach (var text in expected)
        {
            Assert.True(output.Contains(text, StringComparison.Ordinal), $"'{text}' not in the output{Environment.NewLine}{result.Describe()}");
        }
    }

    private async Task<List<string>> AppliedMigrationsAsync(FreshDatabase db)
    {
        await using var source = mpg.CreateDirectDataSource(db.Name);
        await using var command = source.CreateCommand("""SELECT "MigrationId" FROM "__EFMigrationsHistory" ORDER BY 1""");
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private async Task<bool> TableExistsAsync(FreshDatabase db, string schema, string table)
    {
        await using var source = mpg.CreateDirectDataSource(db.Name);
        await using var command = source.CreateCommand("SELECT to_regclass(format('%I.%I', $1::text, $2::text)) IS NOT NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        command.Parameters.Add(new NpgsqlParameter { Value = table });
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
