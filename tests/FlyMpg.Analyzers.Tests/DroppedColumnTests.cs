using FlyMpg.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.MigrationSafetyAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG022: a column dropped while the release still serving may use it; [ContractStep] marks the drop that comes after.</summary>
public sealed class DroppedColumnTests
{
    [Fact]
    public Task DropColumn_is_reported_with_the_contract_recipe() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""{|#0:migrationBuilder.DropColumn(name: "title", table: "todos")|};"""),
        DiagnosticResult.CompilerWarning("FLYMPG022").WithLocation(0).WithArguments("migrationBuilder.DropColumn", "todos.title"));

    [Fact]
    public Task DROP_COLUMN_in_migration_SQL_is_reported_for_each_column() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.Sql({|#0:"ALTER TABLE todos DROP COLUMN IF EXISTS title, DROP notes"|});
            """),
        DiagnosticResult.CompilerWarning("FLYMPG022").WithLocation(0).WithArguments("ALTER TABLE ... DROP COLUMN", "todos.title"),
        DiagnosticResult.CompilerWarning("FLYMPG022").WithLocation(0).WithArguments("ALTER TABLE ... DROP COLUMN", "todos.notes"));

    [Fact]
    public Task A_migration_marked_as_the_contract_step_for_the_column_is_not_reported() => Verifier.DiagnosticsWithFlyMpgAsync(
        MigrationSource.Up(
            """
            migrationBuilder.DropColumn(name: "title", table: "todos");
            migrationBuilder.Sql("ALTER TABLE app.orders DROP COLUMN note");
            """,
            attributes: """[FlyMpg.ContractStep("todos.title", "app.orders.note")]"""));

    [Fact]
    public Task A_contract_step_that_names_another_column_leaves_this_drop_reported() => Verifier.DiagnosticsWithFlyMpgAsync(
        MigrationSource.Up(
            """{|FLYMPG022:migrationBuilder.DropColumn(name: "done", table: "todos")|};""",
            attributes: """[FlyMpg.ContractStep("todos.title")]"""));

    [Fact]
    public Task Dropping_a_constraint_a_default_or_a_column_in_Down_is_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up(
            """
            migrationBuilder.Sql("ALTER TABLE todos DROP CONSTRAINT todos_title_check");
            migrationBuilder.Sql("ALTER TABLE todos ALTER COLUMN title DROP DEFAULT, ALTER COLUMN done DROP NOT NULL");
            """,
            down: """migrationBuilder.DropColumn(name: "priority", table: "todos");"""));
}
