using FlyMpg.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.MigrationSafetyAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG030: a column added in a way that rewrites the whole table: a volatile default, identity or serial, a stored computed column.</summary>
public sealed class TableRewriteColumnTests
{
    private const string VolatileDefaultRecipe =
        "add it without a default, then set the default, which applies to new rows only (ALTER COLUMN ... SET DEFAULT; EF: AlterColumn with defaultValueSql), and backfill existing rows in batches";

    private const string IdentityRecipe =
        "create a new table with the column and move the rows over (expand and contract), or add a plain column, fill it in batches and set its default afterwards";

    [Fact]
    public Task A_volatile_default_is_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""{|#0:migrationBuilder.AddColumn<Guid>(name: "public_id", table: "todos", type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()")|};"""),
        DiagnosticResult.CompilerWarning("FLYMPG030").WithLocation(0).WithArguments(
            "migrationBuilder.AddColumn", "public_id", "the volatile default gen_random_uuid()", "todos", VolatileDefaultRecipe));

    [Fact]
    public Task An_identity_column_is_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            {|#0:migrationBuilder.AddColumn<long>(name: "seq", table: "todos", type: "bigint", nullable: false, defaultValue: 0L)|}
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);
            """),
        DiagnosticResult.CompilerWarning("FLYMPG030").WithLocation(0).WithArguments(
            "migrationBuilder.AddColumn", "seq", "value generation IdentityByDefaultColumn", "todos", IdentityRecipe));

    [Fact]
    public Task A_stored_computed_column_is_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""{|FLYMPG030:migrationBuilder.AddColumn<string>(name: "search", table: "todos", type: "text", nullable: true, computedColumnSql: "lower(title)", stored: true)|};"""));

    [Fact]
    public Task The_same_columns_in_migration_SQL_are_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.Sql({|#0:"ALTER TABLE todos ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp()"|});
            migrationBuilder.Sql({|#1:"ALTER TABLE todos ADD COLUMN seq bigserial"|});
            migrationBuilder.Sql({|#2:"ALTER TABLE todos ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY"|});
            migrationBuilder.Sql({|#3:"ALTER TABLE todos ADD COLUMN search text GENERATED ALWAYS AS (lower(title)) STORED"|});
            """),
        DiagnosticResult.CompilerWarning("FLYMPG030").WithLocation(0).WithArguments("ADD COLUMN", "seen_at", "the volatile default clock_timestamp()", "todos", VolatileDefaultRecipe),
        DiagnosticResult.CompilerWarning("FLYMPG030").WithLocation(1).WithArguments("ADD COLUMN", "seq", "type bigserial", "todos", IdentityRecipe),
        DiagnosticResult.CompilerWarning("FLYMPG030").WithLocation(2).WithArguments("ADD COLUMN", "n", "GENERATED ... AS IDENTITY", "todos", IdentityRecipe),
        DiagnosticResult.CompilerWarning("FLYMPG030").WithLocation(3).WithArguments(
            "ADD COLUMN", "search", "GENERATED ALWAYS AS (...) STORED", "todos", "add a plain column, fill it from the app or a trigger, and backfill existing rows in batches"));

    // Postgres 11+ stores a constant (or STABLE, as now()) default once and rewrites nothing: the deploy spec's own migration.
    [Fact]
    public Task A_constant_or_stable_default_a_nullable_column_and_a_new_table_are_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.AddColumn<int>(name: "priority", table: "todos", type: "integer", nullable: false, defaultValue: 0);
            migrationBuilder.AddColumn<DateTimeOffset>(name: "seen_at", table: "todos", type: "timestamp with time zone", nullable: false, defaultValueSql: "now()");
            migrationBuilder.AddColumn<string>(name: "note", table: "todos", type: "text", nullable: true);
            migrationBuilder.Sql("ALTER TABLE todos ADD COLUMN archived boolean NOT NULL DEFAULT false, ADD COLUMN label text DEFAULT 'random()'");
            migrationBuilder.CreateTable(
                name: "labels",
                columns: table => new { id = table.Column<int>(type: "integer", nullable: false).Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn) },
                constraints: table => table.PrimaryKey("PK_labels", x => x.id));
            migrationBuilder.AddColumn<Guid>(name: "public_id", table: "labels", type: "uuid", nullable: false, defaultValueSql: "gen_random_uuid()");
            """));
}
