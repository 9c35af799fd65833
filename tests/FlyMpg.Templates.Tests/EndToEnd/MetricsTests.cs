using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlyMpg.Templates.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// What fly.toml's <c>[metrics]</c> scrapes from the generated service behind PgBouncer in transaction mode: on the metrics
/// port only, the pooled data source's usage within its pool size under 64 clients, requests waiting for a connection,
/// and request latency by route.
/// </summary>
[Collection("mpg")]
public class MetricsTests(MpgStandIn mpg, ITestOutputHelper output)
{
    private const int PoolSize = 8; // the template's default --pool-size
    private const int Clients = 64;
    private const int Requests = 3000;

    private const string ConnectionCount = "db_client_connection_count";
    private const string ConnectionMax = "db_client_connection_max";
    private const string PendingRequests = "db_client_connection_npgsql_pending_requests";
    private const string RequestDuration = "http_server_request_duration_seconds";
    private const string OperationDuration = "db_client_operation_duration_seconds";
    private static readonly string[] UnreadPerRequestSeries =
    [
        "http_server_active_requests", "aspnetcore_routing_match_attempts_total", "aspnetcore_memory_pool_rented_bytes_total",
        "db_client_operation_npgsql_executing", "db_client_operation_npgsql_bytes_read_bytes_total", "db_client_operation_npgsql_bytes_written_bytes_total",
    ];
    private static readonly (string, string) WebPool = ("db_client_connection_pool_name", "web");
    private static readonly (string, string) Used = ("db_client_connection_state", "used");

    [Fact]
    public async Task Under_64_clients_the_metrics_port_shows_the_web_pool_within_its_size_with_requests_waiting_for_it()
    {
        var app = await GeneratedApp.GetAsync();
        var db = await mpg.CreateFreshDatabaseAsync("metrics");
        (await app.Command("migrate").WithEnvironment("DIRECT_DATABASE_URL", db.DirectUrl).Masking(mpg.Password).RunAsync()).EnsureSuccess();
        await using var service = await app.StartWebAsync(new Dictionary<string, string>
        {
            ["DATABASE_URL"] = db.PooledUrl,
            ["DIRECT_DATABASE_URL"] = db.DirectUrl,
        });

        using var created = await service.Http.PostAsJsonAsync("/todos", new { title = "watched" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        // The list read is an EF Core query (the POST and the reads by id are raw Npgsql).
        using var listed = await service.Http.GetAsync("/todos?pageSize=1");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);

        // Scrape while the load runs, as Fly's scraper would, and keep the highest readings.
        using var loadDone = new CancellationTokenSource();
        var scraping = ScrapeUntilAsync(service, loadDone.Token);
        var load = await ClientsReadingAsync(service.Http, $"/todos/{id}");
        await loadDone.CancelAsync();
        var (scrapes, maxUsed, maxPending) = await scraping;
        // The exporter caches a scrape for 300 ms: poll until one counts every read.
        var last = await Poll.UntilAsync(
            "a scrape that counts every read",
            service.ScrapeAsync,
            scrape => Reads(scrape) >= Requests,
            TimeSpan.FromSeconds(10),
            scrape => scrape.Text,
            TimeSpan.FromMilliseconds(100));

        output.WriteLine($"{load}; {scrapes} scrapes during the load: at most {maxUsed} used connections in the web pool (max {PoolSize}), at most {maxPending} pending requests");
        output.WriteLine(last.Excerpt(ConnectionCount, ConnectionMax, PendingRequests, $"{RequestDuration}_count", "flympg_", "microsoft_entityframeworkcore_"));
        Assert.True(load.Successful == Requests, $"{load}{Environment.NewLine}{mpg.Mask(service.Output)}");

        Assert.Equal(PoolSize, last.Value(ConnectionMax, WebPool));
        Assert.True(scrapes >= 2, $"only {scrapes} scrape(s) answered while the load ran");
        Assert.InRange(maxUsed, 1, PoolSize);
        Assert.True(maxPending > 0, $"no scrape saw a request waiting for a connection, with {Clients} clients on a pool of {PoolSize}");
        Assert.Equal(0, last.Value(PendingRequests, WebPool));
        // Only the service's own requests: the scrapes on the metrics port are not counted as requests. Metrics start
        // after the service's first answer (the readiness probe's), which is recorded only if the process paused for the
        // whole time the meter provider takes to build, between that response's end and its duration being recorded.
        Assert.InRange(last.Series($"{RequestDuration}_count").Sum(s => s.Value), Requests + 2, Requests + 3); // + POST /todos, GET /todos
        Assert.NotEmpty(last.Series("dotnet_gc_collections_total"));
        // EF Core's own counters: the list read ran one query through a pooled context.
        Assert.Equal(1, last.Series("microsoft_entityframeworkcore_queries_total").Sum(s => s.Value));
        // One command a request (+ POST /todos, GET /todos; the readiness probe's as the request durations above).
        Assert.InRange(last.Series($"{OperationDuration}_count", WebPool).Sum(s => s.Value), Requests + 2, Requests + 3);
        // Instruments updated on every request, buffer or command that no series of the README reads are not recorded:
        // they cost CPU on the hot path (docs/benchmarks.md).
        Assert.All(UnreadPerRequestSeries, series => Assert.Empty(last.Series(series)));

        // The public port does not serve the scrape endpoint.
        using var onPublicPort = await service.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.NotFound, onPublicPort.StatusCode);
        Assert.DoesNotContain(mpg.Password, last.Text);
    }

    private static double Reads(PrometheusScrape scrape) =>
        scrape.Series($"{RequestDuration}_count", ("http_route", "/todos/{id:int}"), ("http_response_status_code", "200")).Sum(s => s.Value);

    // Clients clients, each reading until Requests reads were sent in all.
    private static async Task<HttpBurstOutcome> ClientsReadingAsync(HttpClient http, string path)
    {
        var outcome = new HttpBurstOutcome();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var issued = 0;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref issued) <= Requests)
            {
                try
                {
                    using var response = await http.GetAsync(path);
                    outcome.Record(response.StatusCode);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    outcome.Record(e);
                }
            }
        })));
        outcome.Elapsed = clock.Elapsed;
        return outcome;
    }

    private static async Task<(int Scrapes, double MaxUsed, double MaxPending)> ScrapeUntilAsync(RunningService service, CancellationToken loadDone)
    {
        var (scrapes, maxUsed, maxPending) = (0, 0d, 0d);
        while (!loadDone.IsCancellationRequested)
        {
            var scrape = await service.ScrapeAsync();
            scrapes++;
            maxUsed = Math.Max(maxUsed, scrape.Series(ConnectionCount, WebPool, Used).Select(s => s.Value).DefaultIfEmpty().Max());
            maxPending = Math.Max(maxPending, scrape.Series(PendingRequests, WebPool).Select(s => s.Value).DefaultIfEmpty().Max());
            try
            {
                // Faster than the exporter's 300 ms response cache would serve fresh readings: every fresh one is seen.
                await Task.Delay(100, loadDone);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return (scrapes, maxUsed, maxPending);
    }
}
