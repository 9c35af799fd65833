using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Orders.Database;

public static class DatabaseRegistration
{
    /// <summary>
    /// Registers <see cref="AppDbContext"/> for app traffic over <c>DATABASE_URL</c> (PgBouncer).
    /// Throws <see cref="DatabaseConfigurationException"/> at startup when the URL is missing or malformed.
    /// </summary>
    public static IServiceCollection AddPooledDatabase(this IServiceCollection services, IConfiguration configuration) =>
        services.AddAppDbContext(
            PostgresConnections.Pooled(configuration).ConnectionString,
            configuration.GetValue("Database:Pooled:MaxRetryCount", 3));

    /// <summary>Options for a context over <c>DIRECT_DATABASE_URL</c>, for migrations and session-scoped work.</summary>
    public static DbContextOptions<AppDbContext> DirectOptions(IConfiguration configuration, string role, int commandTimeoutSeconds)
    {
        var connection = PostgresConnections.Direct(configuration, role);
        connection.CommandTimeout = commandTimeoutSeconds;
        return new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(connection.ConnectionString).Options;
    }

    // Contexts are pooled: reused across requests, less allocation per request, same connection pool.
    private static IServiceCollection AddAppDbContext(this IServiceCollection services, string connectionString, int maxRetryCount) =>
        services.AddDbContextPool<AppDbContext>(options => options.UseNpgsql(connectionString, npgsql =>
        {
            // PgBouncer reports its own failures (client_idle_timeout, query_wait_timeout, server conn crashed)
            // as 08P01, which Npgsql does not treat as transient: retry it as well.
            npgsql.EnableRetryOnFailure(maxRetryCount, TimeSpan.FromSeconds(2), [PostgresErrorCodes.ProtocolViolation]);
        }));
}
