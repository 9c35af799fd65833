using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.ConnectionStringAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG007: a connection of its own where the FlyMpg library (AddFlyPostgres) is referenced.</summary>
public sealed class BypassesPooledPolicyTests
{
    private const string Context = """

        class AppDb(DbContextOptions<AppDb> options) : DbContext(options);
        """;

    [Fact]
    public Task UseNpgsql_with_a_connection_string_is_reported_where_FlyMpg_is_referenced() => Verifier.DiagnosticsWithFlyMpgAsync("""
        using Microsoft.EntityFrameworkCore;

        class Setup
        {
            void Configure(DbContextOptionsBuilder options, string connectionString) =>
                {|#0:options.UseNpgsql(connectionString)|};
        }
        """,
        new DiagnosticResult(FlyMpgDiagnostics.BypassesPooledPolicy).WithLocation(0).WithArguments("UseNpgsql"));

    [Fact]
    public Task UseNpgsql_with_a_connection_and_NpgsqlDataSource_Create_are_reported_where_FlyMpg_is_referenced() => Verifier.DiagnosticsWithFlyMpgAsync("""
        using System.Data.Common;
        using Microsoft.EntityFrameworkCore;
        using Npgsql;

        class Setup
        {
            void Configure(DbContextOptionsBuilder<AppDb> options, DbConnection connection)
            {
                {|FLYMPG007:options.UseNpgsql(connection)|};
                using var dataSource = {|FLYMPG007:NpgsqlDataSource.Create("Host=db")|};
            }
        }
        """ + Context);

    [Fact]
    public Task UseNpgsql_with_a_connection_string_is_not_reported_without_FlyMpg() => Verifier.NoDiagnosticsAsync("""
        using Microsoft.EntityFrameworkCore;

        class Setup
        {
            void Configure(DbContextOptionsBuilder options, string connectionString) => options.UseNpgsql(connectionString);
        }
        """);

    [Fact]
    public Task UseNpgsql_with_a_data_source_or_no_argument_is_not_reported() => Verifier.DiagnosticsWithFlyMpgAsync("""
        using Microsoft.EntityFrameworkCore;
        using Npgsql;

        class Setup
        {
            void Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource)
            {
                options.UseNpgsql(dataSource);
                options.UseNpgsql();
            }
        }
        """);

    [Fact]
    public Task A_design_time_factory_is_not_reported() => Verifier.DiagnosticsWithFlyMpgAsync("""
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Design;

        class AppDbFactory : IDesignTimeDbContextFactory<AppDb>
        {
            public AppDb CreateDbContext(string[] args) =>
                new(new DbContextOptionsBuilder<AppDb>().UseNpgsql("Host=localhost").Options);
        }
        """ + Context);

    [Fact]
    public Task A_fallback_in_OnConfiguring_under_IsConfigured_is_not_reported() => Verifier.DiagnosticsWithFlyMpgAsync("""
        using Microsoft.EntityFrameworkCore;

        public class TodoContext(DbContextOptions<TodoContext> options) : DbContext(options)
        {
            protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
            {
                if (!optionsBuilder.IsConfigured)
                {
                    optionsBuilder.UseNpgsql("Host=localhost");
                }
            }
        }
        """);
}
