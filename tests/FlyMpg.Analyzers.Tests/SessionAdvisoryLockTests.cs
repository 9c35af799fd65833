using FlyMpg.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.SessionSqlAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG003: session-level advisory locks through PgBouncer in transaction mode.</summary>
public sealed class SessionAdvisoryLockTests
{
    private const string Context = """

        class AppDb(DbContextOptions<AppDb> options) : DbContext(options)
        {
            public DbSet<Job> Jobs => Set<Job>();
        }

        class Job
        {
            public int Id { get; set; }
        }
        """;

    [Fact]
    public Task Advisory_lock_in_ExecuteSqlRaw_is_reported() => Verifier.DiagnosticsAsync("""
        using Microsoft.EntityFrameworkCore;

        class Jobs(AppDb db)
        {
            void Run() => db.Database.ExecuteSqlRaw({|FLYMPG003:"SELECT pg_advisory_lock(42)"|});
        }
        """ + Context);

    [Fact]
    public Task Try_advisory_lock_in_an_interpolated_ExecuteSql_is_reported() => Verifier.DiagnosticsAsync("""
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        class Jobs(AppDb db)
        {
            Task Run(long key) => db.Database.ExecuteSqlAsync({|FLYMPG003:$"SELECT pg_try_advisory_lock({key})"|});
        }
        """ + Context);

    [Fact]
    public Task Advisory_lock_in_FromSql_and_SqlQuery_is_reported() => Verifier.DiagnosticsAsync("""
        using System.Linq;
        using Microsoft.EntityFrameworkCore;

        class Jobs(AppDb db)
        {
            void Run()
            {
                _ = db.Jobs.FromSqlRaw({|FLYMPG003:"SELECT * FROM jobs WHERE pg_try_advisory_lock(id)"|}).ToList();
                _ = db.Database.SqlQuery<bool>({|FLYMPG003:$"SELECT pg_advisory_lock_shared(1) AS \"Value\""|}).ToList();
            }
        }
        """ + Context);

    [Fact]
    public Task Advisory_lock_in_an_Npgsql_command_is_reported() => Verifier.DiagnosticsAsync("""
        using Npgsql;

        class Jobs(NpgsqlDataSource dataSource)
        {
            void Run(NpgsqlConnection connection)
            {
                using var a = new NpgsqlCommand({|FLYMPG003:"SELECT pg_advisory_lock(1)"|}, connection);
                using var b = dataSource.CreateCommand({|FLYMPG003:\"\"\"
                    SELECT pg_advisory_lock(2)
                    \"\"\"|});
                using var c = new NpgsqlCommand { CommandText = {|FLYMPG003:"SELECT pg_advisory_lock(3)"|} };
                c.CommandText = {|FLYMPG003:"SELECT " + "pg_advisory_lock(4)"|};
            }
        }
        """.Replace("\\\"", "\""));

    [Fact]
    public Task The_message_names_the_transaction_scoped_function() => Verifier.DiagnosticsAsync("""
        using Npgsql;

        class Jobs(NpgsqlDataSource dataSource)
        {
            void Run() => dataSource.CreateCommand({|#0:"SELECT pg_try_advisory_lock(1)"|}).ExecuteNonQuery();
        }
        """,
        DiagnosticResult.CompilerWarning("FLYMPG003").WithLocation(0).WithArguments("pg_try_advisory_lock", "pg_try_advisory_xact_lock"));

    [Fact]
    public Task Advisory_xact_lock_is_not_reported() => Verifier.NoDiagnosticsAsync("""
        using Microsoft.EntityFrameworkCore;

        class Jobs(AppDb db)
        {
            void Run()
            {
                db.Database.ExecuteSqlRaw("SELECT pg_advisory_xact_lock(42)");
                db.Database.ExecuteSqlRaw("SELECT pg_try_advisory_xact_lock(42)");
            }
        }
        """ + Context);

    [Fact]
    public Task Advisory_lock_in_a_SQL_comment_or_a_SQL_string_is_not_reported() => Verifier.NoDiagnosticsAsync("""
        using Microsoft.EntityFrameworkCore;

        class Jobs(AppDb db)
        {
            void Run()
            {
                db.Database.ExecuteSqlRaw("-- was: SELECT pg_advisory_lock(42)\nSELECT 1");
                db.Database.ExecuteSqlRaw("/* pg_advisory_lock(42) /* nested */ */ SELECT 1");
                db.Database.ExecuteSqlRaw("INSERT INTO notes (text) VALUES ('call pg_advisory_lock(1) later')");
                db.Database.ExecuteSqlRaw("SELECT $body$ pg_advisory_lock(1) $body$");
            }
        }
        """ + Context);

    [Fact]
    public Task Advisory_lock_in_an_unrelated_string_is_not_reported() => Verifier.NoDiagnosticsAsync("""
        using System;

        class Notes
        {
            // SELECT pg_advisory_lock(1)
            void Print() => Console.WriteLine("SELECT pg_advisory_lock(1)");
        }
        """);

    [Fact]
    public Task Advisory_lock_on_the_direct_data_source_is_not_reported() => Verifier.NoDiagnosticsAsync("""
        using Microsoft.Extensions.DependencyInjection;
        using Npgsql;

        class Jobs([FromKeyedServices("flympg:direct")] NpgsqlDataSource direct)
        {
            void Run()
            {
                using var connection = direct.OpenConnection();
                using var command = new NpgsqlCommand("SELECT pg_advisory_lock(1)", connection);
                using var other = direct.CreateCommand("SELECT pg_advisory_lock(2)");
                using var third = connection.CreateCommand();
                third.CommandText = "SELECT pg_advisory_lock(3)";
            }
        }
        """);

    [Fact]
    public Task The_fix_uses_the_transaction_scoped_lock() => Verifier.FixAsync<AdvisoryLockCodeFixProvider>("""
        using Microsoft.EntityFrameworkCore;

        class Jobs(AppDb db)
        {
            void Run(long key)
            {
                db.Database.ExecuteSqlRaw({|FLYMPG003:"SELECT pg_advisory_lock(42)"|});
                db.Database.ExecuteSql({|FLYMPG003:$"SELECT pg_try_advisory_lock({key})"|});
            }
        }
        """ + Context, """
        using Microsoft.EntityFrameworkCore;

        class Jobs(AppDb db)
        {
            void Run(long key)
            {
                db.Database.ExecuteSqlRaw("SELECT pg_advisory_xact_lock(42)");
                db.Database.ExecuteSql($"SELECT pg_try_advisory_xact_lock({key})");
            }
        }
        """ + Context);
}
