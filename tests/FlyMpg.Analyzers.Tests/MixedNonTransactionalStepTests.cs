using FlyMpg.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.MigrationSafetyAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>
/// FLYMPG033: a step outside the migration's transaction beside other operations. EF commits what ran before it and
/// records the migration only at the end, so a failure leaves it half-applied and the next migrate fails on what exists.
/// </summary>
public sealed class MixedNonTransactionalStepTests
{
    [Fact]
    public Task An_index_built_concurrently_beside_a_new_column_is_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.AddColumn<int>(name: "priority", table: "todos", type: "integer", nullable: false, defaultValue: 0);
            {|#0:migrationBuilder.CreateIndex(name: "IX_todos_priority", table: "todos", column: "priority")|}
                .Annotation("Npgsql:CreatedConcurrently", true);
            """),
        DiagnosticResult.CompilerWarning("FLYMPG033").WithLocation(0).WithArguments("migrationBuilder.CreateIndex", 1));

    [Fact]
    public Task Two_suppressed_steps_in_one_migration_are_each_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            {|#0:migrationBuilder.Sql("CREATE INDEX CONCURRENTLY a ON todos (done)", suppressTransaction: true)|};
            {|#1:migrationBuilder.Sql("CREATE INDEX CONCURRENTLY b ON todos (title)", suppressTransaction: true)|};
            """),
        DiagnosticResult.CompilerWarning("FLYMPG033").WithLocation(0).WithArguments("migrationBuilder.Sql", 1),
        DiagnosticResult.CompilerWarning("FLYMPG033").WithLocation(1).WithArguments("migrationBuilder.Sql", 1));

    [Fact]
    public Task A_step_outside_the_transaction_alone_in_its_migration_is_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.CreateIndex(name: "IX_todos_priority", table: "todos", column: "priority")
                .Annotation("Npgsql:CreatedConcurrently", true);
            """));
}
