using Microsoft.EntityFrameworkCore;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace orders_api.Database;

public static class DatabaseRegistration
{
    /// <summary>
    /// Registers the pooled <see cref="NpgsqlDataSource"/> over <c>DATABASE_URL</c> (PgBouncer) and <see cref="AppDbContext"/>
    /// on it, so EF Core and raw Npgsql reads share one pool of at most <c>Maximum Pool Size</c> PgBouncer clients.
    /// Throws <see cref="DatabaseConfigurationException"/> at startup when the URL is missing or malformed.
    /// </summary>
    public static IServiceCollection AddPooledDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var connection = PostgresConnections.Pooled(configuration);
        var maxRetryCount = configuration.GetValue("Database:Pooled:MaxRetryCount", 3);
        services.AddSingleton(_ => NpgsqlDataSource.Create(connection));
        services.AddSingleton(provider => new TransientRetry(maxRetryCount, provider.GetRequiredService<ILogger<TransientRetry>>()));
        // Contexts are pooled: reused across requests, less allocation per request.
        return services.AddDbContextPool<AppDbContext>((provider, options) =>
            options.UseNpgsql(provider.GetRequiredService<NpgsqlDataSource>(), npgsql => npgsql.RetryTransientFailures(maxRetryCount)));
    }

    /// <summary>Options for a context over <c>DIRECT_DATABASE_URL</c>, for migrations and session-scoped work.</summary>
    public static DbContextOptions<AppDbContext> DirectOptions(IConfiguration configuration, string role, int commandTimeoutSeconds)
    {
        var connection = PostgresConnections.Direct(configuration, role);
        connection.CommandTimeout = commandTimeoutSeconds;
        return new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(connection.ConnectionString).Options;
    }

    private static void RetryTransientFailures(this NpgsqlDbContextOptionsBuilder npgsql, int maxRetryCount) =>
        npgsql.EnableRetryOnFailure(maxRetryCount, TransientRetry.MaxDelay, TransientRetry.PgBouncerErrorCodes);
}
