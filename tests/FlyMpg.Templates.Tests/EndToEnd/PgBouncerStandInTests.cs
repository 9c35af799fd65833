using System.Diagnostics;
using System.Text.RegularExpressions;
using FlyMpg.Templates.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// Specifies the local MPG stand-in (build/mpg-local.sh): a real PostgreSQL behind a real PgBouncer in
/// transaction mode with the MPG Basic policy, and the failure modes the templates must design around
/// (facts.md, "PgBouncer transaction mode vs Npgsql").
/// </summary>
[Collection("mpg")]
public sealed class PgBouncerStandInTests(MpgStandIn mpg, ITestOutputHelper output)
{
    private const int LoadClients = 32;
    private const int LoadCommands = 2000;

    [Fact]
    public async Task Pooler_runs_in_transaction_mode_so_two_transactions_can_land_on_different_backends()
    {
        var config = await mpg.ShowConfigAsync();
        Assert.Equal("transaction", config["pool_mode"]);
        var appPool = Assert.Single(await mpg.ShowPoolsAsync(), p => p is { Database: "app", User: "app" });
        Assert.Equal("transaction", appPool.PoolMode);

        await using var dataSource = mpg.CreatePooledDataSource(configure: b => b.ApplicationName = "spec-transaction-mode");
        var (first, second) = await BackendsOfTwoTransactionsAsync(dataSource, maxHolders: 45);

        output.WriteLine($"one client connection, two transactions: backend {first}, then backend {second}");
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Session_mode_pooler_keeps_a_client_on_one_backend()
    {
        var pooler = await mpg.AddPoolerAsync(mpg.CreatePolicyFile("pool_mode = session"));
        Assert.Equal("session", (await mpg.ShowConfigAsync(pooler))["pool_mode"]);

        await using var dataSource = mpg.CreatePooledDataSource(pooler: pooler, configure: b => b.ApplicationName = "spec-session-mode");
        var (first, second) = await BackendsOfTwoTransactionsAsync(dataSource, maxHolders: 3);

        output.WriteLine($"session mode: backend {first}, then backend {second}");
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Every_setting_of_the_policy_file_is_in_effect_and_the_include_keeps_the_plumbing()
    {
        var policy = ReadPolicy(mpg.DefaultPolicyIni);
        var config = await mpg.ShowConfigAsync();

        Assert.NotEmpty(policy);
        Assert.All(policy, setting => Assert.Equal((setting.Key, setting.Value), (setting.Key, config[setting.Key])));
        Assert.Equal(
            ("transaction", "200", "50", "40", "10", "600", "120"),
            (policy["pool_mode"], policy["max_client_conn"], policy["max_db_connections"], policy["default_pool_size"],
                policy["reserve_pool_size"], policy["client_idle_timeout"], policy["query_wait_timeout"]));

        // Set before the %include; a [pgbouncer] header in the policy would have reset them (PgBouncer 1.18).
        Assert.Equal("127.0.0.1", config["listen_addr"]);
        Assert.Equal(mpg.PgBouncerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), config["listen_port"]);
        Assert.Equal("scram-sha-256", config["auth_type"]);
        Assert.Equal("pgbouncer_admin", config["admin_users"]);
    }

    [Fact]
    public async Task Admin_console_lists_the_clients_connected_through_the_pooler()
    {
        const string app = "spec-show-clients";
        await using var dataSource = mpg.CreatePooledDataSource(configure: b => b.ApplicationName = app);
        var connections = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var connection = await dataSource.OpenConnectionAsync();
                connections.Add(connection);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync();
            }

            var clients = (await mpg.ShowClientsAsync()).Where(c => c.ApplicationName == app).ToList();

            Assert.Equal(3, clients.Count);
            Assert.All(clients, c => Assert.Equal(("C", "app", "app"), (c.Type, c.User, c.Database)));
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_fresh_database_is_reachable_directly_and_through_the_pooler()
    {
        var database = await mpg.CreateFreshDatabaseAsync("spec_fresh_database");

        await using var pooled = NpgsqlDataSource.Create(database.PooledConnectionString);
        await using var direct = NpgsqlDataSource.Create(database.DirectConnectionString);
        await using var viaPooler = pooled.CreateCommand("SELECT current_database() || ' as ' || current_user");
        await using var viaDirect = direct.CreateCommand("SELECT current_database() || ' as ' || current_user");

        Assert.Equal("spec_fresh_database as app", await viaPooler.ExecuteScalarAsync());
        Assert.Equal("spec_fresh_database as app", await viaDirect.ExecuteScalarAsync());
        Assert.Contains(await mpg.ShowPoolsAsync(), p => p is { Database: "spec_fresh_database", PoolMode: "transaction" });
    }

    [Fact]
    public async Task Auto_prepared_statements_fail_through_transaction_pooling_with_26000_or_42P05_and_silently_answer_wrong()
    {
        var database = await mpg.CreateFreshDatabaseAsync("spec_auto_prepare");
        await using var dataSource = mpg.CreatePooledDataSource(database.Name, configure: b =>
        {
            b.ApplicationName = "spec-auto-prepare";
            b.MaxAutoPrepare = 5;
            b.AutoPrepareMinUsages = 1;
        });

        var outcome = await Load.MixedStatementsAsync(dataSource, LoadClients, LoadCommands);

        output.WriteLine($"Max Auto Prepare=5;Auto Prepare Min Usages=1 through PgBouncer: {outcome}");
        Assert.NotEmpty(outcome.Failures);
        Assert.All(outcome.Failures, f => Assert.Contains(f, new[] { "26000", "42P05" }));

        // Worse than the errors: a statement name prepared by another client on the backend a command
        // lands on runs THAT client's statement with our parameters, and answers without an error.
        Assert.True(outcome.WrongResults > 0, $"expected some silently wrong answers: {outcome}");
    }

    [Fact]
    public async Task Npgsql_defaults_with_no_reset_on_close_survive_the_same_load_through_the_pooler()
    {
        var database = await mpg.CreateFreshDatabaseAsync("spec_no_prepare");
        await using var dataSource = mpg.CreatePooledDataSource(database.Name, configure: b =>
        {
            b.ApplicationName = "spec-no-prepare";
            b.MaxAutoPrepare = 0;
            b.NoResetOnClose = true;
        });

        var outcome = await Load.MixedStatementsAsync(dataSource, LoadClients, LoadCommands);

        output.WriteLine($"Max Auto Prepare=0;No Reset On Close=true through PgBouncer: {outcome}");
        Assert.Empty(outcome.Failures);
        Assert.Equal(0, outcome.WrongResults);
        Assert.Equal(LoadCommands, outcome.Ok);
    }

    [Fact]
    public async Task Client_idle_timeout_closes_idle_pooled_connections_and_the_next_burst_fails_with_08P01()
    {
        const string app = "spec-client-idle-timeout";
        var pooler = await mpg.AddPoolerAsync(mpg.CreatePolicyFile("client_idle_timeout = 3"));
        Assert.Equal("3", (await mpg.ShowConfigAsync(pooler))["client_idle_timeout"]);
        await using var dataSource = mpg.CreatePooledDataSource(pooler: pooler, configure: b =>
        {
            b.ApplicationName = app;
            b.NoResetOnClose = true;
        });

        var warm = await WarmUpAsync(dataSource, pooler, app, connections: 8);
        var idle = await WaitUntilPoolerHasNoClientsAsync(pooler, app);
        var outcome = await Load.BurstAsync(dataSource, commands: 40);

        output.WriteLine($"{warm} idle pooled connections; pooler closed them after {idle.TotalSeconds:0.0} s; burst of 40: {outcome}");
        Assert.InRange(outcome.Failures.Count, 1, warm);
        Assert.All(outcome.Failures, f => Assert.Equal("08P01 client_idle_timeout", f));
    }

    [Fact]
    public async Task Connection_idle_lifetime_below_client_idle_timeout_avoids_08P01()
    {
        const string app = "spec-idle-lifetime";
        var pooler = await mpg.AddPoolerAsync(mpg.CreatePolicyFile("client_idle_timeout = 3"));
        await using var dataSource = mpg.CreatePooledDataSource(pooler: pooler, configure: b =>
        {
            b.ApplicationName = app;
            b.NoResetOnClose = true;
            b.ConnectionIdleLifetime = 1;
            b.ConnectionPruningInterval = 1;
        });

        var warm = await WarmUpAsync(dataSource, pooler, app, connections: 8);
        var started = Stopwatch.StartNew();
        var idle = await WaitUntilPoolerHasNoClientsAsync(pooler, app);
        var beyondTimeout = TimeSpan.FromSeconds(4.5) - started.Elapsed; // let the pooler's 3 s pass too
        if (beyondTimeout > TimeSpan.Zero)
        {
            await Task.Delay(beyondTimeout);
        }

        var outcome = await Load.BurstAsync(dataSource, commands: 40);
        var closedByPooler = CountLogLines(pooler.LogFile, "client_idle_timeout");

        output.WriteLine($"{warm} idle pooled connections; gone after {idle.TotalSeconds:0.0} s; closed by the pooler: {closedByPooler}; burst of 40: {outcome}");
        Assert.Equal(0, closedByPooler);
        Assert.Empty(outcome.Failures);
        Assert.Equal(40, outcome.Ok);
    }

    [Theory]
    [InlineData("pool_mode = bogus", "invalid value \"bogus\" for parameter pool_mode")]
    [InlineData("max_prepared_statements = 100", "unknown parameter: pgbouncer/max_prepared_statements")]
    [InlineData("[pgbouncer]", "contains a section header")]
    public async Task A_pooler_that_cannot_start_fails_with_the_reason_and_no_password(string policyLine, string reason)
    {
        var policy = mpg.CreatePolicyFile(policyLine);

        var failure = await Assert.ThrowsAsync<MpgStandInException>(() => mpg.AddPoolerAsync(policy));

        output.WriteLine(failure.Message);
        Assert.Contains("exit code 1", failure.Message);
        Assert.Contains(reason, failure.Message);
        Assert.DoesNotContain(mpg.Password, failure.Message);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /// <summary>
    /// One client connection runs a transaction, another client then holds the backend it used in an
    /// open transaction, and the first client runs a second transaction. Returns both backends it saw.
    /// </summary>
    private static async Task<(int First, int Second)> BackendsOfTwoTransactionsAsync(NpgsqlDataSource dataSource, int maxHolders)
    {
        await using var client = await dataSource.OpenConnectionAsync();
        var first = await BackendPidAsync(client, null);
        var holders = new List<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)>();
        try
        {
            // The pooler hands out the most recently released idle backend first, so (in transaction
            // mode) the first holder usually gets `first`; in session mode `first` stays with the client.
            for (var i = 0; i < maxHolders; i++)
            {
                var connection = await dataSource.OpenConnectionAsync();
                var transaction = await connection.BeginTransactionAsync();
                holders.Add((connection, transaction));
                if (await BackendPidAsync(connection, transaction) == first)
                {
                    break;
                }
            }

            return (first, await BackendPidAsync(client, null));
        }
        finally
        {
            foreach (var (connection, transaction) in holders)
            {
                await transaction.RollbackAsync();
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task<int> BackendPidAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection, transaction);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Opens <paramref name="connections"/> physical connections at once, uses and returns them: they sit idle in Npgsql's pool.</summary>
    private async Task<int> WarmUpAsync(NpgsqlDataSource dataSource, PgBouncerPooler pooler, string app, int connections)
    {
        var open = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => dataSource.OpenConnectionAsync().AsTask()));
        foreach (var connection in open)
        {
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync();
        }

        foreach (var connection in open)
        {
            await connection.DisposeAsync();
        }

        var clients = (await mpg.ShowClientsAsync(pooler)).Count(c => c.ApplicationName == app);
        Assert.Equal(connections, clients);
        return clients;
    }

    /// <summary>Polls SHOW CLIENTS (bounded) until no client of <paramref name="app"/> is left on the pooler.</summary>
    private async Task<TimeSpan> WaitUntilPoolerHasNoClientsAsync(PgBouncerPooler pooler, string app)
    {
        var watch = Stopwatch.StartNew();
        var timeout = TimeSpan.FromSeconds(15);
        while (true)
        {
            var left = (await mpg.ShowClientsAsync(pooler)).Count(c => c.ApplicationName == app);
            if (left == 0)
            {
                return watch.Elapsed;
            }

            if (watch.Elapsed > timeout)
            {
                Assert.Fail($"{left} clients of {app} still connected to {pooler} after {timeout.TotalSeconds} s");
            }

            await Task.Delay(200);
        }
    }

    private static int CountLogLines(string logFile, string reason) =>
        File.ReadLines(logFile).Count(l => l.Contains("closing because: " + reason, StringComparison.Ordinal) && !l.Contains("pgbouncer_admin", StringComparison.Ordinal));

    private static Dictionary<string, string> ReadPolicy(string path) =>
        File.ReadLines(path)
            .Select(l => Regex.Match(l, @"^\s*([a-z_]+)\s*=\s*(.*?)\s*$"))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
}
