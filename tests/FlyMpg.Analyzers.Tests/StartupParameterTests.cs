using FlyMpg.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.ConnectionStringAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG005: startup parameters PgBouncer refuses (Search Path, Options).</summary>
public sealed class StartupParameterTests
{
    [Fact]
    public Task Search_Path_in_a_connection_string_is_reported() => Verifier.DiagnosticsAsync("""
        using Microsoft.EntityFrameworkCore;

        class Setup
        {
            void Configure(DbContextOptionsBuilder options) =>
                options.UseNpgsql({|#0:"Host=db;Search Path=app,public"|});
        }
        """,
        new DiagnosticResult(FlyMpgDiagnostics.StartupParameter).WithLocation(0).WithArguments(
            "Search Path", "remove it and set the schema on the role (ALTER ROLE ... SET search_path) or in the model (HasDefaultSchema)"));

    [Fact]
    public Task SearchPath_and_Options_keywords_are_reported() => Verifier.DiagnosticsAsync("""
        using Npgsql;

        class Setup
        {
            void Configure()
            {
                using var a = NpgsqlDataSource.Create({|FLYMPG005:"Host=db;SearchPath=app"|});
                using var b = new NpgsqlConnection({|FLYMPG005:"Host=db;Options=-c statement_timeout=5s"|});
            }
        }
        """);

    [Fact]
    public Task SearchPath_and_Options_set_on_the_builder_are_reported() => Verifier.DiagnosticsAsync("""
        using Npgsql;

        class Setup
        {
            void Configure(NpgsqlConnectionStringBuilder builder, string schema)
            {
                {|FLYMPG005:builder.SearchPath = schema|};
                {|FLYMPG005:builder.Options = "-c lock_timeout=1s"|};
                _ = new NpgsqlConnectionStringBuilder { {|FLYMPG005:SearchPath = "app"|} };
            }
        }
        """);

    [Fact]
    public Task Clearing_SearchPath_or_an_empty_value_is_not_reported() => Verifier.NoDiagnosticsAsync("""
        using Npgsql;

        class Setup
        {
            void Configure(NpgsqlConnectionStringBuilder builder)
            {
                builder.SearchPath = null;
                builder.Options = "";
                using var a = NpgsqlDataSource.Create("Host=db;Search Path=;Username=app");
            }
        }
        """);

    [Fact]
    public Task Search_Path_in_an_unrelated_string_or_comment_is_not_reported() => Verifier.NoDiagnosticsAsync("""
        using System;

        class Notes
        {
            // NpgsqlDataSource.Create("Host=db;Search Path=app")
            void Print() => Console.WriteLine("Host=db;Search Path=app;Options=-c x=1");
        }
        """);

    [Fact]
    public Task The_fix_removes_Search_Path_from_the_literal() => Verifier.FixAsync<ConnectionStringKeywordCodeFixProvider>("""
        using Npgsql;

        class Setup
        {
            void Configure()
            {
                using var a = NpgsqlDataSource.Create({|FLYMPG005:"Host=db;Search Path=app,public;Username=app"|});
                using var b = NpgsqlDataSource.Create({|FLYMPG005:"Host=db;Search Path='app'"|});
            }
        }
        """, """
        using Npgsql;

        class Setup
        {
            void Configure()
            {
                using var a = NpgsqlDataSource.Create("Host=db;Username=app");
                using var b = NpgsqlDataSource.Create("Host=db");
            }
        }
        """);

    [Fact]
    public Task Options_gets_no_automatic_fix() => Verifier.FixAsync<ConnectionStringKeywordCodeFixProvider>("""
        using Npgsql;

        class Setup
        {
            void Configure()
            {
                using var a = NpgsqlDataSource.Create({|FLYMPG005:"Host=db;Options=-c lock_timeout=1s"|});
            }
        }
        """, """
        using Npgsql;

        class Setup
        {
            void Configure()
            {
                using var a = NpgsqlDataSource.Create({|FLYMPG005:"Host=db;Options=-c lock_timeout=1s"|});
            }
        }
        """);
}
