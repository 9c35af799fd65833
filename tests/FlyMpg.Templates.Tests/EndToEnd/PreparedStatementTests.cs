using FlyMpg;
using FlyMpg.Templates.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Xunit.Abstractions;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// MPG's PgBouncer runs in transaction mode: each transaction may run on another server connection, so a
/// statement prepared by name on one backend is missing on the next (<c>26000</c>), already there
/// (<c>42P05</c>), or (worst) there under the same name for ANOTHER statement, which then answers in its
/// place without an error. The service's pooled connection string (<see cref="FlyPostgresConnections.Pooled"/>,
/// the very code the generated service runs, linked into this project) survives the load; the same string
/// with named prepared statements switched on does not.
/// </summary>
[Collection("mpg")]
public sealed class PreparedStatementTests(MpgStandIn mpg, ITestOutputHelper output)
{
    // The same load for every connection string: 32 concurrent clients, 2,000 commands of four statements.
    private const int Clients = 32;
    private const int Commands = 2000;

    [Fact]
    public async Task Service_connection_string_serves_concurrent_load_through_PgBouncer_with_no_prepared_statement_error_and_no_wrong_answer()
    {
        var database = await mpg.CreateFreshDatabaseAsync("spec_prepared_service");
        var service = ServiceConnectionString(database, "spec-prepared-service");

        Assert.Equal(0, service.MaxAutoPrepare);
        Assert.True(service.NoResetOnClose, $"No Reset On Close is off in {Describe(service)}");

        var outcome = await RunLoadAsync(service, prepare: false);

        output.WriteLine($"service's own ({Describe(service)}): {outcome}");
        Assert.True(
            outcome.Failures.Count == 0 && outcome.WrongResults == 0 && outcome.Ok == Commands,
            $"The service's pooled connection string broke under load through PgBouncer: {outcome}{Environment.NewLine}{Describe(service)}");
    }

    [Fact]
    public async Task Auto_prepare_on_the_service_connection_string_fails_through_PgBouncer_with_26000_or_42P05_or_answers_wrong()
    {
        var database = await mpg.CreateFreshDatabaseAsync("spec_prepared_auto");
        var naive = ServiceConnectionString(database, "spec-prepared-auto");
        naive.MaxAutoPrepare = 5;
        naive.AutoPrepareMinUsages = 1;

        var outcome = await RunLoadAsync(naive, prepare: false);

        output.WriteLine($"service's own + Max Auto Prepare=5;Auto Prepare Min Usages=1 ({Describe(naive)}): {outcome}");
        AssertBrokenByNamedPreparedStatements(outcome, naive);
    }

    [Fact]
    public async Task Explicit_Prepare_on_the_service_connection_string_fails_through_PgBouncer_with_26000_or_42P05_or_answers_wrong()
    {
        var database = await mpg.CreateFreshDatabaseAsync("spec_prepared_explicit");
        var naive = ServiceConnectionString(database, "spec-prepared-explicit");

        var outcome = await RunLoadAsync(naive, prepare: true);

        output.WriteLine($"service's own + NpgsqlCommand.Prepare() ({Describe(naive)}): {outcome}");
        AssertBrokenByNamedPreparedStatements(outcome, naive);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /// <summary>What the generated service builds from <c>DATABASE_URL</c> = the stand-in's PgBouncer, for a fresh database.</summary>
    private static NpgsqlConnectionStringBuilder ServiceConnectionString(FreshDatabase database, string flyAppName)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [FlyPostgres.PooledVariable] = database.PooledUrl,
                ["FLY_APP_NAME"] = flyAppName,
            })
            .Build();
        return new FlyPostgresConnections(configuration, new FlyPostgresSettings()).Pooled();
    }

    private async Task<LoadOutcome> RunLoadAsync(NpgsqlConnectionStringBuilder connectionString, bool prepare)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString.ConnectionString);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await Load.MixedStatementsAsync(dataSource, Clients, Commands, prepare).WaitAsync(deadline.Token);
    }

    private void AssertBrokenByNamedPreparedStatements(LoadOutcome outcome, NpgsqlConnectionStringBuilder connectionString)
    {
        var context = $"{outcome}{Environment.NewLine}{Describe(connectionString)}";
        Assert.True(outcome.Broken > 0, $"Named prepared statements went through PgBouncer's transaction mode unharmed: {context}");
        Assert.True(
            outcome.Failures.All(f => f is "26000" or "42P05"),
            $"Expected only 26000 (prepared statement does not exist) or 42P05 (already exists): {context}");
    }

    /// <summary>The connection string without its password, for messages.</summary>
    private string Describe(NpgsqlConnectionStringBuilder connectionString) =>
        mpg.Mask(new NpgsqlConnectionStringBuilder(connectionString.ConnectionString) { Password = null }.ConnectionString);
}
