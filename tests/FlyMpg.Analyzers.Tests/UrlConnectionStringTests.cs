using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.ConnectionStringAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG008: a postgres:// URL given to Npgsql, which only reads keyword=value connection strings.</summary>
public sealed class UrlConnectionStringTests
{
    [Fact]
    public Task A_postgres_URL_in_UseNpgsql_is_an_error() => Verifier.DiagnosticsAsync("""
        using Microsoft.EntityFrameworkCore;

        class Setup
        {
            void Configure(DbContextOptionsBuilder options) =>
                options.UseNpgsql({|#0:"postgres://app:secret@db.internal:5432/app"|});
        }
        """,
        DiagnosticResult.CompilerError(FlyMpgDiagnostics.UrlConnectionStringId).WithLocation(0).WithArguments("UseNpgsql"));

    [Fact]
    public Task A_postgresql_URL_in_any_Npgsql_entry_point_is_an_error() => Verifier.DiagnosticsAsync("""
        using Npgsql;

        class Setup
        {
            void Configure()
            {
                using var a = NpgsqlDataSource.Create({|FLYMPG008:"postgresql://fly-user:pw@pgbouncer.abc.flympg.net/fly-db"|});
                using var b = new NpgsqlConnection({|FLYMPG008:" POSTGRESQL://u@h/d"|});
                var c = new NpgsqlConnectionStringBuilder({|FLYMPG008:"postgres://u@h/d"|});
            }
        }
        """);

    [Fact]
    public Task A_URL_given_to_UseNpgsql_where_FlyMpg_is_referenced_is_only_the_URL_error() => Verifier.DiagnosticsWithFlyMpgAsync("""
        using Microsoft.EntityFrameworkCore;

        class Setup
        {
            void Configure(DbContextOptionsBuilder options) =>
                options.UseNpgsql({|FLYMPG008:"postgres://u@h/d"|});
        }
        """);

    [Fact]
    public Task A_keyword_connection_string_or_an_unrelated_URL_is_not_reported() => Verifier.NoDiagnosticsAsync("""
        using System;
        using Npgsql;

        class Setup
        {
            void Configure()
            {
                using var a = NpgsqlDataSource.Create("Host=db;Username=app;Password=postgres://not-a-url");
                var docs = new Uri("postgresql://fly-user@pgbouncer.abc.flympg.net/fly-db");
                Console.WriteLine("postgres://u@h/d");
            }
        }
        """);
}
