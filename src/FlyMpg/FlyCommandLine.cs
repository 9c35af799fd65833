using FlyMpg.Commands;
using FlyMpg.Doctor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;

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
    public static Task<int> RunFlyAsync(this WebApplication app, string[] args)
    {
        ArgumentNullException.ThrowIfNull(app);
        return RunAsync(app.Services, args, () => app.RunAsync(), app.DisposeAsync, worker => worker.MapWorkerEndpoints(app));
    }

    /// <summary>
    /// The same commands for a service on the generic host (<c>Host.CreateDefaultBuilder(args).ConfigureWebHostDefaults(...)</c>,
    /// a <c>Startup</c> class): <c>return await CreateHostBuilder(args).Build().RunFlyAsync(args);</c> in <c>Main</c>.
    /// A worker's own endpoints (FlyMpg.Hangfire's <c>/jobs</c> dashboard) are mapped only on a <see cref="WebApplication"/>.
    /// </summary>
    public static Task<int> RunFlyAsync(this IHost host, string[] args)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host is WebApplication app
            ? app.RunFlyAsync(args)
            : RunAsync(host.Services, args, () => host.RunAsync(), () => DisposeAsync(host), mapWorkerEndpoints: null);
    }

    /// <summary>
    /// The same commands for a service on the classic web host (<c>WebHost.CreateDefaultBuilder(args).UseStartup&lt;Startup&gt;()</c>):
    /// <c>return await CreateWebHostBuilder(args).Build().RunFlyAsync(args);</c> in <c>Main</c>.
    /// A worker's own endpoints (FlyMpg.Hangfire's <c>/jobs</c> dashboard) are mapped only on a <see cref="WebApplication"/>.
    /// </summary>
#pragma warning disable ASPDEPR008 // IWebHost is obsolete since .NET 10, and still what a classic service's Main builds.
    public static Task<int> RunFlyAsync(this IWebHost host, string[] args)
    {
        ArgumentNullException.ThrowIfNull(host);
        return RunAsync(host.Services, args, () => host.RunAsync(), () => DisposeAsync(host), mapWorkerEndpoints: null);
    }
#pragma warning restore ASPDEPR008

    private static async Task<int> RunAsync(IServiceProvider services, string[] args, Func<Task> run, Func<ValueTask> dispose, Action<FlyWorker>? mapWorkerEndpoints)
    {
        ArgumentNullException.ThrowIfNull(args);
        var process = services.GetRequiredService<FlyProcess>();
        try
        {
            switch (args)
            {
                case ["migrate", ..]:
                    process.Command = FlyCommand.Migrate;
                    try
                    {
                        return await MigrateCommand.RunAsync(services);
                    }
                    finally
                    {
                        await dispose();
                    }

                case ["doctor", .. var options]:
                    process.Command = FlyCommand.Doctor;
                    try
                    {
                        return await DoctorCommand.RunAsync(services, options);
                    }
                    finally
                    {
                        await dispose();
                    }

                case ["worker", ..]:
                    var workers = services.GetServices<FlyWorker>().ToList();
                    if (workers.Count == 0)
                    {
                        Console.Error.WriteLine("error: this service registers no worker (FlyMpg.Hangfire's AddFlyHangfire adds one); nothing to run.");
                        return 2;
                    }

                    process.Command = FlyCommand.Worker;
                    _ = services.GetRequiredService<FlyPostgresConnections>().Worker();
                    if (mapWorkerEndpoints is not null)
                    {
                        workers.ForEach(mapWorkerEndpoints);
                    }

                    await run();
                    return 0;

                default:
                    services.GetRequiredService<FlyPostgresConnections>().EnsurePooledUrl();
                    await run();
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

    private static ValueTask DisposeAsync(IDisposable host)
    {
        if (host is IAsyncDisposable asyncDisposable)
        {
            return asyncDisposable.DisposeAsync();
        }

        host.Dispose();
        return ValueTask.CompletedTask;
    }
}
