using FlyMpg.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.MigrationSafetyAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG021: a table, schema or enum value renamed while the release still serving uses the old name.</summary>
public sealed class RenamedTableTests
{
    [Fact]
    public Task RenameTable_is_reported_with_the_recipe() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""{|#0:migrationBuilder.RenameTable(name: "todos", newName: "tasks")|};"""),
        DiagnosticResult.CompilerWarning("FLYMPG021").WithLocation(0).WithArguments(
            "migrationBuilder.RenameTable",
            "table 'todos'",
            "keep the table's name and map the entity to it (ToTable(\"todos\")), or expand and contract over two deploys: create the new table, write both and backfill, move reads, then drop the old one in a later deploy"));

    [Fact]
    public Task Moving_a_table_to_another_schema_is_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.EnsureSchema(name: "app");
            {|FLYMPG021:migrationBuilder.RenameTable(name: "todos", newName: "todos", newSchema: "app")|};
            migrationBuilder.Sql({|FLYMPG021:"ALTER TABLE todos SET SCHEMA app"|});
            """));

    [Fact]
    public Task Renames_in_migration_SQL_are_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.Sql({|FLYMPG021:"ALTER TABLE IF EXISTS ONLY public.todos RENAME TO tasks"|});
            migrationBuilder.Sql({|#0:"ALTER SCHEMA reporting RENAME TO analytics"|});
            migrationBuilder.Sql({|#1:"ALTER TYPE todo_state RENAME VALUE 'done' TO 'completed'"|});
            """),
        DiagnosticResult.CompilerWarning("FLYMPG021").WithLocation(0).WithArguments(
            "ALTER SCHEMA ... RENAME TO", "schema 'reporting'", "keep the schema's name, or create the new schema beside it and move the tables over two deploys (expand and contract)"),
        DiagnosticResult.CompilerWarning("FLYMPG021").WithLocation(1).WithArguments(
            "ALTER TYPE ... RENAME VALUE", "a value of enum 'todo_state'", "add the new value (ALTER TYPE ... ADD VALUE), deploy code that writes it and reads both, then update the rows in a later migration"));

    [Fact]
    public Task Renaming_a_table_created_by_the_same_migration_or_an_index_is_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.Sql("CREATE TABLE scratch (id integer)");
            migrationBuilder.RenameTable(name: "scratch", newName: "labels");
            migrationBuilder.RenameIndex(name: "IX_todos_title", table: "todos", newName: "IX_todos_name");
            migrationBuilder.Sql("ALTER INDEX ix_todos_done RENAME TO ix_todos_state");
            migrationBuilder.Sql("ALTER TYPE todo_state ADD VALUE 'archived'");
            """));
}
