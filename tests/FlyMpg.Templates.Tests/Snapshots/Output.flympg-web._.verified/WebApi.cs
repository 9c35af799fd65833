using Orders.Database;
using Orders.Todos;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Orders;

public static class WebApi
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);

        // Add services to the container.
        builder.Services.AddPooledDatabase(builder.Configuration);
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks().AddDbContextCheck<AppDbContext>(tags: ["ready"]);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, TodoJsonContext.Default));

        var app = builder.Build();

        // Configure the HTTP request pipeline.
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // Liveness for Fly's health check: no database, so a database outage does not restart every Machine.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        // Readiness: one round trip through PgBouncer; 503 when it fails.
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapTodos();

        await app.RunAsync();
        return 0;
    }
}
