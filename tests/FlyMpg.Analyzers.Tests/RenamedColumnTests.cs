using FlyMpg.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.MigrationSafetyAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG020: a column renamed while the release still serving reads it by its old name.</summary>
public sealed class RenamedColumnTests
{
    [Fact]
    public Task RenameColumn_on_an_existing_table_is_reported_with_the_expand_contract_recipe() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""{|#0:migrationBuilder.RenameColumn(name: "title", table: "todos", newName: "name")|};"""),
        DiagnosticResult.CompilerWarning("FLYMPG020").WithLocation(0).WithArguments("migrationBuilder.RenameColumn", "todos.title", "title"));

    [Fact]
    public Task RENAME_COLUMN_in_migration_SQL_is_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.Sql({|FLYMPG020:"ALTER TABLE todos RENAME COLUMN title TO name"|});
            migrationBuilder.Sql({|FLYMPG020:"ALTER TABLE \"todos\" RENAME \"Title\" TO \"Name\";"|});
            """));

    [Fact]
    public Task The_message_names_the_recipe() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""{|#0:migrationBuilder.RenameColumn(name: "title", table: "todos", newName: "name", schema: "app")|};"""),
        new DiagnosticResult(FlyMpgDiagnostics.RenamedColumn).WithLocation(0).WithMessage(
            "'migrationBuilder.RenameColumn' renames column 'app.todos.title', which the release still serving reads and writes by that name until its Machines are replaced: every such request fails (42703 column does not exist); keep the column and map the new property to it (HasColumnName(\"title\")), or expand and contract over two deploys: add the new column, write both and backfill, read the new one, then drop the old one in a later deploy"));

    [Fact]
    public Task A_rename_in_a_table_created_by_the_same_migration_is_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.CreateTable(
                name: "labels",
                columns: table => new { id = table.Column<int>(type: "integer", nullable: false), text = table.Column<string>(type: "text", nullable: false) },
                constraints: table => table.PrimaryKey("PK_labels", x => x.id));
            migrationBuilder.RenameColumn(name: "text", table: "labels", newName: "title");
            migrationBuilder.Sql("ALTER TABLE labels RENAME COLUMN title TO caption");
            """));

    [Fact]
    public Task A_rename_in_Down_or_of_an_index_or_constraint_is_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up(
            """
            migrationBuilder.RenameIndex(name: "IX_todos_title", table: "todos", newName: "IX_todos_name");
            migrationBuilder.Sql("ALTER TABLE todos RENAME CONSTRAINT todos_check TO todos_title_check");
            migrationBuilder.Sql("-- ALTER TABLE todos RENAME COLUMN title TO name\nSELECT 'ALTER TABLE todos RENAME COLUMN title TO name'");
            """,
            down: """migrationBuilder.RenameColumn(name: "name", table: "todos", newName: "title");"""));
}
