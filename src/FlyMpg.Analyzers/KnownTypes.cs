using System.Linq;
using Microsoft.CodeAnalysis;

namespace FlyMpg.Analyzers;

/// <summary>The types the analyzers recognise, resolved once per compilation. A null member: that library is not referenced.</summary>
internal sealed class KnownTypes
{
    private KnownTypes(Compilation compilation)
    {
        NpgsqlCommand = compilation.GetTypeByMetadataName("Npgsql.NpgsqlCommand");
        NpgsqlBatch = compilation.GetTypeByMetadataName("Npgsql.NpgsqlBatch");
        NpgsqlBatchCommand = compilation.GetTypeByMetadataName("Npgsql.NpgsqlBatchCommand");
        NpgsqlConnection = compilation.GetTypeByMetadataName("Npgsql.NpgsqlConnection");
        NpgsqlDataSource = compilation.GetTypeByMetadataName("Npgsql.NpgsqlDataSource");
        NpgsqlDataSourceBuilder = compilation.GetTypeByMetadataName("Npgsql.NpgsqlDataSourceBuilder");
        NpgsqlSlimDataSourceBuilder = compilation.GetTypeByMetadataName("Npgsql.NpgsqlSlimDataSourceBuilder");
        NpgsqlConnectionStringBuilder = compilation.GetTypeByMetadataName("Npgsql.NpgsqlConnectionStringBuilder");
        NpgsqlDbContextOptionsBuilderExtensions = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.NpgsqlDbContextOptionsBuilderExtensions");
        DatabaseFacade = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade");
        DbContext = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbContext");
        EntityFrameworkQueryableExtensions = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions");
        DapperSqlMapper = compilation.GetTypeByMetadataName("Dapper.SqlMapper");
        ServiceCollectionServiceExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions");
        ServiceCollectionHostedServiceExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.ServiceCollectionHostedServiceExtensions");
        RelationalDatabaseFacadeExtensions = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions");
        RelationalQueryableExtensions = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.RelationalQueryableExtensions");
        DesignTimeDbContextFactory = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.Design.IDesignTimeDbContextFactory`1");
        FromKeyedServicesAttribute = compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.FromKeyedServicesAttribute");
        PostgreSqlStorageOptions = compilation.GetTypeByMetadataName("Hangfire.PostgreSql.PostgreSqlStorageOptions");
        FlyPostgresExtensions = compilation.GetTypeByMetadataName("FlyMpg.FlyPostgresExtensions");
        FlyCommandLine = compilation.GetTypeByMetadataName("FlyMpg.FlyCommandLine");
        FormattableString = compilation.GetTypeByMetadataName("System.FormattableString");
        EntityFrameworkServiceCollectionExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.DependencyInjection.EntityFrameworkServiceCollectionExtensions");
        HostApplicationBuilder = compilation.GetTypeByMetadataName("Microsoft.Extensions.Hosting.IHostApplicationBuilder");
        Configuration = compilation.GetTypeByMetadataName("Microsoft.Extensions.Configuration.IConfiguration");
        ConfigurationSection = compilation.GetTypeByMetadataName("Microsoft.Extensions.Configuration.IConfigurationSection");
        WebApplication = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Builder.WebApplication");
        Host = compilation.GetTypeByMetadataName("Microsoft.Extensions.Hosting.IHost");
        WebHost = compilation.GetTypeByMetadataName("Microsoft.AspNetCore.Hosting.IWebHost");
        HangfireServiceCollectionExtensions = compilation.GetTypeByMetadataName("Hangfire.HangfireServiceCollectionExtensions");
        FlyHangfireExtensions = compilation.GetTypeByMetadataName("FlyMpg.Hangfire.FlyHangfireExtensions");
        AspireEntityFrameworkExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.Hosting.AspireEFPostgreSqlExtensions");
        AspireNpgsqlExtensions = compilation.GetTypeByMetadataName("Microsoft.Extensions.Hosting.AspirePostgreSqlNpgsqlExtensions");
        Migration = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.Migrations.Migration");
        MigrationBuilder = compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.Migrations.MigrationBuilder");
        ContractStepAttribute = compilation.GetTypeByMetadataName("FlyMpg.ContractStepAttribute");
    }

    public INamedTypeSymbol? NpgsqlCommand { get; }
    public INamedTypeSymbol? NpgsqlBatch { get; }
    public INamedTypeSymbol? NpgsqlBatchCommand { get; }
    public INamedTypeSymbol? NpgsqlConnection { get; }
    public INamedTypeSymbol? NpgsqlDataSource { get; }
    public INamedTypeSymbol? NpgsqlDataSourceBuilder { get; }
    public INamedTypeSymbol? NpgsqlSlimDataSourceBuilder { get; }
    public INamedTypeSymbol? NpgsqlConnectionStringBuilder { get; }
    public INamedTypeSymbol? NpgsqlDbContextOptionsBuilderExtensions { get; }
    public INamedTypeSymbol? DatabaseFacade { get; }
    public INamedTypeSymbol? DbContext { get; }
    public INamedTypeSymbol? EntityFrameworkQueryableExtensions { get; }
    public INamedTypeSymbol? DapperSqlMapper { get; }
    public INamedTypeSymbol? ServiceCollectionHostedServiceExtensions { get; }
    public INamedTypeSymbol? ServiceCollectionServiceExtensions { get; }
    public INamedTypeSymbol? RelationalDatabaseFacadeExtensions { get; }
    public INamedTypeSymbol? RelationalQueryableExtensions { get; }
    public INamedTypeSymbol? DesignTimeDbContextFactory { get; }
    public INamedTypeSymbol? FromKeyedServicesAttribute { get; }
    public INamedTypeSymbol? PostgreSqlStorageOptions { get; }
    public INamedTypeSymbol? FlyPostgresExtensions { get; }
    public INamedTypeSymbol? FlyCommandLine { get; }
    public INamedTypeSymbol? FormattableString { get; }
    public INamedTypeSymbol? EntityFrameworkServiceCollectionExtensions { get; }
    public INamedTypeSymbol? HostApplicationBuilder { get; }
    public INamedTypeSymbol? Configuration { get; }
    public INamedTypeSymbol? ConfigurationSection { get; }
    public INamedTypeSymbol? WebApplication { get; }
    public INamedTypeSymbol? Host { get; }
    public INamedTypeSymbol? WebHost { get; }
    public INamedTypeSymbol? HangfireServiceCollectionExtensions { get; }
    public INamedTypeSymbol? FlyHangfireExtensions { get; }
    public INamedTypeSymbol? AspireEntityFrameworkExtensions { get; }
    public INamedTypeSymbol? AspireNpgsqlExtensions { get; }
    public INamedTypeSymbol? Migration { get; }
    public INamedTypeSymbol? MigrationBuilder { get; }
    public INamedTypeSymbol? ContractStepAttribute { get; }

    /// <summary>True when the compilation references the FlyMpg library (its AddFlyPostgres entry point is visible).</summary>
    public bool ReferencesFlyMpg => FlyPostgresExtensions is not null;

    public static KnownTypes Create(Compilation compilation) => new(compilation);

    /// <summary>The type is <paramref name="known"/>, derives from it or implements it.</summary>
    public static bool IsOrImplements(ITypeSymbol? type, INamedTypeSymbol? known) =>
        type is not null && known is not null
        && (Is(type, known) || type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, known)));

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? known)
    {
        if (type is null || known is null)
        {
            return false;
        }

        for (var current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current.OriginalDefinition, known))
            {
                return true;
            }
        }

        return false;
    }
}
