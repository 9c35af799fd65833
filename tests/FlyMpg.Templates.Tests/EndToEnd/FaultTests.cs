using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using FlyMpg.Templates.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// Faults are normal on a managed database: restarts, failover, pooler restarts, deploys. The generated service, under
/// concurrent writes through its own PgBouncer (transaction mode, MPG's policy), loses no acknowledged write, applies
/// none twice, answers an outage with 503 (never a 500, never a hang) and serves again as soon as the pooler does.
/// Once requests have failed with outage errors, the next ones get their 503 at once (FlyMpg's breaker) instead of
/// waiting in PgBouncer while it retries its login to Postgres (<c>server_login_retry</c>, 15 s); when Postgres went away
/// between statements and no request failed, a second without answers makes the service ask on a new connection, which
/// PgBouncer refuses at once (the stall check); where there is no outage, the breaker never opens.
/// </summary>
[Collection("mpg")]
public sealed class FaultTests(MpgStandIn mpg, ITestOutputHelper output) : IDisposable
{
    private const int Clients = 16;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan BeforeFault = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan AfterRecovery = TimeSpan.FromSeconds(2);

    // The first write after the pooler serves again: the app's pool holds no connection it cannot use for long.
    // Usually under 0.2 s; the bound leaves room for a shared 2-core host where the load, the app, PgBouncer and
    // Postgres compete (1.1 s seen once after a crash).
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(2);

    // After an outage the breaker lets a probe through every 0.5 s (FlyMpg:Breaker:BreakMilliseconds): the first write
    // comes within that and one request of the pooler serving again.
    private static readonly TimeSpan OutageRecoveryBound = TimeSpan.FromSeconds(1);

    // A request that arrives once the database is known to be down is answered within this; only probes may take longer.
    private static readonly TimeSpan FailFastBound = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan BreakDuration = TimeSpan.FromMilliseconds(500);

    // When no request sees an outage error (Postgres went away between statements), from PgBouncer's failed login: a
    // second of requests without an answer (FlyMpg:Breaker:StallMilliseconds, counted from the last answer, before
    // it), half of one until the stall watch looks, and the check's refused connection (0.5 to 0.8 s measured); with
    // room for a shared 2-core host.
    private static readonly TimeSpan StalledOutageFoundWithin = TimeSpan.FromSeconds(3);

    // The service of the running scenario, for faults that act on it.
    private RunningService? _service;

    // Users arriving beside the writers, in the scenarios that send them: when the fault began and when they stopped, on
    // their clock.
    private const int ArrivalsPerSecond = 40;
    private ReadLoad? _arrivals;
    private TimeSpan _arrivalsFaultAt;
    private TimeSpan _arrivalsLoginFailsAt;
    private TimeSpan _arrivalsStoppedAt;

    public void Dispose() => _arrivals?.Dispose();

    [Fact]
    public async Task PgBouncer_KILL_then_RESUME_cuts_statements_off_mid_INSERT_and_later_requests_get_their_503_at_once() =>
        AssertOutageAnsweredAtOnce(await RunScenarioAsync("kill", OutageRecoveryBound, async (pooler, database) =>
        {
            await PgBouncerAdmin.QueryAsync(pooler, $"KILL {database}");
            await PgBouncerAdmin.QueryAsync(pooler, $"RESUME {database}");
        }));

    [Fact]
    public async Task PgBouncer_PAUSE_shorter_than_the_Command_Timeout_holds_requests_and_lets_them_through() =>
        AssertBreakerNeverOpened(await RunScenarioAsync("pause", RecoveryBound, async (pooler, database) =>
        {
            await PgBouncerAdmin.QueryAsync(pooler, $"PAUSE {database}");
            await Task.Delay(TimeSpan.FromSeconds(2));
            await PgBouncerAdmin.QueryAsync(pooler, $"RESUME {database}");
        }));

    [Fact]
    public async Task PgBouncer_RECONNECT_replaces_server_connections_under_load() =>
        AssertBreakerNeverOpened(await RunScenarioAsync("reconnect", RecoveryBound, (pooler, database) => PgBouncerAdmin.QueryAsync(pooler, $"RECONNECT {database}")));

    [Fact]
    public async Task PgBouncer_restarting_on_the_same_port_breaks_every_client_connection() =>
        AssertOutageAnsweredAtOnce(await RunScenarioAsync("pooler_restart", OutageRecoveryBound, (pooler, _) => mpg.FaultAsync("pooler-restart", pooler)));

    [Fact]
    public async Task Postgres_fast_restart_terminates_every_session_and_later_requests_get_their_503_at_once() =>
        AssertOutageAnsweredAtOnce(await RunScenarioAsync("pg_restart", OutageRecoveryBound, RestartPostgresAsync));

    [Fact]
    public async Task Without_the_breaker_requests_wait_in_PgBouncer_for_seconds_during_a_Postgres_restart()
    {
        // The failure the breaker prevents, under the same fault and load: FlyMpg__Breaker__Enabled=false.
        var run = await RunScenarioAsync("pg_restart_no_breaker", RecoveryBound, RestartPostgresAsync, [], new() { ["FlyMpg__Breaker__Enabled"] = "false" });

        var during = run.SentDuringOutage(run.FaultAt);
        var latencies = new Latencies(during.Select(a => a.Latency));
        var unavailable = new Latencies(during.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).Select(a => a.Latency));
        output.WriteLine($"{run.Name}: requests sent during the outage: {latencies}; their 503s: {unavailable}");
        Assert.Null(run.BreakerState);
        Assert.True(latencies.P99 >= TimeSpan.FromSeconds(2), $"Without the breaker the outage was answered fast: {latencies}{Environment.NewLine}{run.ServiceOutput}");
    }

    [Fact]
    public async Task Postgres_restarting_between_statements_is_found_by_a_new_connection_and_requests_arriving_after_get_their_503_at_once()
    {
        var run = await RunScenarioAsync("pg_restart_idle", OutageRecoveryBound, RestartPostgresBetweenStatementsWhileUsersArriveAsync);
        AssertOutageAnsweredAtOnce(run);

        // No request met an outage error: the writers' requests were all held (by PgBouncer, or behind those it held, for a
        // pooled connection). The users who kept arriving show when the service knew, and what it answered from then on.
        var arrivals = _arrivals!;
        var refusedFrom = arrivals.Answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).Select(a => (TimeSpan?)a.Answered).Min();
        var context = $"{arrivals.Describe()}{Environment.NewLine}{run.Scrape.Excerpt("flympg_")}{Environment.NewLine}{run.ServiceOutput}";
        Assert.True(refusedFrom is { } found && found - _arrivalsLoginFailsAt < StalledOutageFoundWithin, $"The service did not find the outage within {StalledOutageFoundWithin.TotalSeconds} s of PgBouncer's failed login: {context}");
        var after = arrivals.Answers.Where(a => a.Sent >= refusedFrom && a.Sent < _arrivalsStoppedAt).ToList();
        var latencies = new Latencies(after.Select(a => a.Latency));
        var slow = after.Count(a => a.Latency >= FailFastBound);
        var held = new Latencies(arrivals.Answers.Where(a => a.Sent >= _arrivalsFaultAt && a.Sent < refusedFrom).Select(a => a.Latency));
        var probes = run.BreakerTransitions("half_open");
        output.WriteLine($"{run.Name}: users arriving at {ArrivalsPerSecond}/s got 503s from {(refusedFrom.Value - _arrivalsLoginFailsAt).TotalSeconds:F2} s after PgBouncer's login failed ({(refusedFrom.Value - _arrivalsFaultAt).TotalSeconds:F2} s after the fault began); " +
            $"those who came before: {held}; after: {latencies}, {slow} slower than {FailFastBound.TotalSeconds} s, {probes} probe(s)");
        Assert.True(run.BreakerTransitions("open") >= 1 && run.ServiceOutput.Contains("without an answer and a new connection got", StringComparison.Ordinal), $"The stall check did not open the breaker: {context}");
        Assert.True(latencies.P99 < FailFastBound, $"Users arriving once the outage was found waited: {latencies}{Environment.NewLine}{context}");
        Assert.True(slow <= probes, $"More slow answers ({slow}) than probes ({probes}): {context}");
        // Logged once when it opened: not one error per refused request, EF Core's included.
        Assert.DoesNotContain(nameof(FlyMpg.DatabaseUnavailableException), run.ServiceOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_stall_check_requests_wait_in_PgBouncer_for_seconds_when_Postgres_restarts_between_statements()
    {
        // The failure the stall check prevents, under the same fault and load: no outage error ever reaches the service.
        var run = await RunScenarioAsync(
            "pg_restart_idle_no_stall_check", RecoveryBound, RestartPostgresBetweenStatementsWhileUsersArriveAsync, [], new() { ["FlyMpg__Breaker__StallMilliseconds"] = "60000" });

        var arriving = new Latencies(_arrivals!.Answers.Where(a => a.Sent >= _arrivalsFaultAt && a.Sent < _arrivalsStoppedAt).Select(a => a.Latency));
        output.WriteLine($"{run.Name}: users arriving at {ArrivalsPerSecond}/s during the outage: {arriving}");
        Assert.True(run.BreakerTransitions("open") == 0, $"An outage error reached the service: the fault did not happen between statements{Environment.NewLine}{run.ServiceOutput}");
        Assert.True(arriving.P99 >= TimeSpan.FromSeconds(5), $"Without the stall check the outage was answered fast: {arriving}{Environment.NewLine}{run.ServiceOutput}");
    }

    [Fact]
    public async Task Postgres_crash_and_start_recovers_with_nothing_lost_and_later_requests_get_their_503_at_once() =>
        AssertOutageAnsweredAtOnce(await RunScenarioAsync("pg_crash", OutageRecoveryBound, async (_, _) =>
        {
            await mpg.FaultAsync("postgres-crash");
            await Task.Delay(TimeSpan.FromSeconds(1));
            await mpg.FaultAsync("postgres-start");
        }));

    [Fact]
    public async Task Short_server_lifetime_and_idle_timeout_recycle_server_connections_under_load() =>
        AssertBreakerNeverOpened(await RunScenarioAsync("recycle", RecoveryBound, (_, _) => Task.Delay(TimeSpan.FromSeconds(4)), "server_lifetime = 1", "server_idle_timeout = 1"));

    [Fact]
    public async Task One_dropped_server_connection_is_one_error_and_does_not_open_the_breaker()
    {
        var database = await mpg.CreateFreshDatabaseAsync("fault_one_dropped");
        var pooler = await mpg.AddPoolerAsync(mpg.DefaultPolicyIni);
        await using var service = await StartServiceAsync(pooler, database);
        var load = new WriteLoad(service.Http, Clients);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(RequestTimeout, stop.Token);
        await using var superuser = mpg.CreateSuperuserDataSource(database.Name);
        var (tries, terminated) = (0, 0);
        double errors;
        try
        {
            await Task.Delay(BeforeFault);
            // pg_terminate_backend of one server connection that is running a statement: the request on it fails (57P01,
            // or PgBouncer's "server conn crashed?"). One that finished just before is dropped silently: try another,
            // each after more than the breaker's sampling window, so two errors never add up.
            do
            {
                tries++;
                // A statement runs for about a millisecond: ask until one is caught running.
                await using var terminate = superuser.CreateCommand(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid() LIMIT 1");
                for (var asked = 0; asked < 1000; asked++)
                {
                    if (await terminate.ExecuteScalarAsync() is true)
                    {
                        terminated++;
                        break;
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(1200));
                errors = OutageErrorsMet(await service.ScrapeAsync());
            }
            while (errors == 0 && tries < 20);
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }

        var outcome = await load.CheckAsync(() => mpg.CountRowsByTitleAsync(database, "todos"));
        var scrape = await service.ScrapeAsync();
        var summary = $"one dropped connection: {terminated} server connection(s) terminated one at a time in {tries} tries, {errors} outage error(s) met; {outcome}";
        output.WriteLine(summary);
        output.WriteLine(scrape.Excerpt("flympg_"));
        var context = $"{summary}{Environment.NewLine}{scrape.Excerpt("flympg_")}{Environment.NewLine}{service.Output}";
        Assert.True(errors >= 1, $"No terminated connection was running a statement: {context}");
        Assert.True(scrape.Series("flympg_breaker_transitions_total", ("flympg_breaker_state", "open")).Sum(s => s.Value) == 0, $"The breaker opened: {context}");
        Assert.Equal(0, scrape.Value("flympg_breaker_state", ("db_client_connection_pool_name", "web")));
        Assert.True(outcome.Lost == 0 && outcome.Duplicates == 0 && outcome.ServerErrors == 0 && outcome.OtherFailures.Count == 0, context);
        Assert.True(outcome.Unavailable <= terminated, $"More 503s than connections dropped: {context}");
    }

    [Fact]
    public async Task SIGTERM_under_load_finishes_the_requests_it_accepted_and_exits_0_within_kill_timeout()
    {
        var database = await mpg.CreateFreshDatabaseAsync("fault_sigterm");
        var service = await StartServiceAsync(mpg.Pooler, database);
        await using (service)
        {
            var load = new WriteLoad(service.Http, Clients);
            using var stop = new CancellationTokenSource();
            var running = load.RunAsync(RequestTimeout, stop.Token);
            await Task.Delay(BeforeFault);

            var clock = Stopwatch.StartNew();
            Signals.Terminate(service.Process.ProcessId);
            using var killTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // fly.toml's kill_timeout
            var exited = await service.Process.WaitForExitAsync(killTimeout.Token);
            var stoppedIn = clock.Elapsed;
            await stop.CancelAsync();
            await running;

            var outcome = await load.CheckAsync(() => mpg.CountRowsByTitleAsync(database, "todos"));
            // After the listener closed, a new request is refused, and one sent on a keep-alive connection as Kestrel
            // closed it ends with no response and nothing applied: a client (or Fly's proxy) sends either elsewhere.
            // A request that got no answer although the service applied it was accepted and then dropped.
            var dropped = outcome.OtherFailures
                .Where(f => !f.Contains("no answer", StringComparison.Ordinal) || f.Contains("nothing within", StringComparison.Ordinal))
                .ToList();
            output.WriteLine(string.Join(Environment.NewLine, outcome.OtherFailures.GroupBy(f => f[(f.IndexOf(':', StringComparison.Ordinal) + 1)..]).Select(g => $"{g.Count()} ×{g.Key}")));
            var summary = $"SIGTERM: exit {exited.ExitCode} after {stoppedIn.TotalSeconds:F1} s; {outcome}";
            output.WriteLine(summary);
            Assert.True(exited.ExitCode == 0, $"{summary}{Environment.NewLine}{service.Output}");
            Assert.True(outcome.Acknowledged > 0 && outcome.Lost == 0 && outcome.Duplicates == 0 && outcome.ServerErrors == 0, summary);
            Assert.True(dropped.Count == 0, $"Requests were answered with an error, or hung, at shutdown: {string.Join(" | ", dropped.Take(5))}{Environment.NewLine}{summary}");
            Assert.True(outcome.UnansweredApplied == 0, $"Accepted requests were applied, then dropped without an answer: {summary}");
        }
    }

    [Fact]
    public async Task A_service_stalled_beyond_client_idle_timeout_goes_on_with_the_connections_the_pooler_closed() =>
        AssertBreakerNeverOpened(await RunScenarioAsync("stall", RecoveryBound, async (_, _) =>
        {
            Signals.Stop(_service!.Process.ProcessId);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(4)); // twice the pooler's client_idle_timeout
            }
            finally
            {
                Signals.Continue(_service.Process.ProcessId);
            }
        }, "client_idle_timeout = 2"));

    [Fact]
    public async Task Postgres_down_when_the_service_starts_is_503_until_it_is_up_then_writes_succeed()
    {
        var database = await mpg.CreateFreshDatabaseAsync("fault_down_at_start");
        var pooler = await mpg.AddPoolerAsync(mpg.DefaultPolicyIni);
        var app = await GeneratedApp.GetAsync();
        (await app.Command("migrate").WithEnvironment("DIRECT_DATABASE_URL", database.DirectUrl).Masking(mpg.Password).RunAsync()).EnsureSuccess();
        await mpg.FaultAsync("postgres-stop-fast");
        RunningService service;
        try
        {
            service = await app.StartWebAliveAsync(new Dictionary<string, string>
            {
                ["DATABASE_URL"] = pooler.UrlFor(database.Name),
                ["DIRECT_DATABASE_URL"] = database.DirectUrl,
            });
        }
        catch
        {
            await mpg.FaultAsync("postgres-start");
            throw;
        }

        await using (service)
        {
            var clock = Stopwatch.StartNew();
            using var ready = await service.Http.GetAsync("/readyz");
            using var write = await service.Http.PostAsJsonAsync("/todos", new { title = "while Postgres is down" });
            var answeredIn = clock.Elapsed;
            await mpg.FaultAsync("postgres-start");
            await mpg.WaitUntilServedAsync(pooler, database);
            await mpg.WaitUntilServedAsync(mpg.Pooler, database);
            var servedAgain = Stopwatch.StartNew();
            using var after = await service.Http.PostAsJsonAsync("/todos", new { title = "once Postgres is up" });

            var summary = $"down at start: /readyz {(int)ready.StatusCode}, POST {(int)write.StatusCode} (both in {answeredIn.TotalSeconds:F1} s); once up, POST {(int)after.StatusCode} in {servedAgain.Elapsed.TotalSeconds:F2} s";
            output.WriteLine(summary);
            var context = $"{summary}{Environment.NewLine}{service.Output}";
            Assert.True(ready.StatusCode == HttpStatusCode.ServiceUnavailable && write.StatusCode == HttpStatusCode.ServiceUnavailable, context);
            Assert.True(answeredIn < RequestTimeout, $"The outage took too long to answer: {context}");
            Assert.True(after.StatusCode == HttpStatusCode.Created && servedAgain.Elapsed < RecoveryBound, context);
            // The first connection, opened as the service started, failed too: without a trace of the URL's secret.
            Assert.DoesNotContain(mpg.Password, service.Output);
        }
    }

    [Fact]
    public async Task A_saturated_pooler_is_answered_with_a_fast_503_and_nothing_is_retried_into_its_queue()
    {
        // Two server connections, both held by sessions in long transactions; a client waits 2 s in the queue at most.
        var pooler = await mpg.AddPoolerAsync(mpg.CreatePolicyFile("default_pool_size = 2", "reserve_pool_size = 0", "max_db_connections = 2", "query_wait_timeout = 2"));
        var database = await mpg.CreateFreshDatabaseAsync("fault_saturated");
        await using var service = await StartServiceAsync(pooler, database);
        var holders = await HoldServerConnectionsAsync(pooler, database, count: 2, TimeSpan.FromSeconds(8));

        var clock = Stopwatch.StartNew();
        using var response = await service.Http.PostAsJsonAsync("/todos", new { title = "into a full pooler" });
        var waited = clock.Elapsed;

        var body = await response.Content.ReadAsStringAsync();
        output.WriteLine($"full pooler: {(int)response.StatusCode} after {waited.TotalSeconds:F1} s, Retry-After {response.Headers.RetryAfter}: {body}");
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode} {body}{Environment.NewLine}{service.Output}");
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        // One wait in PgBouncer's queue (query_wait_timeout, checked about once a second), never one per retry.
        Assert.DoesNotContain("will be retried", service.Output, StringComparison.Ordinal);
        Assert.True(waited < TimeSpan.FromSeconds(5), $"A full pooler took {waited.TotalSeconds:F1} s to answer (query_wait_timeout is 2 s: it was retried into the queue)");
        await Poll.UntilAsync(
            "flympg_unavailable_responses_total{flympg_reason=\"saturated\"} to count the 503",
            service.ScrapeAsync,
            scrape => UnavailableResponses(scrape, ("flympg_reason", "saturated")) == 1,
            TimeSpan.FromSeconds(5),
            scrape => $"{scrape.Excerpt("flympg_")}{Environment.NewLine}{service.Output}",
            TimeSpan.FromMilliseconds(100));
        await Task.WhenAll(holders);
    }

    [Fact]
    public async Task Readyz_says_503_within_seconds_while_Postgres_is_down_and_200_once_it_is_back()
    {
        var database = await mpg.CreateFreshDatabaseAsync("fault_readyz");
        var pooler = await mpg.AddPoolerAsync(mpg.DefaultPolicyIni);
        await using var service = await StartServiceAsync(pooler, database);
        try
        {
            await mpg.FaultAsync("postgres-stop-fast");
            var clock = Stopwatch.StartNew();
            using var down = await service.Http.GetAsync("/readyz");
            var waited = clock.Elapsed;
            using var alive = await service.Http.GetAsync("/healthz");

            output.WriteLine($"/readyz with Postgres down: {(int)down.StatusCode} after {waited.TotalSeconds:F1} s; /healthz {(int)alive.StatusCode}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.True(waited < TimeSpan.FromSeconds(4), $"/readyz took {waited.TotalSeconds:F1} s to say 503");
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }
        finally
        {
            await mpg.FaultAsync("postgres-start");
        }

        await mpg.WaitUntilServedAsync(pooler, database);
        await service.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_client_that_retries_a_POST_with_the_same_Idempotency_Key_gets_the_first_answer_and_one_row()
    {
        var database = await mpg.CreateFreshDatabaseAsync("fault_idempotency");
        await using var service = await StartServiceAsync(mpg.Pooler, database);

        async Task<(HttpStatusCode Status, string Body)> PostAsync(string title, string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/todos") { Content = JsonContent.Create(new { title }) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await service.Http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var first = await PostAsync("Pay the invoice", "key-1");
        var again = await PostAsync("Pay the invoice", "key-1");
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync("Ship it", "key-2")));
        var reused = await PostAsync("Something else", "key-1");

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(first, again);
        Assert.All(concurrent, answer => Assert.Equal(concurrent[0], answer));
        Assert.Equal(HttpStatusCode.Created, concurrent[0].Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Equal(new Dictionary<string, int> { ["Pay the invoice"] = 1, ["Ship it"] = 1 }, await mpg.CountRowsByTitleAsync(database, "todos"));
    }

    // ---- the scenario runner ----------------------------------------------------------------------------------

    private async Task RestartPostgresAsync(PgBouncerPooler pooler, string database)
    {
        await mpg.FaultAsync("postgres-stop-fast");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await mpg.FaultAsync("postgres-start");
    }

    // Postgres restarts while no statement runs on any server connection. PAUSE returns once every statement has
    // finished and PgBouncer has closed its server connections (no client sees an error); the queries sent meanwhile
    // queue. Postgres begins to shut down (a session of ours keeps it from stopping; new connections get 57P03), and its
    // postmaster is stopped for a moment, so that PgBouncer's login after RESUME gets that answer only once PgBouncer has
    // put every queued query back in its queue: it then holds them all for server_login_retry. (A 57P03 within the same
    // millisecond would meet some queries not yet queued again, which PgBouncer then refuses: outage errors, a different
    // fault.) A restart between statements holds the queries sent between the sessions ending and that first failed
    // login; this holds all of them. Then Postgres stops and starts again.
    // Beside the writers, users keep arriving (reads at a steady rate, whatever the service answers).
    private async Task RestartPostgresBetweenStatementsWhileUsersArriveAsync(PgBouncerPooler pooler, string database)
    {
        // Every other one through EF Core (the list), the rest through raw Npgsql (one todo), as the sample's reads are.
        var arrivals = _arrivals = new ReadLoad(_service!.Http.BaseAddress!, connections: 512, ArrivalsPerSecond, i => i % 2 == 0 ? "/todos/1" : "/todos?pageSize=1");
        using var stop = new CancellationTokenSource();
        var arriving = arrivals.RunAsync(RequestTimeout, stop.Token);
        try
        {
            await using (var superuser = mpg.CreateSuperuserDataSource(database))
            await using (var session = await superuser.OpenConnectionAsync())
            await using (var unpooled = mpg.CreateDirectDataSource(database, connection => connection.Pooling = false))
            {
                _arrivalsFaultAt = arrivals.Now;
                await PgBouncerAdmin.QueryAsync(pooler, $"PAUSE {database}");
                var postmaster = mpg.PostmasterProcessId();
                var resumed = false;
                try
                {
                    await mpg.FaultAsync("postgres-shutdown-begin");
                    await Poll.UntilAsync(
                        "Postgres to answer a new connection with 57P03 (shutting down)",
                        () => ConnectAsync(unpooled),
                        sqlState => sqlState == PostgresErrorCodes.CannotConnectNow,
                        TimeSpan.FromSeconds(10),
                        sqlState => $"the last connection: {sqlState ?? "accepted"}",
                        TimeSpan.FromMilliseconds(20));
                    Signals.Stop(postmaster);
                    await PgBouncerAdmin.QueryAsync(pooler, $"RESUME {database}");
                    resumed = true;
                    await Task.Delay(TimeSpan.FromMilliseconds(500));
                }
                finally
                {
                    _arrivalsLoginFailsAt = arrivals.Now;
                    Signals.Continue(postmaster);
                    if (!resumed)
                    {
                        await PgBouncerAdmin.QueryAsync(pooler, $"RESUME {database}");
                    }
                }

                await Task.Delay(TimeSpan.FromSeconds(1));
                await mpg.FaultAsync("postgres-stop-fast"); // ends our session too
            }

            await mpg.FaultAsync("postgres-start");
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            _arrivalsStoppedAt = arrivals.Now;
            await stop.CancelAsync();
            await arriving; // those held still, up to the pool's Timeout
        }
    }

    // A new connection straight to Postgres: the SQLSTATE it was refused with, or null when it was accepted.
    private static async Task<string?> ConnectAsync(NpgsqlDataSource unpooled)
    {
        try
        {
            await using var connection = unpooled.CreateConnection();
            await connection.OpenAsync();
            return null;
        }
        catch (PostgresException e)
        {
            return e.SqlState;
        }
    }

    private Task<FaultRun> RunScenarioAsync(string name, TimeSpan recoveryBound, Func<PgBouncerPooler, string, Task> fault, params string[] policyOverrides) =>
        RunScenarioAsync(name, recoveryBound, fault, policyOverrides, []);

    // The service on a pooler of its own (MPG's policy, plus any overrides) under WriteLoad; the fault, then the table.
    private async Task<FaultRun> RunScenarioAsync(
        string name, TimeSpan recoveryBound, Func<PgBouncerPooler, string, Task> fault, string[] policyOverrides, Dictionary<string, string> environment)
    {
        var database = await mpg.CreateFreshDatabaseAsync($"fault_{name}");
        var pooler = await mpg.AddPoolerAsync(mpg.CreatePolicyFile(policyOverrides));
        await using var service = _service = await StartServiceAsync(pooler, database, environment);
        var load = new WriteLoad(service.Http, Clients);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(RequestTimeout, stop.Token);
        TimeSpan faultAt, servedAgain;
        try
        {
            await Task.Delay(BeforeFault);
            faultAt = load.Now;
            await fault(pooler, database.Name);
            await mpg.WaitUntilServedAsync(pooler, database);
            servedAgain = load.Now;
            output.WriteLine($"{name}: fault at {faultAt.TotalSeconds:F1} s, the pooler serves again at {servedAgain.TotalSeconds:F1} s");
            await Task.Delay(AfterRecovery);
        }
        finally
        {
            await stop.CancelAsync();
            await running;
            await mpg.WaitUntilServedAsync(mpg.Pooler, database); // the shared pooler too, for the next test
        }

        var outcome = await load.CheckAsync(() => mpg.CountRowsByTitleAsync(database, "todos"));
        var recovery = load.FirstWriteAfter(servedAgain);
        var summary = $"{name}: {outcome}; first write {(recovery is { } r ? $"{r.TotalSeconds:F2} s" : "never")} after the pooler served again";
        output.WriteLine(summary);
        var context = $"{summary}{Environment.NewLine}{service.Output}";
        Assert.True(outcome.Acknowledged > 0, $"No write was acknowledged: {context}");
        Assert.True(outcome.Lost == 0, $"Acknowledged writes were lost: {context}");
        Assert.True(outcome.Duplicates == 0, $"Writes were applied twice: {context}");
        Assert.True(outcome.ServerErrors == 0 && outcome.OtherFailures.Count == 0, $"The outage was answered with something other than 503: {context}");
        Assert.True(recovery is { } first && first < recoveryBound, $"The service did not write again within {recoveryBound.TotalSeconds} s of the pooler serving: {context}");
        Assert.DoesNotContain(mpg.Password, service.Output);

        // What the README's "requests answered 503" panel shows: every 503 the clients got, counted once.
        var unavailable = outcome.Unavailable + (_arrivals?.Answers.Count(a => a.Status == HttpStatusCode.ServiceUnavailable) ?? 0);
        var counted = await Poll.UntilAsync(
            $"flympg_unavailable_responses_total to count the {unavailable} 503(s) the clients got",
            service.ScrapeAsync,
            scrape => UnavailableResponses(scrape) == unavailable,
            TimeSpan.FromSeconds(5),
            scrape => $"{scrape.Excerpt("flympg_")}{Environment.NewLine}{context}",
            TimeSpan.FromMilliseconds(100));
        output.WriteLine(counted.Excerpt("flympg_"));
        return new FaultRun(name, load, outcome, faultAt, servedAgain, counted, service.Output);
    }

    // Once an outage error has reached a client (its 503), every request sent after it until the pooler serves again
    // is answered within FailFastBound, but for the probes: at most as many slow answers as the service counts probes,
    // and no more probes than one per break. When PgBouncer held every request from the fault on and no outage error
    // reached the service, there is nothing to act on: said, and only the invariants above hold. A 503 for a full pool
    // (reason "saturated": requests PgBouncer held for 15 s took every pooled connection) is not an outage error.
    private void AssertOutageAnsweredAtOnce(FaultRun run)
    {
        var timeline = run.Timeline(TimeSpan.FromMilliseconds(500));
        output.WriteLine(timeline);
        var context = $"{timeline}{Environment.NewLine}{run.Scrape.Excerpt("flympg_")}{Environment.NewLine}{run.ServiceOutput}";
        Assert.True(run.BreakerState == 0, $"The breaker is not closed after the outage: {context}");
        var firstOutage = run.Load.Answers
            .Where(a => a.Status == HttpStatusCode.ServiceUnavailable && a.Reason != "saturated" && a.Answered < run.ServedAgain)
            .Select(a => (TimeSpan?)a.Answered)
            .Min();
        var whole = new Latencies(run.SentDuringOutage(run.FaultAt).Select(a => a.Latency));
        if (firstOutage is not { } from)
        {
            var saturated = run.SentDuringOutage(run.FaultAt).Count(a => a.Reason == "saturated");
            output.WriteLine($"{run.Name}: no outage error reached a client before the pooler served again: PgBouncer held every request ({whole}; {saturated} answered 503 for a full pool).");
            return;
        }

        var after = run.SentDuringOutage(from);
        var latencies = new Latencies(after.Select(a => a.Latency));
        var unavailable = new Latencies(after.Where(a => a.Status == HttpStatusCode.ServiceUnavailable).Select(a => a.Latency));
        var slow = after.Where(a => a.Latency >= FailFastBound).ToList();
        var (opened, probes, closed) = (run.BreakerTransitions("open"), run.BreakerTransitions("half_open"), run.BreakerTransitions("closed"));
        var mostProbes = Math.Ceiling((run.Load.Now - from) / BreakDuration) + 1;
        var (downLines, backLines, warnings) = (Count(run.ServiceOutput, "data source is down:"), Count(run.ServiceOutput, "data source serves again:"), Count(run.ServiceOutput, "warn: "));
        var summary = $"{run.Name}: first outage error answered at {from.TotalSeconds:F2} s; requests sent from then until the pooler served again: {latencies}, " +
            $"their 503s: {unavailable}; {slow.Count} slower than {FailFastBound.TotalSeconds} s; breaker opened {opened} time(s) ({closed} outage(s), the rest after a failed probe), {probes} probe(s); " +
            $"logged: {downLines} 'is down', {backLines} 'serves again', {warnings} warnings in all. All requests sent during the outage: {whole}";
        output.WriteLine(summary);
        context = $"{summary}{Environment.NewLine}{context}";
        Assert.True(opened >= 1, $"Outage errors reached clients, but the breaker never opened: {context}");
        Assert.True(latencies.P99 < FailFastBound, $"Requests after the first outage error waited: {context}");
        Assert.True(slow.Count <= probes, $"More slow answers than probes: {string.Join(", ", slow.Select(a => $"{a.Sent.TotalSeconds:F2}->{a.Answered.TotalSeconds:F2} {(int?)a.Status}"))}{Environment.NewLine}{context}");
        Assert.True(probes <= mostProbes, $"More probes than one per {BreakDuration.TotalMilliseconds} ms break: {context}");
        Assert.True(closed >= 1 && downLines == closed && backLines == closed, $"Not one line when it opened and one when it closed, per outage: {context}");
    }

    private static int Count(string text, string line) => text.Split(line).Length - 1;

    // No outage: not one 503, and the breaker never opened (its counter says so, and its gauge says closed).
    private void AssertBreakerNeverOpened(FaultRun run)
    {
        var context = $"{run.Scrape.Excerpt("flympg_")}{Environment.NewLine}{run.ServiceOutput}";
        Assert.True(run.Outcome.Unavailable == 0, $"{run.Name}: {run.Outcome.Unavailable} request(s) failed without an outage: {context}");
        Assert.True(run.BreakerTransitions("open") == 0, $"{run.Name}: the breaker opened without an outage: {context}");
        Assert.True(run.BreakerState == 0, $"{run.Name}: the breaker's state is {run.BreakerState?.ToString() ?? "not reported"}: {context}");
    }

    // Outage errors the service met: retried (57P01, PgBouncer's 08P01) or answered 503 (never ran, outcome unknown).
    private static double OutageErrorsMet(PrometheusScrape scrape) =>
        scrape.Series("flympg_retries_total", ("error_type", "57P01")).Sum(s => s.Value)
        + scrape.Series("flympg_retries_total", ("error_type", "08P01")).Sum(s => s.Value)
        + UnavailableResponses(scrape, ("flympg_reason", "outcome_unknown"))
        + UnavailableResponses(scrape, ("flympg_reason", "never_ran"));

    private static double UnavailableResponses(PrometheusScrape scrape, params (string, string)[] labels) =>
        scrape.Series("flympg_unavailable_responses_total", labels).Sum(s => s.Value);

    private async Task<RunningService> StartServiceAsync(PgBouncerPooler pooler, FreshDatabase database, Dictionary<string, string>? environment = null)
    {
        var app = await GeneratedApp.GetAsync();
        (await app.Command("migrate").WithEnvironment("DIRECT_DATABASE_URL", database.DirectUrl).Masking(mpg.Password).RunAsync()).EnsureSuccess();
        return await app.StartWebAsync(new Dictionary<string, string>(environment ?? [])
        {
            ["DATABASE_URL"] = pooler.UrlFor(database.Name),
            ["DIRECT_DATABASE_URL"] = database.DirectUrl,
        });
    }

    // Sessions that each hold one of the pooler's server connections in an open transaction for a while.
    private static async Task<Task[]> HoldServerConnectionsAsync(PgBouncerPooler pooler, FreshDatabase database, int count, TimeSpan hold)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(MpgStandIn.ConnectionStringFromUrl(pooler.UrlFor(database.Name)).ConnectionString) { Pooling = false }.ConnectionString;
        var holding = new List<Task>();
        var started = new List<TaskCompletionSource>();
        for (var i = 0; i < count; i++)
        {
            var begun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            started.Add(begun);
            holding.Add(Task.Run(async () =>
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                await using (var first = new NpgsqlCommand("SELECT 1", connection, transaction))
                {
                    await first.ExecuteScalarAsync();
                }

                begun.SetResult();
                await using var sleep = new NpgsqlCommand($"SELECT pg_sleep({hold.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)})", connection, transaction);
                await sleep.ExecuteScalarAsync();
            }));
        }

        await Task.WhenAll(started.Select(s => s.Task)).WaitAsync(TimeSpan.FromSeconds(30));
        return [.. holding];
    }
}
