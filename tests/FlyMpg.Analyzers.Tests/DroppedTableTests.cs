using FlyMpg.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.MigrationSafetyAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG023: a table dropped while the release still serving may use it.</summary>
public sealed class DroppedTableTests
{
    [Fact]
    public Task DropTable_is_reported_with_the_contract_recipe() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""{|#0:migrationBuilder.DropTable(name: "todo_labels", schema: "app")|};"""),
        DiagnosticResult.CompilerWarning("FLYMPG023").WithLocation(0).WithArguments("migrationBuilder.DropTable", "app.todo_labels"));

    [Fact]
    public Task DROP_TABLE_in_migration_SQL_is_reported_for_each_table() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""migrationBuilder.Sql({|#0:"DROP TABLE IF EXISTS todo_labels, \"Audit\""|});"""),
        DiagnosticResult.CompilerWarning("FLYMPG023").WithLocation(0).WithArguments("DROP TABLE", "todo_labels"),
        DiagnosticResult.CompilerWarning("FLYMPG023").WithLocation(0).WithArguments("DROP TABLE", "Audit"));

    [Fact]
    public Task A_migration_marked_as_the_contract_step_for_the_table_is_not_reported() => Verifier.DiagnosticsWithFlyMpgAsync(
        MigrationSource.Up(
            """
            migrationBuilder.DropTable(name: "todo_labels");
            migrationBuilder.Sql("DROP TABLE legacy_todos");
            """,
            attributes: """[FlyMpg.ContractStep("todo_labels", "public.legacy_todos")]"""));

    [Fact]
    public Task Dropping_a_table_created_by_the_same_migration_an_index_or_in_Down_is_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up(
            """
            migrationBuilder.Sql("CREATE TABLE staging (id integer)");
            migrationBuilder.Sql("DROP TABLE staging");
            migrationBuilder.DropIndex(name: "IX_todos_title", table: "todos");
            """,
            down: """migrationBuilder.DropTable(name: "todo_labels");"""));
}
