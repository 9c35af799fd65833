using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;

namespace FlyMpg;

/// <summary>Work of the service's own that belongs to <c>migrate</c>, the release step, rather than to every start.</summary>
public static class FlyMigrate
{
    /// <summary>
    /// Runs <paramref name="step"/> in <c>migrate</c> only (fly.toml's <c>release_command</c>, once per deploy), after the
    /// migrations, on the direct connection: every context and <c>NpgsqlDataSource</c> the step resolves from the host's
    /// services uses <c>DIRECT_DATABASE_URL</c> there. The web app and the worker never run it. For seeding, or a startup
    /// helper that migrated and seeded: <c>app.OnFlyMigrate(() =&gt; app.MigrateDatabaseAndSeed());</c>
    /// (its own <c>Database.Migrate()</c> then finds nothing left to apply). A step that throws fails <c>migrate</c>, and with
    /// it the deploy. Call it before <c>RunFlyAsync</c>; steps run in the order they were added.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddFlyPostgres</c> was not called.</exception>
    public static IHost OnFlyMigrate(this IHost host, Func<Task> step)
    {
        ArgumentNullException.ThrowIfNull(host);
        Add(host.Services, step);
        return host;
    }

    /// <inheritdoc cref="OnFlyMigrate(IHost, Func{Task})"/>
    public static IHost OnFlyMigrate(this IHost host, Action step) => host.OnFlyMigrate(Completed(step));

#pragma warning disable ASPDEPR008 // IWebHost is obsolete since .NET 10, and still what a classic service's Main builds.
    /// <inheritdoc cref="OnFlyMigrate(IHost, Func{Task})"/>
    public static IWebHost OnFlyMigrate(this IWebHost host, Func<Task> step)
    {
        ArgumentNullException.ThrowIfNull(host);
        Add(host.Services, step);
        return host;
    }

    /// <inheritdoc cref="OnFlyMigrate(IHost, Func{Task})"/>
    public static IWebHost OnFlyMigrate(this IWebHost host, Action step) => host.OnFlyMigrate(Completed(step));
#pragma warning restore ASPDEPR008

    private static Func<Task> Completed(Action step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return () =>
        {
            step();
            return Task.CompletedTask;
        };
    }

    private static void Add(IServiceProvider services, Func<Task> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var steps = services.GetService<FlyMigrateSteps>()
            ?? throw new InvalidOperationException("OnFlyMigrate needs AddFlyPostgres<TContext>() first: it registers the migrate command that runs the step.");
        steps.Add(step);
    }
}
