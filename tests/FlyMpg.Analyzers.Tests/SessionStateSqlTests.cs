using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.SessionSqlAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG004: LISTEN, SET, DISCARD, PREPARE and temporary tables through PgBouncer in transaction mode.</summary>
public sealed class SessionStateSqlTests
{
    private const string Context = """

        class AppDb(DbContextOptions<AppDb> options) : DbContext(options);
        """;

    private static Task Reported(string sql, string what) => Verifier.DiagnosticsAsync($$"""
        using Microsoft.EntityFrameworkCore;

        class Session(AppDb db)
        {
            void Run() => db.Database.ExecuteSqlRaw({|#0:{{sql}}|});
        }
        """ + Context,
        new DiagnosticResult(FlyMpgDiagnostics.SessionStateSql).WithLocation(0).WithArguments(what, Fix(what)));

    private static Task NotReported(string sql) => Verifier.NoDiagnosticsAsync($$"""
        using Microsoft.EntityFrameworkCore;

        class Session(AppDb db)
        {
            void Run() => db.Database.ExecuteSqlRaw({{sql}});
        }
        """ + Context);

    private static string Fix(string what) => what switch
    {
        "LISTEN" => "LISTEN needs a session: listen on the direct connection",
        "SET" or "SET SESSION" => "use SET LOCAL inside a transaction",
        "DISCARD" => "remove it: PgBouncer resets server connections itself",
        "PREPARE" => "send the statement unprepared",
        _ => "add ON COMMIT DROP and use the table inside one transaction",
    };

    [Fact]
    public Task LISTEN_is_reported() => Reported("\"LISTEN jobs\"", "LISTEN");

    [Fact]
    public Task SET_without_LOCAL_is_reported() => Reported("\"SET statement_timeout = '5s'\"", "SET");

    [Fact]
    public Task SET_SESSION_is_reported() => Reported("\"set session search_path to app\"", "SET SESSION");

    [Fact]
    public Task DISCARD_is_reported() => Reported("\"DISCARD ALL\"", "DISCARD");

    [Fact]
    public Task PREPARE_is_reported() => Reported("\"PREPARE q (int) AS SELECT $1\"", "PREPARE");

    [Fact]
    public Task CREATE_TEMP_TABLE_is_reported() => Reported("\"CREATE TEMP TABLE scratch (id int)\"", "CREATE TEMP TABLE");

    [Fact]
    public Task CREATE_TEMPORARY_TABLE_is_reported() => Reported("\"CREATE TEMPORARY TABLE scratch (id int)\"", "CREATE TEMP TABLE");

    [Fact]
    public Task A_session_statement_after_another_statement_is_reported() => Reported("\"SELECT 1; SET lock_timeout = '1s'\"", "SET");

    [Fact]
    public Task A_session_statement_after_a_comment_is_reported() => Reported("\"/* keep it short */ -- and here\\nSET lock_timeout = '1s'\"", "SET");

    [Fact]
    public Task A_raw_string_literal_is_analyzed() => Reported("\"\"\"\n            LISTEN jobs\n            \"\"\"", "LISTEN");

    [Fact]
    public Task The_constant_parts_of_an_interpolated_string_are_analyzed() => Verifier.DiagnosticsAsync("""
        using Microsoft.EntityFrameworkCore;

        class Session(AppDb db)
        {
            void Run(string channel) => db.Database.ExecuteSqlRaw({|FLYMPG004:$"LISTEN {channel}"|});
        }
        """ + Context);

    [Fact]
    public Task LISTEN_in_an_Npgsql_command_is_reported() => Verifier.DiagnosticsAsync("""
        using Npgsql;

        class Listener(NpgsqlDataSource dataSource)
        {
            void Run() => dataSource.CreateCommand({|FLYMPG004:"LISTEN jobs"|}).ExecuteNonQuery();
        }
        """);

    [Fact]
    public Task SET_LOCAL_is_not_reported() => NotReported("\"SET LOCAL statement_timeout = '5s'\"");

    [Fact]
    public Task SET_TRANSACTION_and_SET_CONSTRAINTS_are_not_reported() => NotReported("\"SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; SET CONSTRAINTS ALL DEFERRED\"");

    [Fact]
    public Task SET_inside_an_UPDATE_is_not_reported() => NotReported("\"UPDATE jobs SET state = 'done' WHERE id = 1\"");

    [Fact]
    public Task A_temp_table_dropped_on_commit_is_not_reported() => NotReported("\"CREATE TEMP TABLE scratch (id int) ON COMMIT DROP\"");

    [Fact]
    public Task PREPARE_TRANSACTION_is_not_reported() => NotReported("\"PREPARE TRANSACTION 'tx1'\"");

    [Fact]
    public Task Session_words_in_SQL_comments_are_not_reported() => NotReported("\"-- LISTEN jobs\\n/* SET x = 1; DISCARD ALL */ SELECT 1\"");

    [Fact]
    public Task Session_words_in_SQL_strings_and_identifiers_are_not_reported() => NotReported("\"SELECT 'LISTEN jobs; SET x = 1', \\\"DISCARD\\\" FROM t\"");

    [Fact]
    public Task Session_words_in_an_unrelated_string_are_not_reported() => Verifier.NoDiagnosticsAsync("""
        using System;

        class Notes
        {
            void Print() => Console.WriteLine("LISTEN jobs; SET x = 1; DISCARD ALL");
        }
        """);

    [Fact]
    public Task LISTEN_on_the_direct_data_source_is_not_reported() => Verifier.NoDiagnosticsAsync("""
        using System;
        using Microsoft.Extensions.DependencyInjection;
        using Npgsql;

        class Listener(IServiceProvider services)
        {
            void Run()
            {
                var direct = services.GetRequiredKeyedService<NpgsqlDataSource>("flympg:direct");
                using var connection = direct.OpenConnection();
                using var command = new NpgsqlCommand("LISTEN jobs", connection);
                command.ExecuteNonQuery();
            }
        }
        """);
}
