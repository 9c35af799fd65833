using FlyMpg.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.MigrationSafetyAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG029: a unique, primary key or exclusion constraint on an existing table, which builds its index while writes wait.</summary>
public sealed class IndexBackedConstraintTests
{
    private const string UniqueRecipe =
        "build a unique index CONCURRENTLY in a migration of its own, then add the constraint with it (ALTER TABLE ... ADD CONSTRAINT ... UNIQUE USING INDEX ...), which takes no time";

    [Fact]
    public Task AddUniqueConstraint_and_AddPrimaryKey_on_an_existing_table_are_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            {|#0:migrationBuilder.AddUniqueConstraint(name: "AK_todos_title", table: "todos", column: "title")|};
            {|#1:migrationBuilder.AddPrimaryKey(name: "PK_todo_labels", table: "todo_labels", columns: new[] { "todo_id", "label_id" })|};
            """),
        DiagnosticResult.CompilerWarning("FLYMPG029").WithLocation(0).WithArguments("migrationBuilder.AddUniqueConstraint", "unique constraint 'AK_todos_title'", "todos", UniqueRecipe),
        DiagnosticResult.CompilerWarning("FLYMPG029").WithLocation(1).WithArguments("migrationBuilder.AddPrimaryKey", "primary key 'PK_todo_labels'", "todo_labels", UniqueRecipe));

    [Fact]
    public Task Unique_and_exclusion_constraints_in_migration_SQL_are_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.Sql({|#0:"ALTER TABLE todos ADD CONSTRAINT todos_title_key UNIQUE (title)"|});
            migrationBuilder.Sql({|#1:"ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&)"|});
            """),
        DiagnosticResult.CompilerWarning("FLYMPG029").WithLocation(0).WithArguments("ADD UNIQUE", "constraint 'todos_title_key'", "todos", UniqueRecipe),
        DiagnosticResult.CompilerWarning("FLYMPG029").WithLocation(1).WithArguments(
            "ADD EXCLUDE", "exclusion constraint 'no_overlap'", "bookings",
            "no form of it avoids the lock (it cannot be added NOT VALID): add it while the table is small, or at a time when the release that is serving can wait"));

    [Fact]
    public Task A_constraint_on_an_index_built_concurrently_or_on_a_new_table_is_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.Sql("ALTER TABLE todos ADD CONSTRAINT todos_title_key UNIQUE USING INDEX todos_title_idx");
            migrationBuilder.CreateTable(
                name: "labels",
                columns: table => new { id = table.Column<int>(type: "integer", nullable: false), name = table.Column<string>(type: "text", nullable: false) },
                constraints: table => table.PrimaryKey("PK_labels", x => x.id));
            migrationBuilder.AddUniqueConstraint(name: "AK_labels_name", table: "labels", column: "name");
            """));
}
