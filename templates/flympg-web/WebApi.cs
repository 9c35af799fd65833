using Company.Service1.Database;
#if (UseHangfire)
using Company.Service1.Jobs;
#endif
#if (IncludeSample)
using Company.Service1.Todos;
#endif
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Company.Service1;

public static class WebApi
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);

        // Add services to the container.
        builder.Services.AddPooledDatabase(builder.Configuration);
#if (UseHangfire)
        builder.Services.AddJobClient(builder.Configuration);
#endif
        builder.Services.AddProblemDetails();
        builder.Services.AddHealthChecks().AddDbContextCheck<AppDbContext>(tags: ["ready"]);
#if (IncludeSample)
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, TodoJsonContext.Default));
#endif

        var app = builder.Build();

        // Configure the HTTP request pipeline.
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // Liveness for Fly's health check: no database, so a database outage does not restart every Machine.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        // Readiness: one round trip through PgBouncer; 503 when it fails.
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
#if (IncludeSample)
        app.MapTodos();
#endif

        await app.RunAsync();
        return 0;
    }
}
