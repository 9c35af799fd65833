using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using FlyMpg.Templates.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// One analyzer end to end (docs/analyzers.md, FLYMPG001): a developer adds <c>PrepareAsync()</c> to a generated
/// service. The build says so at the line, as an error under the service's warnings-as-errors; built anyway, the
/// same code fails through PgBouncer in transaction mode with the errors the diagnostic names.
/// </summary>
[Collection("mpg")]
public sealed class PrepareDiagnosticTests(MpgStandIn mpg, ITestOutputHelper output)
{
    private const int Clients = 32;
    private const int Requests = 1000;

    // What a developer might write for a hot lookup: prepared on a connection of the pooled data source.
    private const string PreparedLookup = """
        using Npgsql;

        public static class PreparedLookup
        {
            public static void MapPreparedLookup(this IEndpointRouteBuilder app) =>
                app.MapGet("/lookup/{n:int}", async (NpgsqlDataSource pooled, int n) =>
                {
                    await using var connection = await pooled.OpenConnectionAsync();
                    await using var command = new NpgsqlCommand("SELECT $1::int + 1", connection);
                    command.Parameters.Add(new NpgsqlParameter { Value = n });
                    await command.PrepareAsync();
                    return Results.Text(Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
                });
        }
        """;

    [Fact]
    public async Task Prepare_added_to_a_generated_service_is_reported_at_build_and_fails_through_PgBouncer_in_transaction_mode()
    {
        var package = await TemplatePackage.GetAsync();
        var project = await package.DotNetNewIntoAsync("analyzer-prepare/Orders", Scenarios.Template, "--no-restore");
        File.WriteAllText(Path.Combine(project.Directory, "PreparedLookup.cs"), PreparedLookup);
        var program = Path.Combine(project.Directory, "Program.cs");
        var source = File.ReadAllText(program);
        Assert.Contains("app.MapFlyHealthChecks();", source);
        File.WriteAllText(program, source.Replace("app.MapFlyHealthChecks();", "app.MapFlyHealthChecks();\napp.MapPreparedLookup();", StringComparison.Ordinal));

        var line = PreparedLookup.Split('\n').ToList().FindIndex(l => l.Contains("PrepareAsync", StringComparison.Ordinal)) + 1;

        var strict = await GeneratedApp.BuildAsync(project);
        Assert.True(strict.Build.ExitCode != 0, $"The build with Prepare() passed under warnings as errors:{Environment.NewLine}{strict.Build.StdOut}");
        Assert.Matches($@"PreparedLookup\.cs\({line},\d+\): error FLYMPG001", strict.Build.StdOut);

        var lenient = await GeneratedApp.BuildAsync(project, "-p:WarningsNotAsErrors=FLYMPG001", "-warnnotaserror:FLYMPG001");
        lenient.Build.EnsureSuccess();
        Assert.Matches($@"PreparedLookup\.cs\({line},\d+\): warning FLYMPG001", lenient.Build.StdOut);

        var database = await mpg.CreateFreshDatabaseAsync("spec_prepare_diagnostic");
        (await lenient.Command("migrate").WithEnvironment("DIRECT_DATABASE_URL", database.DirectUrl).Masking(mpg.Password).RunAsync()).EnsureSuccess();
        await using var service = await lenient.StartWebAsync(new Dictionary<string, string>
        {
            ["DATABASE_URL"] = database.PooledUrl,
            ["DIRECT_DATABASE_URL"] = database.DirectUrl,
        });

        var answers = new ConcurrentBag<HttpStatusCode>();
        var wrong = 0;
        var issued = 0;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref issued) is var n && n <= Requests)
            {
                using var response = await service.Http.GetAsync($"/lookup/{n}");
                answers.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.OK && await response.Content.ReadAsStringAsync() != (n + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        })));

        var failed = answers.Count(s => s != HttpStatusCode.OK);
        var summary = $"{Requests} GET /lookup/n from {Clients} clients: {answers.Count(s => s == HttpStatusCode.OK)} OK ({wrong} wrong), {failed} failed";
        output.WriteLine(summary);
        Assert.True(failed + wrong > 0, $"Prepare() went through PgBouncer's transaction mode unharmed: {summary}{Environment.NewLine}{service.Output}");
        // 26000 (prepared statement does not exist) or 42P05 (already exists), logged on the console logger's own
        // thread, possibly after the last answer was sent.
        await service.Process.WaitForOutputAsync(new Regex("26000|42P05"), TimeSpan.FromSeconds(10));
    }
}
