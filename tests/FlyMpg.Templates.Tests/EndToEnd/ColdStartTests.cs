using System.Net;
using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// Fly wakes a stopped Machine for a request: the web process opens its first PgBouncer connection while it starts, so
/// that request does not wait for TCP, SCRAM and Npgsql's type loading. A database that is down meanwhile changes nothing
/// but the first answers (503): <c>FaultTests.Postgres_down_when_the_service_starts_is_503_until_it_is_up_then_writes_succeed</c>.
/// </summary>
[Collection("mpg")]
public class ColdStartTests(MpgStandIn mpg)
{
    [Fact]
    public async Task The_web_process_has_its_first_pgbouncer_connection_open_before_any_request()
    {
        var app = await GeneratedApp.GetAsync();
        var db = await mpg.CreateFreshDatabaseAsync("coldstart");
        (await app.Command("migrate").WithEnvironment("DIRECT_DATABASE_URL", db.DirectUrl).Masking(mpg.Password).RunAsync()).EnsureSuccess();
        const string flyAppName = "coldstart";

        // Alive (/healthz) touches no database: no request has needed a connection yet.
        await using var service = await app.StartWebAliveAsync(new Dictionary<string, string>
        {
            ["DATABASE_URL"] = db.PooledUrl,
            ["DIRECT_DATABASE_URL"] = db.DirectUrl,
            ["FLY_APP_NAME"] = flyAppName,
        });

        var clients = await Poll.UntilAsync(
            $"PgBouncer to list a client {flyAppName}:web",
            async () => (await mpg.ShowClientsAsync()).Count(c => c.ApplicationName == $"{flyAppName}:web"),
            count => count > 0,
            TimeSpan.FromSeconds(15),
            count => $"{count} client(s){Environment.NewLine}{mpg.Mask(service.Output)}",
            TimeSpan.FromMilliseconds(100));

        Assert.Equal(1, clients);
        using var read = await service.Http.GetAsync("/todos?pageSize=1");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }
}
