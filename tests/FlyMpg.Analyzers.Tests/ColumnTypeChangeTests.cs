using FlyMpg.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.MigrationSafetyAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG024: a column's type changed in place, which rewrites the table under an ACCESS EXCLUSIVE lock.</summary>
public sealed class ColumnTypeChangeTests
{
    [Fact]
    public Task AlterColumn_from_integer_to_bigint_is_reported_with_both_types() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            {|#0:migrationBuilder.AlterColumn<long>(
                name: "id",
                table: "todos",
                type: "bigint",
                nullable: false,
                oldClrType: typeof(int),
                oldType: "integer")|};
            """),
        DiagnosticResult.CompilerWarning("FLYMPG024").WithLocation(0).WithArguments("migrationBuilder.AlterColumn", "todos.id", "from integer to bigint"));

    [Fact]
    public Task A_shorter_varchar_or_a_numeric_of_another_scale_is_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            {|FLYMPG024:migrationBuilder.AlterColumn<string>(name: "title", table: "todos", type: "character varying(100)", maxLength: 100, nullable: false, oldClrType: typeof(string), oldType: "character varying(200)", oldMaxLength: 200)|};
            {|FLYMPG024:migrationBuilder.AlterColumn<decimal>(name: "price", table: "orders", type: "numeric(12,4)", nullable: false, oldClrType: typeof(decimal), oldType: "numeric(12,2)")|};
            {|FLYMPG024:migrationBuilder.AlterColumn<string>(name: "code", table: "orders", type: "character varying(20)", nullable: true, oldClrType: typeof(string), oldType: "text", oldNullable: true)|};
            """));

    [Fact]
    public Task A_new_computed_column_expression_is_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            {|#0:migrationBuilder.AlterColumn<string>(name: "search", table: "todos", type: "text", nullable: true, computedColumnSql: "lower(title)", stored: true, oldClrType: typeof(string), oldType: "text", oldNullable: true, oldComputedColumnSql: "title", oldStored: true)|};
            """),
        DiagnosticResult.CompilerWarning("FLYMPG024").WithLocation(0).WithArguments("migrationBuilder.AlterColumn", "todos.search", "its computed SQL: Npgsql drops the column and adds it again"));

    [Fact]
    public Task ALTER_COLUMN_TYPE_in_migration_SQL_is_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""migrationBuilder.Sql({|#0:"ALTER TABLE todos ALTER COLUMN id SET DATA TYPE bigint"|});"""),
        DiagnosticResult.CompilerWarning("FLYMPG024").WithLocation(0).WithArguments("ALTER COLUMN ... TYPE", "todos.id", "to bigint"));

    [Fact]
    public Task Changes_Postgres_makes_without_a_rewrite_are_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.AlterColumn<string>(name: "title", table: "todos", type: "character varying(300)", maxLength: 300, nullable: false, oldClrType: typeof(string), oldType: "character varying(200)", oldMaxLength: 200);
            migrationBuilder.AlterColumn<string>(name: "note", table: "todos", type: "text", nullable: true, oldClrType: typeof(string), oldType: "character varying(50)", oldNullable: true);
            migrationBuilder.AlterColumn<string>(name: "code", table: "todos", type: "character varying", nullable: true, oldClrType: typeof(string), oldType: "text", oldNullable: true);
            migrationBuilder.AlterColumn<decimal>(name: "price", table: "orders", type: "numeric(14, 2)", nullable: false, oldClrType: typeof(decimal), oldType: "numeric(12,2)");
            migrationBuilder.AlterColumn<decimal>(name: "total", table: "orders", type: "numeric", nullable: false, oldClrType: typeof(decimal), oldType: "numeric(12,2)");
            migrationBuilder.AlterColumn<bool>(name: "done", table: "todos", type: "boolean", nullable: false, defaultValue: false, oldClrType: typeof(bool), oldType: "boolean");
            migrationBuilder.AlterColumn<string>(name: "idempotency_key", table: "todos", type: "character varying(100)", maxLength: 100, nullable: true, oldClrType: typeof(string), oldType: "character varying(100)", oldMaxLength: 100, oldNullable: false);
            """));
}
