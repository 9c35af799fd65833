using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlyMpg.Templates.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// The generated service on DATABASE_URL = PgBouncer in transaction mode: the sample API works, and under
/// 64 concurrent clients no request fails, no acknowledged write is lost, and the service never holds
/// more PgBouncer client connections than its pool size.
/// </summary>
[Collection("mpg")]
public class ServiceUnderLoadTests(MpgStandIn mpg, ITestOutputHelper output)
{
    private const int PoolSize = 8; // the template's default --pool-size
    private const int Clients = 64;
    private const int Requests = 5000;

    [Fact]
    public async Task The_todos_api_round_trips_through_PgBouncer()
    {
        await using var service = await StartMigratedServiceAsync("crud");
        var http = service.Http;

        var created = await http.PostAsJsonAsync("/todos", new { title = "Deploy to Fly" });
        var todo = await ReadTodoAsync(created, HttpStatusCode.Created, service);
        Assert.Equal($"/todos/{todo.Id}", created.Headers.Location?.OriginalString);
        Assert.Equal("Deploy to Fly", todo.Title);
        Assert.False(todo.Done);

        Assert.Equal(todo, await ReadTodoAsync(await http.GetAsync($"/todos/{todo.Id}"), HttpStatusCode.OK, service));
        var updated = await ReadTodoAsync(await http.PutAsJsonAsync($"/todos/{todo.Id}", new { title = "Deployed", done = true }), HttpStatusCode.OK, service);
        Assert.Equal(todo with { Title = "Deployed", Done = true }, updated);
        Assert.Contains(updated, await http.GetFromJsonAsync<List<Todo>>("/todos?page=1&pageSize=10") ?? []);

        var invalid = await http.PostAsJsonAsync("/todos", new { title = "  " });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
        Assert.Contains("title", (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name));

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/todos/{todo.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/todos/{todo.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync($"/todos/{todo.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.DoesNotContain(mpg.Password, service.Output);
    }

    [Fact]
    public async Task Under_64_concurrent_clients_nothing_fails_nothing_is_lost_and_the_pool_size_holds()
    {
        await using var service = await StartMigratedServiceAsync("load");
        var acknowledged = new ConcurrentDictionary<int, string>();
        var failures = new ConcurrentQueue<string>();
        var issued = 0;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var stopWatching = new CancellationTokenSource();
        var watching = mpg.WatchMaxClientsAsync(client => client.Database == "load", stopWatching.Token);

        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            while (Interlocked.Increment(ref issued) <= Requests)
            {
                try
                {
                    if (acknowledged.IsEmpty || random.Next(10) < 3)
                    {
                        var title = $"client {client} #{random.Next()}";
                        var response = await service.Http.PostAsJsonAsync("/todos", new { title });
                        if (response.StatusCode != HttpStatusCode.Created)
                        {
                            failures.Enqueue($"POST {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                            continue;
                        }

                        var todo = (await response.Content.ReadFromJsonAsync<Todo>())!;
                        acknowledged[todo.Id] = title;
                    }
                    else
                    {
                        var ids = acknowledged.Keys.ToArray();
                        var id = ids[random.Next(ids.Length)];
                        var response = await service.Http.GetAsync($"/todos/{id}");
                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            failures.Enqueue($"GET /todos/{id} {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                        }
                    }
                }
                catch (HttpRequestException e)
                {
                    failures.Enqueue(e.Message);
                }
            }
        })));

        await stopWatching.CancelAsync();
        var maxClients = await watching;
        output.WriteLine($"{Requests} requests from {Clients} clients in {clock.Elapsed.TotalSeconds:F1} s: {failures.Count} failed, " +
            $"{acknowledged.Count} writes acknowledged, at most {maxClients} PgBouncer clients (pool size {PoolSize})");

        Assert.True(failures.IsEmpty, $"{failures.Count} of {Requests} requests failed, e.g. {string.Join(" | ", failures.Take(3))}{Environment.NewLine}{mpg.Mask(service.Output)}");
        foreach (var (id, title) in acknowledged)
        {
            var todo = await service.Http.GetFromJsonAsync<Todo>($"/todos/{id}");
            Assert.Equal(title, todo?.Title);
        }

        Assert.InRange(maxClients, 1, PoolSize);
    }

    private async Task<RunningService> StartMigratedServiceAsync(string database)
    {
        var app = await GeneratedApp.GetAsync();
        var db = await mpg.CreateFreshDatabaseAsync(database);
        (await app.Command("migrate").WithEnvironment("DIRECT_DATABASE_URL", db.DirectUrl).Masking(mpg.Password).RunAsync()).EnsureSuccess();
        return await app.StartWebAsync(new Dictionary<string, string>
        {
            ["DATABASE_URL"] = db.PooledUrl,
            ["DIRECT_DATABASE_URL"] = db.DirectUrl,
        });
    }

    private static async Task<Todo> ReadTodoAsync(HttpResponseMessage response, HttpStatusCode expected, RunningService service)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}{Environment.NewLine}{service.Output}");
        return JsonSerializer.Deserialize<Todo>(body, JsonSerializerOptions.Web)!;
    }

    private sealed record Todo(int Id, string Title, bool Done, DateTimeOffset CreatedAt);
}
