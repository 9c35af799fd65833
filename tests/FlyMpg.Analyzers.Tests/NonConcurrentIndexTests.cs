using FlyMpg.Analyzers.CodeFixes;
using FlyMpg.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.MigrationSafetyAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG026: an index built on an existing table without CONCURRENTLY, which makes every write wait for the build.</summary>
public sealed class NonConcurrentIndexTests
{
    [Fact]
    public Task CreateIndex_on_an_existing_table_is_reported_with_the_annotation_to_use() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""{|#0:migrationBuilder.CreateIndex(name: "IX_todos_done", table: "todos", column: "done")|};"""),
        DiagnosticResult.CompilerWarning("FLYMPG026").WithLocation(0).WithArguments(
            "migrationBuilder.CreateIndex", "IX_todos_done", "todos", ".Annotation(\"Npgsql:CreatedConcurrently\", true) on the operation, or IsCreatedConcurrently() in the model"));

    [Fact]
    public Task CREATE_INDEX_in_migration_SQL_is_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""migrationBuilder.Sql({|#0:"CREATE UNIQUE INDEX IF NOT EXISTS todos_title ON ONLY public.todos (title)"|});"""),
        DiagnosticResult.CompilerWarning("FLYMPG026").WithLocation(0).WithArguments(
            "CREATE INDEX", "todos_title", "todos", "CREATE INDEX CONCURRENTLY, in a Sql(...) call with suppressTransaction: true"));

    [Fact]
    public Task The_code_fix_builds_the_index_concurrently() => Verifier.FixAsync<ConcurrentIndexCodeFixProvider>(
        MigrationSource.Up("""
            {|FLYMPG026:migrationBuilder.CreateIndex(
                name: "IX_todos_done",
                table: "todos",
                column: "done")|};
            """),
        MigrationSource.Up("""
            migrationBuilder.CreateIndex(
                name: "IX_todos_done",
                table: "todos",
                column: "done").Annotation("Npgsql:CreatedConcurrently", true);
            """));

    [Fact]
    public Task An_index_built_concurrently_alone_in_its_migration_is_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.CreateIndex(name: "IX_todos_done", table: "todos", column: "done")
                .Annotation("Npgsql:IndexMethod", "btree")
                .Annotation("Npgsql:CreatedConcurrently", true);
            """));

    [Fact]
    public Task An_index_on_a_table_created_by_the_same_migration_is_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.CreateTable(
                name: "labels",
                schema: "app",
                columns: table => new { id = table.Column<int>(type: "integer", nullable: false), name = table.Column<string>(type: "text", nullable: false) },
                constraints: table => table.PrimaryKey("PK_labels", x => x.id));
            migrationBuilder.CreateIndex(name: "IX_labels_name", table: "labels", schema: "app", column: "name", unique: true);
            migrationBuilder.Sql("CREATE TABLE audit (id integer, at timestamptz); CREATE INDEX audit_at ON audit (at)");
            """));
}
