using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using FlyMpg.Doctor;
using Npgsql;

namespace FlyMpg;

/// <summary>Registers a service's database the way it runs on Fly Managed Postgres.</summary>
public static class FlyPostgresExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TContext"/> (pooled contexts, where EF Core can pool it: its one constructor takes only
    /// its options; otherwise one per scope) on one <see cref="NpgsqlDataSource"/> over
    /// <c>DATABASE_URL</c>, through PgBouncer with its safe settings, with retries that include PgBouncer's 08P01 but never
    /// run a write twice (<see cref="TransientRetry"/>), a 503 with <c>Retry-After</c> for a request the database could not
    /// serve (at once, without a query, while the database is known to be down: <see cref="BreakerSettings"/>), and a
    /// readiness check; the web process opens its first pooled connection while it starts, so the request that woke a
    /// stopped Machine does not wait for it; the <c>worker</c> command gets the same context over
    /// <c>DIRECT_DATABASE_URL</c>, and <c>migrate</c> and <c>doctor</c> (see <see cref="FlyCommandLine.RunFlyAsync(Microsoft.AspNetCore.Builder.WebApplication, string[])"/>) use
    /// the direct URL too.
    /// Settings come from the <c>FlyMpg</c> configuration section, then <paramref name="configureSettings"/>.
    /// </summary>
    /// <exception cref="DatabaseConfigurationException">A setting is out of range.</exception>
    public static IHostApplicationBuilder AddFlyPostgres<TContext>(this IHostApplicationBuilder builder, Action<FlyPostgresSettings>? configureSettings = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddFlyPostgres<TContext>(builder.Configuration, configureSettings);
        return builder;
    }

    /// <summary>
    /// The same registration as <see cref="AddFlyPostgres{TContext}(IHostApplicationBuilder, Action{FlyPostgresSettings}?)"/>,
    /// for code that has the service collection and the configuration but not the builder: a <c>Startup</c> class's
    /// <c>ConfigureServices</c> (<c>services.AddFlyPostgres&lt;AppDbContext&gt;(Configuration)</c>). The URLs and the
    /// <c>FlyMpg</c> section are read from <paramref name="configuration"/>.
    /// </summary>
    /// <exception cref="DatabaseConfigurationException">A setting is out of range.</exception>
    public static IServiceCollection AddFlyPostgres<TContext>(this IServiceCollection services, IConfiguration configuration, Action<FlyPostgresSettings>? configureSettings = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new FlyPostgresSettings();
        configuration.GetSection(FlyPostgres.SectionName).Bind(settings);
        configureSettings?.Invoke(settings);
        var connections = new FlyPostgresConnections(configuration, settings);

        services.AddSingleton(connections);
        services.AddSingleton<FlyProcess>();
        services.AddSingleton<FlyMigrateSteps>();
        services.AddSingleton<FlyDataSources>();
        services.AddSingleton(provider => provider.GetRequiredService<FlyDataSources>().ForThisProcess);
        services.AddKeyedSingleton(FlyPostgres.DirectDataSourceKey, (provider, _) => provider.GetRequiredService<FlyDataSources>().DirectForThisProcess);
        // One breaker for the web process's pooled data source; the worker, migrate and doctor keep failing on their own.
        services.AddSingleton(provider => provider.GetRequiredService<FlyProcess>().Command == FlyCommand.Web && settings.Breaker.Enabled
            ? new DatabaseBreaker(provider.GetRequiredService<NpgsqlDataSource>(), FlyDataSources.PooledName, settings.Breaker, TimeProvider.System, provider.GetRequiredService<ILogger<DatabaseBreaker>>(), connections.SelectOneOnStallCheckConnectionAsync)
            : DatabaseBreaker.Off);
        services.AddSingleton(provider => new BreakerRefusalLoggerFactory(provider.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(provider => new TransientRetry(settings.MaxRetryCount, provider.GetRequiredService<DatabaseBreaker>(), provider.GetRequiredService<ILogger<TransientRetry>>()));
        services.AddSingleton(new FlyContextType(typeof(TContext), (provider, configure) =>
        {
            var options = new DbContextOptionsBuilder<TContext>();
            configure(options);
            return ActivatorUtilities.CreateInstance<TContext>(provider, options.Options);
        }));

        // Pooled where EF Core can pool the context: reused across requests, less allocation per request.
        ContextRegistration.Add<TContext>(services, (provider, options) => UseWebDataSource(provider, options, settings.MaxRetryCount));
        services.AddExceptionHandler<DatabaseUnavailableHandler>();
        services.AddHostedService<PooledConnectionWarmUp>();
        services.AddSingleton(new PoolInBudget("pool", BudgetScope.PerWebMachine, "FlyMpg__Pooled__MaxPoolSize", c => c.Pooled()));
        services.AddSingleton(new PoolInBudget("migrate", BudgetScope.Once, "FlyMpg__Migrate__MaxPoolSize", c => c.Migrate()));
        services.AddSingleton(new PoolInBudget("pool", BudgetScope.PerWorkerMachine, "FlyMpg__Worker__MaxPoolSize", c => c.Worker()));
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            "database", provider => new DatabaseReadinessCheck(provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<DatabaseBreaker>()), HealthStatus.Unhealthy, [ReadyTag], DatabaseReadinessCheck.Timeout));
        return services;
    }

    /// <summary>
    /// Registers one more context type on the pooled data source of <c>AddFlyPostgres</c> (call that first, with the
    /// service's main context): pooled contexts, the same retries, and its migrations applied by <c>migrate</c> after the
    /// main context's, on the same direct connection. For a service with a second context over the same database.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddFlyPostgres</c> was not called first.</exception>
    public static IServiceCollection AddFlyDbContext<TContext>(this IServiceCollection services)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(s => s.ServiceType == typeof(FlyPostgresConnections)))
        {
            throw new InvalidOperationException($"AddFlyDbContext<{typeof(TContext).Name}>() needs AddFlyPostgres<TContext>() first: it registers the connections this context shares.");
        }

        ContextRegistration.Add<TContext>(services, (provider, options) =>
            UseWebDataSource(provider, options, provider.GetRequiredService<FlyPostgresConnections>().Settings.MaxRetryCount));
        services.AddSingleton<IFlyMigrateStep>(provider => new Commands.ContextMigrateStep<TContext>(provider));
        return services;
    }

    /// <inheritdoc cref="AddFlyDbContext{TContext}(IServiceCollection)"/>
    public static IHostApplicationBuilder AddFlyDbContext<TContext>(this IHostApplicationBuilder builder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddFlyDbContext<TContext>();
        return builder;
    }

    /// <summary>
    /// Maps <c>/healthz</c>, liveness for Fly's health check (no database: a database outage must not take every
    /// Machine out of routing), and <c>/readyz</c>, one round trip through the pooled connection, not retried
    /// (503 when it fails or takes longer than a few seconds).
    /// </summary>
    public static IEndpointRouteBuilder MapFlyHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        endpoints.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        return endpoints;
    }

    private const string ReadyTag = "ready";

    // A context of the web process: the pooled data source, retries through its breaker, and the breaker's refusals
    // left out of EF Core's error log (the breaker logs an outage once).
    private static void UseWebDataSource(IServiceProvider provider, DbContextOptionsBuilder options, int maxRetryCount)
    {
        var breaker = provider.GetRequiredService<DatabaseBreaker>();
        options.UseNpgsql(
            provider.GetRequiredService<NpgsqlDataSource>(),
            npgsql => npgsql.ExecutionStrategy(dependencies => new FlyExecutionStrategy(dependencies, maxRetryCount, breaker)));
        if (breaker.Enabled)
        {
            options.UseLoggerFactory(provider.GetRequiredService<BreakerRefusalLoggerFactory>());
        }
    }
}
