using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FlyMpg.Templates.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// `dotnet App.dll doctor` against the local MPG stand-in: the verdict of each check line in each setup that the
/// seed guide warns about (pooler in transaction mode, in session mode, no pooler at all, the direct URL on the
/// pooler, pending migrations, missing variables, no worker), with the password in no output.
/// </summary>
[Collection("mpg")]
public sealed partial class DoctorTests(MpgStandIn mpg, ITestOutputHelper output)
{
    private const string InitialMigration = "20261124000000_Initial";

    private static readonly string[] CoreChecks =
    [
        "DATABASE_URL", "DIRECT_DATABASE_URL", "DATABASE_URL connection", "DIRECT_DATABASE_URL connection",
        "DATABASE_URL pooling", "DIRECT_DATABASE_URL session", "prepared statements", "client connections",
        "database connections", "migrations",
    ];

    // FlyMpg.Telemetry's check: the pools of the service running beside doctor, read from its metrics port.
    private const string PoolsInUse = "pools in use";

    private static readonly string[] Checks = [.. CoreChecks, PoolsInUse];

    private static readonly string[] HangfireChecks = [.. CoreChecks, "hangfire schema", "hangfire servers", PoolsInUse];

    [Fact]
    public async Task Transaction_pooler_and_direct_Postgres_pass_and_pending_migrations_warn_until_migrate()
    {
        var app = await GeneratedApp.GetAsync();
        var db = await mpg.CreateFreshDatabaseAsync("doctor_transaction");

        var before = await DoctorAsync(app, db.PooledUrl, db.DirectUrl);

        before.AssertExitCode(0);
        before.AssertAllPassBut("migrations");
        before.Expect("DATABASE_URL", "pass", $"app@127.0.0.1:{mpg.PgBouncerPort}/{db.Name}");
        before.Expect("DIRECT_DATABASE_URL", "pass", $"app@127.0.0.1:{mpg.PostgresPort}/{db.Name}");
        before.Expect("DATABASE_URL pooling", "pass", "a pooler in transaction mode");
        before.Expect("DIRECT_DATABASE_URL session", "pass", "itself (BackendKeyData pid = backend pid");
        before.Expect("migrations", "warn", $"1 of 1 pending ({InitialMigration})", fix: $"`dotnet {app.AssemblyName}.dll migrate`");
        Assert.False(await TableExistsAsync(db, "__EFMigrationsHistory"), "doctor created the migrations history table: it must be read-only");

        (await app.Command("migrate").WithEnvironment("DIRECT_DATABASE_URL", db.DirectUrl).Masking(mpg.Password).RunAsync()).EnsureSuccess();
        var after = await DoctorAsync(app, db.PooledUrl, db.DirectUrl);

        after.AssertExitCode(0);
        after.AssertAllPassBut();
        after.Expect("migrations", "pass", $"up to date (1 applied, last {InitialMigration})");
    }

    [Fact]
    public async Task A_pooler_in_session_mode_warns_on_the_pooling_check_only()
    {
        var app = await GeneratedApp.GetAsync();
        var db = await MigratedDatabaseAsync(app, "doctor_session");
        var sessionPooler = await mpg.AddPoolerAsync(mpg.CreatePolicyFile("pool_mode = session"));

        var doctor = await DoctorAsync(app, sessionPooler.UrlFor(db.Name), db.DirectUrl);

        doctor.AssertExitCode(0);
        doctor.AssertAllPassBut("DATABASE_URL pooling");
        doctor.Expect("DATABASE_URL pooling", "warn", "a pooler in session mode: 2 connected clients kept their own backends", fix: "set Pool mode to Transaction");
    }

    [Fact]
    public async Task DATABASE_URL_straight_to_Postgres_fails_the_pooling_check()
    {
        var app = await GeneratedApp.GetAsync();
        var db = await MigratedDatabaseAsync(app, "doctor_no_pooler");

        var doctor = await DoctorAsync(app, db.DirectUrl, db.DirectUrl);

        doctor.AssertExitCode(1);
        doctor.AssertAllPassBut("DATABASE_URL pooling");
        doctor.Expect("DATABASE_URL pooling", "fail", "reaches Postgres itself, not a pooler", fix: "pooled URL (pgbouncer.");
    }

    [Fact]
    public async Task DIRECT_DATABASE_URL_through_the_pooler_fails_the_session_check_and_changes_nothing()
    {
        var app = await GeneratedApp.GetAsync();
        var db = await mpg.CreateFreshDatabaseAsync("doctor_direct_pooler");

        var doctor = await DoctorAsync(app, db.PooledUrl, db.PooledUrl);

        doctor.AssertExitCode(1);
        doctor.AssertAllPassBut("DIRECT_DATABASE_URL session", "migrations");
        doctor.Expect("DIRECT_DATABASE_URL session", "fail", "reaches a connection pooler (BackendKeyData pid ≠ backend pid", fix: "direct URL (direct.");
        doctor.Expect("migrations", "warn", "1 of 1 pending");
        Assert.False(await TableExistsAsync(db, "__EFMigrationsHistory"), "doctor created the migrations history table through the pooler");
    }

    // Other transaction-mode poolers: round robin hands out the least recently used server connection (the proof
    // then is one client moving between backends); statement mode refuses the transactions EF Core needs.
    [Theory]
    [InlineData("server_round_robin = 1", "pass", "a pooler in transaction mode")]
    [InlineData("pool_mode = statement", "fail", "a pooler in statement mode")]
    public async Task Other_pool_settings_get_their_own_verdict(string policy, string verdict, string finding)
    {
        var app = await GeneratedApp.GetAsync();
        var db = await MigratedDatabaseAsync(app, "doctor_policy");
        var pooler = await mpg.AddPoolerAsync(mpg.CreatePolicyFile(policy));

        var doctor = await DoctorAsync(app, pooler.UrlFor(db.Name), db.DirectUrl);

        doctor.AssertAllPassBut("DATABASE_URL pooling");
        doctor.Expect("DATABASE_URL pooling", verdict, finding);
        doctor.AssertExitCode(verdict == "fail" ? 1 : 0);
    }

    [Fact]
    public async Task The_verdict_on_transaction_mode_holds_under_concurrent_traffic_through_the_pooler()
    {
        var app = await GeneratedApp.GetAsync();
        var db = await MigratedDatabaseAsync(app, "doctor_busy");
        await using var pooled = mpg.CreatePooledDataSource(db.Name, configure: b => b.MaxPoolSize = 16);
        using var stop = new CancellationTokenSource();
        var traffic = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            var queries = 0;
            while (!stop.IsCancellationRequested)
            {
                await using var command = pooled.CreateCommand("SELECT pg_sleep(0.002)");
                await command.ExecuteNonQueryAsync();
                queries++;
            }

            return queries;
        })).ToList();

        try
        {
            for (var run = 0; run < 3; run++)
            {
                var doctor = await DoctorAsync(app, db.PooledUrl, db.DirectUrl);
                doctor.Expect("DATABASE_URL pooling", "pass", "a pooler in transaction mode");
            }
        }
        finally
        {
            stop.Cancel();
        }

        var total = (await Task.WhenAll(traffic)).Sum();
        output.WriteLine($"{total} queries of other clients ran through the pooler meanwhile");
        Assert.True(total > 100, $"only {total} queries of other clients ran: the traffic did not overlap the doctor runs");
    }

    [Fact]
    public async Task Missing_or_malformed_variables_fail_naming_the_variable_and_skip_what_needs_them()
    {
        var app = await GeneratedApp.GetAsync();

        var neither = await DoctorAsync(app, pooledUrl: null, directUrl: null);
        var malformed = await DoctorAsync(app, $"postgresql://app:{mpg.Password}%G1@127.0.0.1:{mpg.PgBouncerPort}/app", directUrl: null);
        var onlyPooled = await DoctorAsync(app, mpg.PooledUrl, directUrl: null);

        neither.AssertExitCode(1);
        neither.Expect("DATABASE_URL", "fail", "is not set", fix: "`fly mpg attach` sets it");
        neither.Expect("DIRECT_DATABASE_URL", "fail", "is not set", fix: "fly secrets set DIRECT_DATABASE_URL=");
        Assert.All(CoreChecks.Skip(2), check => neither.Expect(check, "skip", "needs a working"));

        malformed.AssertExitCode(1);
        malformed.Expect("DATABASE_URL", "fail", "has a malformed percent-encoding in its password");

        onlyPooled.AssertExitCode(1);
        onlyPooled.Expect("DIRECT_DATABASE_URL", "fail", "is not set");
        onlyPooled.Expect("migrations", "skip", "needs a working DIRECT_DATABASE_URL");
        foreach (var check in new[] { "DATABASE_URL", "DATABASE_URL connection", "DATABASE_URL pooling", "prepared statements", "client connections" })
        {
            onlyPooled.Expect(check, "pass", "");
        }
    }

    [Fact]
    public async Task A_server_that_never_answers_fails_the_connection_check_within_the_step_timeout()
    {
        var app = await GeneratedApp.GetAsync();
        // Accepts TCP connections (the kernel completes the handshake) and never says a word.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var nobodyListens = GeneratedApp.FreeTcpPort();

        var watch = Stopwatch.StartNew();
        var doctor = await DoctorAsync(app, $"postgresql://app:{mpg.Password}@127.0.0.1:{port}/app", $"postgresql://app:{mpg.Password}@127.0.0.1:{nobodyListens}/app");
        var elapsed = watch.Elapsed;

        doctor.AssertExitCode(1);
        doctor.Expect("DATABASE_URL connection", "fail", "127.0.0.1; no answer within 5 s");
        doctor.Expect("DIRECT_DATABASE_URL connection", "fail", "127.0.0.1; Failed to connect to 127.0.0.1:");
        doctor.Expect("DATABASE_URL pooling", "skip", "");
        doctor.Expect("migrations", "skip", "");
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"doctor took {elapsed.TotalSeconds:0.0} s with one silent server");
    }

    [Theory]
    [InlineData("2", "basic", "pass", "2 Machines × pool 8 = 16 of 200 (Basic plan; 8 %)")]
    [InlineData("22", "basic", "warn", "22 Machines × pool 8 = 176 of 200 (Basic plan; 88 %)")]
    [InlineData("30", "basic", "fail", "30 Machines × pool 8 = 240 of 200 (Basic plan; 120 %)")]
    [InlineData("30", "launch", "pass", "30 Machines × pool 8 = 240 of 500 (Launch plan; 48 %)")]
    public async Task The_client_connection_budget_is_checked_against_the_plan(string machines, string plan, string verdict, string finding)
    {
        var app = await GeneratedApp.GetAsync();

        var doctor = await DoctorAsync(app, mpg.PooledUrl, mpg.DirectUrl, "--machines", machines, "--plan", plan);

        doctor.Expect("client connections", verdict, finding);
    }

    [Fact]
    public async Task An_unknown_option_prints_the_usage_and_exits_2()
    {
        var app = await GeneratedApp.GetAsync();

        var result = await app.Command("doctor", "--machine", "3").RunAsync();

        Assert.True(result.ExitCode == 2, result.Describe());
        Assert.Contains("unknown option '--machine'", result.StdErr);
        Assert.Contains("usage: dotnet", result.StdErr);
    }

    [Fact]
    public async Task With_the_worker_the_hangfire_schema_and_heartbeating_servers_are_checked()
    {
        var app = await GeneratedApp.GetAsync("--worker", "hangfire");
        var db = await mpg.CreateFreshDatabaseAsync("doctor_hangfire");

        var fresh = await DoctorAsync(app, db.PooledUrl, db.DirectUrl);
        (await app.Command("migrate").WithEnvironment("DIRECT_DATABASE_URL", db.DirectUrl).Masking(mpg.Password).RunAsync()).EnsureSuccess();
        var noWorker = await DoctorAsync(app, db.PooledUrl, db.DirectUrl);
        DoctorRun withWorker;
        await using (var worker = app.Command("worker", "--urls", $"http://127.0.0.1:{GeneratedApp.FreeTcpPort()}")
            .WithEnvironment("DATABASE_URL", db.PooledUrl)
            .WithEnvironment("DIRECT_DATABASE_URL", db.DirectUrl)
            .WithEnvironment("FLY_MACHINE_ID", "doctor-worker")
            .Masking(mpg.Password)
            .WithTimeout(TimeSpan.FromMinutes(3))
            .Start())
        {
            await using var direct = mpg.CreateDirectDataSource(db.Name);
            await Poll.UntilAsync(
                "the worker's Hangfire server to register",
                async () =>
                {
                    Assert.False(worker.HasExited, $"the worker exited: {mpg.Mask(worker.StdOut + worker.StdErr)}");
                    await using var command = direct.CreateCommand("SELECT count(*) FROM hangfire.server");
                    return (long)(await command.ExecuteScalarAsync())!;
                },
                servers => servers > 0,
                TimeSpan.FromSeconds(60));
            withWorker = await DoctorAsync(app, db.PooledUrl, db.DirectUrl, "--worker-machines", "1");
        }

        fresh.AssertExitCode(0);
        fresh.AssertAllPassBut("migrations", "hangfire schema", "hangfire servers");
        fresh.Expect("hangfire schema", "warn", "no table hangfire.job", fix: "migrate` installs Hangfire's schema");
        fresh.Expect("hangfire servers", "skip", "needs the hangfire schema");
        fresh.Expect("database connections", "pass", "migrate 2 + 1 worker Machine × pool 6 = 8 of 40");
        // Hangfire's synchronous client has its own pool (FlyMpg.Hangfire's job client pool): both count at PgBouncer.
        fresh.Expect("client connections", "pass", "× (pool 8 + job client 2) = ");

        noWorker.AssertExitCode(0);
        noWorker.AssertAllPassBut("hangfire servers");
        noWorker.Expect("hangfire servers", "warn", "none heartbeating in the last minute", fix: "`fly scale count worker=1`");

        withWorker.AssertExitCode(0);
        withWorker.AssertAllPassBut();
        withWorker.Expect("hangfire servers", "pass", "1 heartbeating in the last minute");
    }

    [Fact]
    public async Task Inside_a_Machine_doctor_reads_the_running_service_s_pools_from_its_metrics_port()
    {
        var app = await GeneratedApp.GetAsync();
        var db = await MigratedDatabaseAsync(app, "doctor_pools");
        var nothingServed = await DoctorAsync(app, db.PooledUrl, db.DirectUrl);
        await using var service = await app.StartWebAsync(new Dictionary<string, string>
        {
            ["DATABASE_URL"] = db.PooledUrl,
            ["DIRECT_DATABASE_URL"] = db.DirectUrl,
        });
        using (var read = await service.Http.GetAsync("/todos?pageSize=1"))
        {
            Assert.True(read.IsSuccessStatusCode, $"GET /todos: {(int)read.StatusCode}{Environment.NewLine}{service.Output}");
        }

        var besideTheService = await DoctorAsync(app, db.PooledUrl, db.DirectUrl, metricsPort: service.Metrics.BaseAddress!.Port);

        nothingServed.Expect(PoolsInUse, "skip", "nothing serves metrics on port");
        besideTheService.AssertExitCode(0);
        besideTheService.AssertAllPassBut();
        // The template's pool size, as the running process's Npgsql reports it; nothing waits on an idle service, and
        // its breaker is closed.
        besideTheService.Expect(PoolsInUse, "pass", "web 0 used of 8, 0 waiting; since the process started: 0 retried");
        besideTheService.Expect(PoolsInUse, "pass", "; breaker web closed, opened 0 times");
    }

    private async Task<FreshDatabase> MigratedDatabaseAsync(GeneratedApp app, string name)
    {
        var db = await mpg.CreateFreshDatabaseAsync(name);
        (await app.Command("migrate").WithEnvironment("DIRECT_DATABASE_URL", db.DirectUrl).Masking(mpg.Password).RunAsync()).EnsureSuccess();
        return db;
    }

    private Task<DoctorRun> DoctorAsync(GeneratedApp app, string? pooledUrl, string? directUrl, params string[] args) =>
        DoctorAsync(app, pooledUrl, directUrl, metricsPort: null, args);

    // metricsPort: the metrics port of a service running beside doctor, as on a Machine; else a free one.
    private async Task<DoctorRun> DoctorAsync(GeneratedApp app, string? pooledUrl, string? directUrl, int? metricsPort, params string[] args)
    {
        var runner = app.Command(["doctor", .. args])
            .WithoutEnvironment("FLY_MACHINE_ID")
            .Masking(mpg.Password)
            .WithTimeout(TimeSpan.FromSeconds(90));
        runner = metricsPort is null ? runner : runner.WithEnvironment("FlyMpg__Metrics__Port", metricsPort.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        runner = pooledUrl is null ? runner : runner.WithEnvironment("DATABASE_URL", pooledUrl);
        runner = directUrl is null ? runner : runner.WithEnvironment("DIRECT_DATABASE_URL", directUrl);

        var result = await runner.RunAsync();
        output.WriteLine($"$ doctor {string.Join(' ', args)}  (exit code {result.ExitCode}, {result.Duration.TotalSeconds:0.0} s)");
        output.WriteLine(mpg.Mask(result.StdOut));
        Assert.DoesNotContain(mpg.Password, result.StdOut + result.StdErr);
        Assert.True(string.IsNullOrWhiteSpace(result.StdErr), $"doctor wrote to stderr{Environment.NewLine}{result.Describe()}");
        return new DoctorRun(result, File.Exists(Path.Combine(app.OutputDirectory, "Hangfire.Core.dll")) ? HangfireChecks : Checks);
    }

    private async Task<bool> TableExistsAsync(FreshDatabase db, string table)
    {
        await using var source = mpg.CreateDirectDataSource(db.Name);
        await using var command = source.CreateCommand($"SELECT to_regclass('\"{table}\"') IS NOT NULL");
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>One doctor run, its output parsed into check lines: <c>verdict  check: finding[ — fix: fix]</c>.</summary>
    private sealed partial class DoctorRun
    {
        private readonly ProcessResult _result;
        private readonly Dictionary<string, (string Verdict, string Finding, string? Fix)> _lines = new(StringComparer.Ordinal);

        public DoctorRun(ProcessResult result, string[] expectedChecks)
        {
            _result = result;
            foreach (var line in result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var match = LinePattern().Match(line);
                Xunit.Assert.True(match.Success, $"not a check line: '{line}'{Environment.NewLine}{result.Describe()}");
                Xunit.Assert.True(
                    _lines.TryAdd(match.Groups["check"].Value, (match.Groups["verdict"].Value, match.Groups["finding"].Value, match.Groups["fix"].Success ? match.Groups["fix"].Value : null)),
                    $"check '{match.Groups["check"].Value}' printed twice{Environment.NewLine}{result.Describe()}");
            }

            // Every check, once, in this order, whatever failed before it.
            Xunit.Assert.True(_lines.Keys.SequenceEqual(expectedChecks), $"checks: [{string.Join(", ", _lines.Keys)}]{Environment.NewLine}expected: [{string.Join(", ", expectedChecks)}]{Environment.NewLine}{result.Describe()}");
        }

        public void AssertExitCode(int expected) =>
            Xunit.Assert.True(_result.ExitCode == expected, $"exit code {_result.ExitCode}, expected {expected}{Environment.NewLine}{_result.Describe()}");

        public void Expect(string check, string verdict, string finding, string? fix = null)
        {
            var (actualVerdict, actualFinding, actualFix) = _lines[check];
            Xunit.Assert.True(
                actualVerdict == verdict && actualFinding.Contains(finding, StringComparison.Ordinal) && (fix is null || actualFix?.Contains(fix, StringComparison.Ordinal) == true),
                $"expected '{verdict}  {check}: ...{finding}...{(fix is null ? "" : $" — fix: ...{fix}...")}'{Environment.NewLine}{_result.Describe()}");
            // Only what is wrong says what to do.
            Xunit.Assert.True(actualVerdict is "warn" or "fail" == actualFix is not null, $"'{check}': a fix belongs to warn and fail lines only{Environment.NewLine}{_result.Describe()}");
        }

        /// <summary>Every check passes except <paramref name="exceptions"/>.</summary>
        public void AssertAllPassBut(params string[] exceptions)
        {
            // Most specs run doctor beside no service, so the pools line skips; its own spec runs one.
            var unexpected = _lines
                .Where(l => l.Value.Verdict != "pass" && !exceptions.Contains(l.Key) && !(l.Key == PoolsInUse && l.Value.Verdict == "skip"))
                .Select(l => $"{l.Value.Verdict}  {l.Key}")
                .ToList();
            Xunit.Assert.True(unexpected.Count == 0, $"expected to pass: {string.Join("; ", unexpected)}{Environment.NewLine}{_result.Describe()}");
        }

        [GeneratedRegex(@"^(?<verdict>pass|warn|fail|skip)  (?<check>[^:]+): (?<finding>.*?)(?: — fix: (?<fix>.*))?$")]
        private static partial Regex LinePattern();
    }
}
