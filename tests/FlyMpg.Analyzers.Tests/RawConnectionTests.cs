using FlyMpg.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.RawConnectionAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG014: Npgsql connections made from a connection string, on a pool of their own, where FlyMpg is referenced.</summary>
public sealed class RawConnectionTests
{
    [Fact]
    public Task A_connection_made_per_call_is_reported_with_the_data_source_to_inject() => Verifier.DiagnosticsWithFlyMpgAsync("""
        using System.Threading.Tasks;
        using Microsoft.Extensions.Configuration;
        using Npgsql;

        public class OrderReader(IConfiguration configuration)
        {
            public async Task<long> CountAsync()
            {
                await using var connection = {|#0:new NpgsqlConnection(configuration.GetConnectionString("Default"))|};
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT count(*) FROM orders", connection);
                return (long)(await command.ExecuteScalarAsync())!;
            }
        }
        """,
        new DiagnosticResult(FlyMpgDiagnostics.RawConnection).WithLocation(0).WithArguments(
            "inject the NpgsqlDataSource AddFlyPostgres registers and open connections from it (await dataSource.OpenConnectionAsync())"));

    [Fact]
    public Task Without_FlyMpg_a_URL_the_data_source_or_a_design_time_factory_nothing_is_reported() => Verifier.DiagnosticsAsync("""
        using Npgsql;

        public static class Connections
        {
            public static NpgsqlConnection Plain(string connectionString) => new NpgsqlConnection(connectionString);

            public static NpgsqlConnection FromTheDataSource(NpgsqlDataSource dataSource) => dataSource.CreateConnection();
        }
        """);

    [Fact]
    public Task The_data_source_and_a_connection_without_a_string_are_not_reported() => Verifier.DiagnosticsWithFlyMpgAsync("""
        using Npgsql;

        public static class Connections
        {
            public static NpgsqlConnection FromTheDataSource(NpgsqlDataSource dataSource) => dataSource.CreateConnection();

            public static NpgsqlConnection Empty() => new NpgsqlConnection();
        }
        """);

    [Fact]
    public Task The_fix_takes_a_registered_connection_from_the_data_source_and_drops_the_unread_connection_string() => Verifier.FixWithFlyMpgAsync<RawConnectionCodeFixProvider>("""
        using System.Data;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using Npgsql;

        var builder = WebApplication.CreateBuilder(args);
        var connectionString = builder.Configuration.GetConnectionString("Default");
        builder.Services.AddScoped<IDbConnection>(_ => {|FLYMPG014:new NpgsqlConnection(connectionString)|});
        builder.Services.AddTransient(provider => {|FLYMPG014:new NpgsqlConnection(connectionString)|});
        """, """
        using System.Data;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using Npgsql;

        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddScoped<IDbConnection>(provider => provider.GetRequiredService<NpgsqlDataSource>().CreateConnection());
        builder.Services.AddTransient(provider => provider.GetRequiredService<NpgsqlDataSource>().CreateConnection());
        """, topLevel: true);

    [Fact]
    public Task A_singleton_connection_gets_no_fix() => Verifier.FixWithFlyMpgAsync<RawConnectionCodeFixProvider>("""
        using System.Data;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using Npgsql;

        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSingleton<IDbConnection>(_ => {|FLYMPG014:new NpgsqlConnection(builder.Configuration.GetConnectionString("Default"))|});
        """, """
        using System.Data;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using Npgsql;

        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSingleton<IDbConnection>(_ => {|FLYMPG014:new NpgsqlConnection(builder.Configuration.GetConnectionString("Default"))|});
        """, topLevel: true);
}
