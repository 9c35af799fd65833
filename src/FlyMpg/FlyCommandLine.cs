using FlyMpg.Commands;
using FlyMpg.Doctor;
using Microsoft.AspNetCore.Builder;

namespace FlyMpg;

/// <summary>One image, several entrypoints: the commands of a service built on FlyMpg.</summary>
public static class FlyCommandLine
{
    /// <summary>
    /// Runs what <paramref name="args"/> names, then returns the process's exit code:
    /// <list type="bullet">
    /// <item><c>migrate</c>: applies migrations over <c>DIRECT_DATABASE_URL</c> (fly.toml's <c>release_command</c>);</item>
    /// <item><c>doctor</c>: checks both URLs, the pool mode and the connection budget, read-only;</item>
    /// <item><c>worker</c>: serves the registered worker (e.g. Hangfire) over <c>DIRECT_DATABASE_URL</c> (fly.toml's worker process group);</item>
    /// <item>anything else: the web app, through <c>DATABASE_URL</c>.</item>
    /// </list>
    /// A missing or malformed setting ends the process with exit code 1 and one line that names it, never its value.
    /// </summary>
    public static async Task<int> RunFlyAsync(this WebApplication app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        var process = app.Services.GetRequiredService<FlyProcess>();
        try
        {
            switch (args)
            {
                case ["migrate", ..]:
                    process.Command = FlyCommand.Migrate;
                    await using (app)
                    {
                        return await MigrateCommand.RunAsync(app.Services);
                    }

                case ["doctor", .. var options]:
                    process.Command = FlyCommand.Doctor;
                    await using (app)
                    {
                        return await DoctorCommand.RunAsync(app.Services, options);
                    }

                case ["worker", ..]:
                    var workers = app.Services.GetServices<FlyWorker>().ToList();
                    if (workers.Count == 0)
                    {
                        Console.Error.WriteLine("error: this service registers no worker (FlyMpg.Hangfire's AddFlyHangfire adds one); nothing to run.");
                        return 2;
                    }

                    process.Command = FlyCommand.Worker;
                    _ = app.Services.GetRequiredService<FlyPostgresConnections>().Worker();
                    workers.ForEach(worker => worker.MapWorkerEndpoints(app));
                    await app.RunAsync();
                    return 0;

                default:
                    app.Services.GetRequiredService<FlyPostgresConnections>().EnsurePooledUrl();
                    await app.RunAsync();
                    return 0;
            }
        }
        catch (DatabaseConfigurationException e)
        {
            // The message names the setting and what is wrong, without its value; a stack trace would add nothing.
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
