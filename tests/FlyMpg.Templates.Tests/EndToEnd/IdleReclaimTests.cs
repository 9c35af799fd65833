using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlyMpg.Templates.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// MPG's PgBouncer closes a client connection that has been idle longer than its <c>client_idle_timeout</c>
/// (FATAL <c>08P01 client_idle_timeout</c>), and Npgsql hands out a pooled connection without checking it:
/// after a quiet period the next burst of requests fails on the connections the pooler closed. The
/// generated service has two protections, each proven alone here against a pooler with a 3 s idle timeout:
/// (a) its idle lifetime below the pooler's, with retries off, and (b) a long idle lifetime with <c>08P01</c>
/// retried. The naive setting (long idle lifetime, no retry) fails under the same pause and burst.
/// </summary>
[Collection("mpg")]
public sealed class IdleReclaimTests(MpgStandIn mpg, ITestOutputHelper output)
{
    private const int PoolerIdleTimeoutSeconds = 3;
    private const int WarmRequests = 8;
    private const int BurstRequests = 40;

    // The pause after the warm-up: past the pooler's idle timeout plus its janitor's round, the same in every run.
    private static readonly TimeSpan IdlePause = TimeSpan.FromSeconds(PoolerIdleTimeoutSeconds + 2.5);

    [Fact]
    public async Task Naive_pool_settings_fail_the_first_burst_after_a_quiet_period_with_08P01_client_idle_timeout()
    {
        var run = await IdleThenBurstAsync("spec_idle_naive", new()
        {
            ["FlyMpg__Pooled__ConnectionIdleLifetime"] = "300",
            ["FlyMpg__MaxRetryCount"] = "0",
        });

        Assert.True(run.ClosedByPooler > 0, $"The pooler closed no idle client: the trap was not armed.{Environment.NewLine}{run}");
        Assert.True(run.Burst.Failed > 0, $"Expected failed requests after the pooler closed idle connections.{Environment.NewLine}{run}");
        Assert.True(run.Burst.Failed <= run.WarmClients, $"More failures than connections the pooler could have closed.{Environment.NewLine}{run}");
        Assert.All(run.Burst.Statuses.Where(s => s is < 200 or >= 300), status => Assert.Equal(503, status)); // an outage, never a 500
        Assert.Empty(run.Burst.TransportErrors);
        Assert.True(
            run.ErrorEntries.Any(e => e.Contains("08P01: client_idle_timeout", StringComparison.Ordinal)),
            $"The service did not log the pooler's 08P01 client_idle_timeout.{Environment.NewLine}{run}");

        // The generated README's troubleshooting table quotes what the service logged, word for word.
        const string quoted = "Npgsql.PostgresException (0x80004005): 08P01: client_idle_timeout";
        Assert.Contains(quoted, File.ReadAllText(Path.Combine(TestPaths.TemplatesRoot, "flympg-web", "README.md")));
        Assert.True(run.ErrorEntries.Any(e => e.Contains(quoted, StringComparison.Ordinal)), $"The service never logged '{quoted}'.{Environment.NewLine}{run}");
    }

    [Fact]
    public async Task Idle_lifetime_below_the_pooler_idle_timeout_alone_serves_every_request_of_the_burst()
    {
        var run = await IdleThenBurstAsync("spec_idle_lifetime", new()
        {
            ["FlyMpg__Pooled__ConnectionIdleLifetime"] = "1",
            ["FlyMpg__MaxRetryCount"] = "0",
        });

        // Npgsql closed its idle connections before the pooler's timeout: the pooler had nothing to close.
        Assert.True(run.ClosedByPooler == 0, $"The pooler closed {run.ClosedByPooler} idle client(s) first.{Environment.NewLine}{run}");
        Assert.True(run.Burst.Successful == BurstRequests, $"Not every request of the burst succeeded.{Environment.NewLine}{run}");
        Assert.True(run.ErrorEntries.Count == 0, $"The service met 08P01 anyway.{Environment.NewLine}{run}");
    }

    [Fact]
    public async Task Retrying_08P01_alone_serves_every_request_of_the_burst_although_the_pooler_closed_idle_connections()
    {
        // MaxRetryCount left at the service's default (3).
        var run = await IdleThenBurstAsync("spec_idle_retry", new()
        {
            ["FlyMpg__Pooled__ConnectionIdleLifetime"] = "300",
        });

        // The pooler did close idle connections and the service did meet 08P01: the retry, not luck, saved the burst.
        Assert.True(run.ClosedByPooler > 0, $"The pooler closed no idle client: the trap was not armed.{Environment.NewLine}{run}");
        Assert.True(
            run.RetryEntries.Any(e => e.Contains("08P01: client_idle_timeout", StringComparison.Ordinal)),
            $"The service logged no retry of an 08P01 failure: the burst never met a closed connection.{Environment.NewLine}{run}");
        Assert.True(run.Burst.Successful == BurstRequests, $"Not every request of the burst succeeded.{Environment.NewLine}{run}");
        // The metrics show it too: one count per retry the service logged for 08P01.
        Assert.True(
            run.RetriesOf08P01Counted == run.RetryEntries.Count(e => e.Contains("08P01", StringComparison.Ordinal)),
            $"flympg_retries_total{{error_type=\"08P01\"}} does not count the retries the service logged.{Environment.NewLine}{run}");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /// <summary>
    /// Migrates a fresh database, starts the default service with <c>DATABASE_URL</c> through a pooler with
    /// <c>client_idle_timeout = 3</c> and <paramref name="settings"/>, warms its pool with concurrent requests,
    /// waits until the pooler lists none of its clients and <see cref="IdlePause"/> has passed, then sends a burst.
    /// </summary>
    private async Task<IdleRun> IdleThenBurstAsync(string name, Dictionary<string, string> settings)
    {
        var total = Stopwatch.StartNew();
        var app = await GeneratedApp.GetAsync();
        var database = await mpg.CreateFreshDatabaseAsync(name);
        var pooler = await mpg.AddPoolerAsync(mpg.CreatePolicyFile($"client_idle_timeout = {PoolerIdleTimeoutSeconds}"));
        var flyAppName = name.Replace('_', '-');
        var applicationName = $"{flyAppName}:web";

        (await app.Command("migrate")
            .WithEnvironment("DIRECT_DATABASE_URL", database.DirectUrl)
            .Masking(mpg.Password)
            .RunAsync()).EnsureSuccess();

        var environment = new Dictionary<string, string>(settings)
        {
            ["DATABASE_URL"] = pooler.UrlFor(database.Name),
            ["DIRECT_DATABASE_URL"] = database.DirectUrl,
            ["FLY_APP_NAME"] = flyAppName,
        };
        await using var service = await app.StartWebAsync(environment);
        string Context() => mpg.Mask($"{string.Join(' ', settings.Select(s => $"{s.Key}={s.Value}"))}; {pooler}{Environment.NewLine}{service.Output}");

        // Setup, not the measured burst: the connection /readyz opened at startup may already have idled past the pooler's
        // timeout (and the naive setting retries nothing), so a 503 is retried with the same Idempotency-Key.
        var created = await Poll.UntilAsync(
            "POST /todos to create the todo the burst reads",
            async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/todos") { Content = JsonContent.Create(new { title = "idle reclaim" }) };
                request.Headers.Add("Idempotency-Key", "idle-reclaim-setup");
                using var response = await service.Http.SendAsync(request);
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            },
            answer => answer.StatusCode != HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(10),
            answer => $"{(int)answer.StatusCode} {answer.Body}{Environment.NewLine}{Context()}");
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"POST /todos: {(int)created.StatusCode} {created.Body}{Environment.NewLine}{Context()}");
        var id = JsonDocument.Parse(created.Body).RootElement.GetProperty("id").GetInt32();
        HttpRequestMessage Read(int _) => new(HttpMethod.Get, $"/todos/{id}");

        // Warm the pool: concurrent requests open several physical connections, which then sit idle in Npgsql's pool.
        var warm = await Load.HttpBurstAsync(service.Http, WarmRequests, Read);
        Assert.True(warm.Successful == WarmRequests, $"warm-up: {warm}{Environment.NewLine}{Context()}");
        var idleSince = Stopwatch.StartNew();
        // (With a 1 s idle lifetime Npgsql may already be closing some of them.)
        var warmClients = (await mpg.ShowClientsAsync(pooler)).Count(c => c.ApplicationName == applicationName);

        // The quiet period: polled until the pooler (or Npgsql, with a short idle lifetime) has dropped every client ...
        await Poll.UntilAsync(
            $"the pooler to list no client {applicationName}",
            async () => (await mpg.ShowClientsAsync(pooler)).Count(c => c.ApplicationName == applicationName),
            left => left == 0,
            TimeSpan.FromSeconds(20),
            left => $"{left} client(s){Environment.NewLine}{Context()}",
            TimeSpan.FromMilliseconds(200));
        var clientsGoneAfter = idleSince.Elapsed;

        // ... and at least as long as in every other run, so each configuration meets the same pause.
        if (IdlePause > idleSince.Elapsed)
        {
            await Task.Delay(IdlePause - idleSince.Elapsed);
        }

        var burst = await Load.HttpBurstAsync(service.Http, BurstRequests, Read);
        var closedByPooler = File.ReadLines(pooler.LogFile)
            .Count(l => l.Contains("closing because: client_idle_timeout", StringComparison.Ordinal) && !l.Contains("pgbouncer_admin", StringComparison.Ordinal));

        // What Fly's scraper would read after the burst: the exporter caches a scrape for 300 ms, so poll until it counts every read.
        var scrape = await Poll.UntilAsync(
            "a scrape that counts every read",
            service.ScrapeAsync,
            scrape => scrape.Series("http_server_request_duration_seconds_count", ("http_route", "/todos/{id:int}")).Sum(r => r.Value) >= WarmRequests + BurstRequests,
            TimeSpan.FromSeconds(10),
            scrape => scrape.Text,
            TimeSpan.FromMilliseconds(100));
        var retriesOf08P01 = scrape.Series("flympg_retries_total", ("error_type", "08P01")).Sum(r => r.Value);

        // SIGTERM, as Fly stops a Machine: the host stops gracefully and flushes its log before the log is read.
        Signals.Terminate(service.Process.ProcessId);
        using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            await service.Process.WaitForExitAsync(exit.Token);
        }

        var log = service.Process.StdOut + service.Process.StdErr;
        Assert.False(log.Contains(mpg.Password, StringComparison.Ordinal), "The service printed the database password.");
        var entries = ServiceLog.Entries(mpg.Mask(log));

        var run = new IdleRun(
            string.Join(' ', settings.Select(s => $"{s.Key}={s.Value}")),
            warmClients,
            clientsGoneAfter,
            closedByPooler,
            burst,
            entries.Where(e => e.Contains("08P01", StringComparison.Ordinal) && !IsRetry(e)).ToList(),
            entries.Where(IsRetry).ToList(),
            retriesOf08P01,
            Context(),
            total.Elapsed);
        output.WriteLine(run.Summary);
        // One entry of each kind (the first line names the logger), for the README's troubleshooting table.
        foreach (var entry in run.ErrorEntries.Concat(run.RetryEntries).DistinctBy(e => e.Split('\n')[0]))
        {
            output.WriteLine($"service logged:{Environment.NewLine}{string.Join(Environment.NewLine, entry.Split('\n').Take(4))}");
        }

        return run;
    }

    // TransientRetry's "... It will be retried after ..." (GET /todos/{id} is a raw Npgsql read), as
    // EF Core's "A transient exception occurred during execution. The operation will be retried after ...".
    private static bool IsRetry(string entry) => entry.Contains("will be retried", StringComparison.Ordinal);

    private sealed record IdleRun(
        string Settings,
        int WarmClients,
        TimeSpan ClientsGoneAfter,
        int ClosedByPooler,
        HttpBurstOutcome Burst,
        IReadOnlyList<string> ErrorEntries,
        IReadOnlyList<string> RetryEntries,
        double RetriesOf08P01Counted,
        string Context,
        TimeSpan Elapsed)
    {
        public string Summary =>
            $"{Settings}: {WarmClients} pooled client(s) after the warm-up, gone after {ClientsGoneAfter.TotalSeconds:0.0} s, "
            + $"{ClosedByPooler} closed by the pooler (client_idle_timeout); burst of {BurstRequests}: {Burst}; "
            + $"{ErrorEntries.Count} 08P01 error entries, {RetryEntries.Count} retry entries in the service's log, "
            + $"flympg_retries_total{{error_type=\"08P01\"}} {RetriesOf08P01Counted}; run took {Elapsed.TotalSeconds:0.0} s";

        public override string ToString() => $"{Summary}{Environment.NewLine}{Context}";
    }
}
