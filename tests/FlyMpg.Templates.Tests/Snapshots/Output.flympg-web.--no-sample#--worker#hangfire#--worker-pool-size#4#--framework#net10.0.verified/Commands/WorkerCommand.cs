using Orders.Database;
using Orders.Jobs;
using Hangfire;

namespace Orders.Commands;

/// <summary>
/// <c>dotnet Orders.dll worker</c>: runs Hangfire jobs over DIRECT_DATABASE_URL, in fly.toml's
/// worker process group. It listens on HTTP only for its health check and the jobs dashboard.
/// </summary>
public static class WorkerCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);

        builder.Services.AddWorkerDatabase(builder.Configuration);
        builder.Services.AddJobServer(builder.Configuration);
        builder.Services.AddHealthChecks();
        builder.Services.AddSingleton<DashboardAuthorization>();
        // Let Hangfire finish or hand back running jobs before the host gives up (see JobsRegistration).
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(25));

        var app = builder.Build();

        app.MapHealthChecks("/healthz");
        app.MapHangfireDashboard("/jobs", new DashboardOptions
        {
            Authorization = [app.Services.GetRequiredService<DashboardAuthorization>()],
        });

        await app.RunAsync();
        return 0;
    }
}
