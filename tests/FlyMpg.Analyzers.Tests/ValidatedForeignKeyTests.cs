using FlyMpg.Analyzers.CodeFixes;
using FlyMpg.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.MigrationSafetyAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG027: a foreign key added to an existing table and validated at once, while writes to both tables wait.</summary>
public sealed class ValidatedForeignKeyTests
{
    [Fact]
    public Task AddForeignKey_on_an_existing_table_is_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""{|#0:migrationBuilder.AddForeignKey(name: "FK_todos_lists_list_id", table: "todos", column: "list_id", principalTable: "lists", principalColumn: "id")|};"""),
        DiagnosticResult.CompilerWarning("FLYMPG027").WithLocation(0).WithArguments("migrationBuilder.AddForeignKey", "FK_todos_lists_list_id", "todos"));

    [Fact]
    public Task A_foreign_key_in_migration_SQL_is_reported_unless_NOT_VALID() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.Sql({|#0:"ALTER TABLE todos ADD CONSTRAINT fk_list FOREIGN KEY (list_id) REFERENCES lists (id)"|});
            migrationBuilder.Sql({|#1:"ALTER TABLE todos ADD COLUMN owner_id integer REFERENCES users (id)"|});
            migrationBuilder.Sql("ALTER TABLE todos ADD CONSTRAINT fk_owner FOREIGN KEY (owner_id) REFERENCES users (id) NOT VALID");
            migrationBuilder.Sql("ALTER TABLE todos VALIDATE CONSTRAINT fk_owner");
            """),
        DiagnosticResult.CompilerWarning("FLYMPG027").WithLocation(0).WithArguments("ADD FOREIGN KEY", "fk_list", "todos"),
        DiagnosticResult.CompilerWarning("FLYMPG027").WithLocation(1).WithArguments("ADD COLUMN ... REFERENCES", "(on owner_id)", "todos"));

    [Fact]
    public Task The_code_fix_adds_it_NOT_VALID_and_leaves_the_VALIDATE_for_a_later_migration() => Verifier.FixAsync<NotValidConstraintCodeFixProvider>(
        MigrationSource.Up("""
            {|FLYMPG027:migrationBuilder.AddForeignKey(
                name: "FK_todos_lists_list_id",
                table: "todos",
                column: "list_id",
                principalTable: "lists",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade)|};
            """),
        MigrationSource.Up("""
            // Validate it in a later migration, which lets reads and writes go on: migrationBuilder.Sql("ALTER TABLE \"todos\" VALIDATE CONSTRAINT \"FK_todos_lists_list_id\";");
            migrationBuilder.Sql("ALTER TABLE \"todos\" ADD CONSTRAINT \"FK_todos_lists_list_id\" FOREIGN KEY (\"list_id\") REFERENCES \"lists\" (\"id\") ON DELETE CASCADE NOT VALID;");
            """));

    [Fact]
    public Task The_code_fix_writes_composite_keys_and_schemas() => Verifier.FixAsync<NotValidConstraintCodeFixProvider>(
        MigrationSource.Up("""{|FLYMPG027:migrationBuilder.AddForeignKey(name: "FK_lines_orders", table: "lines", schema: "app", columns: new[] { "order_id", "tenant_id" }, principalTable: "orders", principalSchema: "app", principalColumns: new[] { "id", "tenant_id" }, onDelete: ReferentialAction.SetNull)|};"""),
        MigrationSource.Up("""
            // Validate it in a later migration, which lets reads and writes go on: migrationBuilder.Sql("ALTER TABLE \"app\".\"lines\" VALIDATE CONSTRAINT \"FK_lines_orders\";");
            migrationBuilder.Sql("ALTER TABLE \"app\".\"lines\" ADD CONSTRAINT \"FK_lines_orders\" FOREIGN KEY (\"order_id\", \"tenant_id\") REFERENCES \"app\".\"orders\" (\"id\", \"tenant_id\") ON DELETE SET NULL NOT VALID;");
            """));

    [Fact]
    public Task Foreign_keys_of_a_table_created_by_the_same_migration_are_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.CreateTable(
                name: "labels",
                columns: table => new { id = table.Column<int>(type: "integer", nullable: false), todo_id = table.Column<int>(type: "integer", nullable: false) },
                constraints: table =>
                {
                    table.PrimaryKey("PK_labels", x => x.id);
                    table.ForeignKey("FK_labels_todos_todo_id", x => x.todo_id, principalTable: "todos", principalColumn: "id", onDelete: ReferentialAction.Cascade);
                });
            migrationBuilder.AddForeignKey(name: "FK_labels_labels_parent", table: "labels", column: "parent_id", principalTable: "labels", principalColumn: "id");
            """));
}
