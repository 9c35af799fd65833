using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Orders.Database;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the model without any environment variable set.
/// <c>dotnet ef database update</c> uses DIRECT_DATABASE_URL when it is set; prefer <c>dotnet run -- migrate</c>.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var connectionString = configuration[PostgresConnections.DirectVariable] is null
            ? "Host=localhost;Database=design_time_only"
            : PostgresConnections.Direct(configuration, "ef-tools").ConnectionString;
        return new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseNpgsql(connectionString).Options);
    }
}
