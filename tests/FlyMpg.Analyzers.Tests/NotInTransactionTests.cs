using FlyMpg.Analyzers.CodeFixes;
using FlyMpg.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.MigrationSafetyAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG032 (an error: certain to fail at migrate): a statement Postgres refuses inside a transaction block, given to Sql(...) in one.</summary>
public sealed class NotInTransactionTests
{
    [Fact]
    public Task CREATE_INDEX_CONCURRENTLY_inside_the_migration_transaction_is_an_error() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""migrationBuilder.Sql({|#0:"CREATE INDEX CONCURRENTLY todos_done ON todos (done)"|});"""),
        DiagnosticResult.CompilerError("FLYMPG032").WithLocation(0).WithArguments(
            "CREATE INDEX CONCURRENTLY", "and EF Core runs migrationBuilder.Sql(...) inside the migration's transaction unless told otherwise"));

    [Fact]
    public Task Other_statements_that_refuse_a_transaction_are_errors_too() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.Sql({|FLYMPG032:"DROP INDEX CONCURRENTLY todos_done"|});
            migrationBuilder.Sql({|FLYMPG032:"REINDEX INDEX CONCURRENTLY todos_done"|});
            migrationBuilder.Sql({|FLYMPG032:"VACUUM ANALYZE todos"|});
            """));

    [Fact]
    public Task Two_statements_in_one_suppressed_Sql_call_run_as_one_implicit_transaction() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""migrationBuilder.Sql({|#0:"CREATE INDEX CONCURRENTLY a ON todos (done); CREATE INDEX CONCURRENTLY b ON todos (title)"|}, suppressTransaction: true);"""),
        DiagnosticResult.CompilerError("FLYMPG032").WithLocation(0).WithArguments(
            "CREATE INDEX CONCURRENTLY", "and the other statements of the same Sql(...) call run with it as one implicit transaction"),
        DiagnosticResult.CompilerError("FLYMPG032").WithLocation(0).WithArguments(
            "CREATE INDEX CONCURRENTLY", "and the other statements of the same Sql(...) call run with it as one implicit transaction"));

    [Fact]
    public Task The_code_fix_runs_it_outside_the_migration_transaction() => Verifier.FixAsync<SuppressTransactionCodeFixProvider>(
        MigrationSource.Up("""migrationBuilder.Sql({|FLYMPG032:"CREATE INDEX CONCURRENTLY IF NOT EXISTS todos_done ON todos (done)"|});"""),
        MigrationSource.Up("""migrationBuilder.Sql("CREATE INDEX CONCURRENTLY IF NOT EXISTS todos_done ON todos (done)", suppressTransaction: true);"""));

    [Fact]
    public Task One_statement_with_suppressTransaction_is_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up("""migrationBuilder.Sql("CREATE UNIQUE INDEX CONCURRENTLY todos_title ON todos (title)", suppressTransaction: true);"""));
}
