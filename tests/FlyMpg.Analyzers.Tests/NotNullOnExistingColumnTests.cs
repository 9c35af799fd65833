using FlyMpg.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.MigrationSafetyAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG025: NOT NULL set on an existing column, which checks every row under an ACCESS EXCLUSIVE lock.</summary>
public sealed class NotNullOnExistingColumnTests
{
    [Fact]
    public Task AlterColumn_from_nullable_to_required_is_reported_with_the_check_constraint_recipe() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            {|#0:migrationBuilder.AlterColumn<string>(
                name: "title",
                table: "todos",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(200)",
                oldMaxLength: 200,
                oldNullable: true)|};
            """),
        DiagnosticResult.CompilerWarning("FLYMPG025").WithLocation(0).WithArguments("migrationBuilder.AlterColumn", "todos.title", "title"));

    [Fact]
    public Task SET_NOT_NULL_in_migration_SQL_is_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""migrationBuilder.Sql({|#0:"ALTER TABLE todos ALTER COLUMN title SET NOT NULL"|});"""),
        DiagnosticResult.CompilerWarning("FLYMPG025").WithLocation(0).WithArguments("ALTER COLUMN ... SET NOT NULL", "todos.title", "title"));

    [Fact]
    public Task Dropping_NOT_NULL_a_column_that_stays_required_or_a_new_table_is_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.AlterColumn<string>(name: "title", table: "todos", type: "text", nullable: true, oldClrType: typeof(string), oldType: "text");
            migrationBuilder.AlterColumn<bool>(name: "done", table: "todos", type: "boolean", nullable: false, defaultValue: false, oldClrType: typeof(bool), oldType: "boolean");
            migrationBuilder.Sql("ALTER TABLE todos ALTER COLUMN title DROP NOT NULL");
            migrationBuilder.Sql("ALTER TABLE todos ADD CONSTRAINT todos_title_not_null CHECK (title IS NOT NULL) NOT VALID");
            migrationBuilder.Sql("CREATE TABLE labels (id integer, name text); ALTER TABLE labels ALTER COLUMN name SET NOT NULL");
            """));
}
