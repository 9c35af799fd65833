using FlyMpg.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.ConnectionStringAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG002: Npgsql's automatic preparation through PgBouncer in transaction mode.</summary>
public sealed class MaxAutoPrepareTests
{
    private const string Context = """

        class AppDb(DbContextOptions<AppDb> options) : DbContext(options);
        """;

    [Fact]
    public Task Max_Auto_Prepare_above_zero_in_UseNpgsql_is_reported() => Verifier.DiagnosticsAsync("""
        using Microsoft.EntityFrameworkCore;

        class Setup
        {
            void Configure(DbContextOptionsBuilder options) =>
                options.UseNpgsql({|#0:"Host=db;Username=app;Max Auto Prepare=20"|});
        }
        """,
        new DiagnosticResult(FlyMpgDiagnostics.MaxAutoPrepare).WithLocation(0).WithArguments(20));

    [Fact]
    public Task Max_Auto_Prepare_in_every_Npgsql_entry_point_is_reported() => Verifier.DiagnosticsAsync("""
        using Npgsql;

        class Setup
        {
            void Configure()
            {
                using var dataSource = NpgsqlDataSource.Create({|FLYMPG002:"Host=db;MaxAutoPrepare=5"|});
                using var connection = new NpgsqlConnection({|FLYMPG002:"Host=db;max auto prepare = 5"|});
                var builder = new NpgsqlConnectionStringBuilder({|FLYMPG002:"Host=db;Max Auto Prepare='5'"|});
                var dataSourceBuilder = new NpgsqlDataSourceBuilder({|FLYMPG002:"Max Auto Prepare=5;Host=db"|});
                connection.ConnectionString = {|FLYMPG002:"Host=db;Max Auto Prepare=5"|};
            }
        }
        """);

    [Fact]
    public Task MaxAutoPrepare_set_on_the_builder_is_reported() => Verifier.DiagnosticsAsync("""
        using Npgsql;

        class Setup
        {
            void Configure(NpgsqlDataSourceBuilder dataSourceBuilder)
            {
                var builder = new NpgsqlConnectionStringBuilder { Host = "db", {|FLYMPG002:MaxAutoPrepare = 10|} };
                {|FLYMPG002:dataSourceBuilder.ConnectionStringBuilder.MaxAutoPrepare = 3|};
            }
        }
        """);

    [Fact]
    public Task Max_Auto_Prepare_zero_is_not_reported() => Verifier.NoDiagnosticsAsync("""
        using Npgsql;

        class Setup
        {
            void Configure()
            {
                using var dataSource = NpgsqlDataSource.Create("Host=db;Max Auto Prepare=0");
                var builder = new NpgsqlConnectionStringBuilder { MaxAutoPrepare = 0 };
            }
        }
        """);

    [Fact]
    public Task Max_Auto_Prepare_in_an_unrelated_string_or_comment_is_not_reported() => Verifier.NoDiagnosticsAsync("""
        using System;

        class Notes
        {
            // options.UseNpgsql("Host=db;Max Auto Prepare=20")
            void Print() => Console.WriteLine("Host=db;Max Auto Prepare=20");
        }
        """);

    [Fact]
    public Task The_fix_removes_Max_Auto_Prepare_from_the_literal() => Verifier.FixAsync<ConnectionStringKeywordCodeFixProvider>("""
        using Microsoft.EntityFrameworkCore;
        using Npgsql;

        class Setup
        {
            void Configure(DbContextOptionsBuilder options)
            {
                options.UseNpgsql({|FLYMPG002:"Host=db;Max Auto Prepare=20;Username=app"|});
                using var dataSource = NpgsqlDataSource.Create({|FLYMPG002:@"Host=db;Max Auto Prepare=20"|});
            }
        }
        """, """
        using Microsoft.EntityFrameworkCore;
        using Npgsql;

        class Setup
        {
            void Configure(DbContextOptionsBuilder options)
            {
                options.UseNpgsql("Host=db;Username=app");
                using var dataSource = NpgsqlDataSource.Create(@"Host=db");
            }
        }
        """);
}
