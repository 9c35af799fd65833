using FlyMpg.Analyzers.CodeFixes;
using FlyMpg.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.MigrationSafetyAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG028: a check constraint added to an existing table and validated at once, under an ACCESS EXCLUSIVE lock.</summary>
public sealed class ValidatedCheckConstraintTests
{
    [Fact]
    public Task AddCheckConstraint_on_an_existing_table_is_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""{|#0:migrationBuilder.AddCheckConstraint(name: "CK_todos_title", table: "todos", sql: "length(title) > 0")|};"""),
        DiagnosticResult.CompilerWarning("FLYMPG028").WithLocation(0).WithArguments("migrationBuilder.AddCheckConstraint", "CK_todos_title", "todos"));

    [Fact]
    public Task A_check_in_migration_SQL_is_reported_unless_NOT_VALID() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.Sql({|#0:"ALTER TABLE todos ADD CONSTRAINT todos_title_length CHECK (length(title) > 0)"|});
            migrationBuilder.Sql({|#1:"ALTER TABLE todos ADD COLUMN rank integer CHECK (rank > 0)"|});
            migrationBuilder.Sql("ALTER TABLE todos ADD CONSTRAINT todos_title_not_null CHECK (title IS NOT NULL) NOT VALID");
            """),
        DiagnosticResult.CompilerWarning("FLYMPG028").WithLocation(0).WithArguments("ADD CHECK", "todos_title_length", "todos"),
        DiagnosticResult.CompilerWarning("FLYMPG028").WithLocation(1).WithArguments("ADD COLUMN ... CHECK", "(on rank)", "todos"));

    [Fact]
    public Task The_code_fix_adds_it_NOT_VALID_and_leaves_the_VALIDATE_for_a_later_migration() => Verifier.FixAsync<NotValidConstraintCodeFixProvider>(
        MigrationSource.Up("""{|FLYMPG028:migrationBuilder.AddCheckConstraint(name: "CK_todos_title", table: "todos", sql: "length(title) > 0")|};"""),
        MigrationSource.Up("""
            // Validate it in a later migration, which lets reads and writes go on: migrationBuilder.Sql("ALTER TABLE \"todos\" VALIDATE CONSTRAINT \"CK_todos_title\";");
            migrationBuilder.Sql("ALTER TABLE \"todos\" ADD CONSTRAINT \"CK_todos_title\" CHECK (length(title) > 0) NOT VALID;");
            """));

    [Fact]
    public Task A_check_on_a_table_created_by_the_same_migration_is_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.CreateTable(
                name: "labels",
                columns: table => new { id = table.Column<int>(type: "integer", nullable: false) },
                constraints: table => table.CheckConstraint("CK_labels_id", "id > 0"));
            migrationBuilder.AddCheckConstraint(name: "CK_labels_id_small", table: "labels", sql: "id < 1000");
            """));
}
