using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Configuration;

namespace FlyMpg;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the model with no variable set; <c>dotnet ef database update</c> uses
/// DIRECT_DATABASE_URL when it is set (prefer <c>dotnet run -- migrate</c>). Derive one class from it in the service:
/// <c>public sealed class DesignTimeFactory : FlyDesignTimeDbContextFactory&lt;AppDbContext&gt;;</c>
/// </summary>
/// <typeparam name="TContext">The service's context; its constructor takes <c>DbContextOptions&lt;TContext&gt;</c>.</typeparam>
public abstract class FlyDesignTimeDbContextFactory<TContext> : IDesignTimeDbContextFactory<TContext>
    where TContext : DbContext
{
    /// <inheritdoc />
    public TContext CreateDbContext(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var connectionString = configuration[FlyPostgres.DirectVariable] is null
            ? "Host=localhost;Database=design_time_only"
            : new FlyPostgresConnections(configuration, new FlyPostgresSettings()).Direct("ef-tools").ConnectionString;
        var options = new DbContextOptionsBuilder<TContext>().UseNpgsql(connectionString).Options;
        return (TContext)Activator.CreateInstance(typeof(TContext), options)!;
    }
}
