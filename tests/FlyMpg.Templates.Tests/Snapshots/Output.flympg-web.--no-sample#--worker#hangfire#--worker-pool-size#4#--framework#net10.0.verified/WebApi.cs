using Orders.Database;
using Orders.Jobs;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Orders;

public static class WebApi
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);

        // Add services to the container.
        builder.Services.AddPooledDatabase(builder.Configuration);
        builder.Services.AddJobClient(builder.Configuration);
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks().AddDbContextCheck<AppDbContext>(tags: ["ready"]);

        var app = builder.Build();

        // Configure the HTTP request pipeline.
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // Liveness for Fly's health check: no database, so a database outage does not restart every Machine.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        // Readiness: one round trip through PgBouncer; 503 when it fails.
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

        await app.RunAsync();
        return 0;
    }
}
