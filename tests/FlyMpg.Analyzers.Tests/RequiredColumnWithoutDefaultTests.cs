using FlyMpg.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.MigrationSafetyAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG034: a required column added to an existing table without a default: the serving release's inserts fail.</summary>
public sealed class RequiredColumnWithoutDefaultTests
{
    [Fact]
    public Task A_required_column_without_a_default_is_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            {|#0:migrationBuilder.AddColumn<string>(name: "owner", table: "todos", type: "text", nullable: false)|};
            migrationBuilder.Sql({|#1:"ALTER TABLE todos ADD COLUMN tenant_id integer NOT NULL"|});
            """),
        DiagnosticResult.CompilerWarning("FLYMPG034").WithLocation(0).WithArguments("migrationBuilder.AddColumn", "todos.owner", "todos"),
        DiagnosticResult.CompilerWarning("FLYMPG034").WithLocation(1).WithArguments("ADD COLUMN", "todos.tenant_id", "todos"));

    // What dotnet ef writes for a new required property: a default of the type (0, "", false).
    [Fact]
    public Task A_column_with_a_default_a_nullable_one_or_one_on_a_new_table_is_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.AddColumn<string>(name: "owner", table: "todos", type: "text", nullable: false, defaultValue: "");
            migrationBuilder.AddColumn<DateTimeOffset>(name: "due", table: "todos", type: "timestamp with time zone", nullable: false, defaultValue: new DateTimeOffset(new DateTime(2026, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));
            migrationBuilder.AddColumn<int>(name: "rank", table: "todos", type: "integer", nullable: true);
            migrationBuilder.Sql("ALTER TABLE todos ADD COLUMN tenant_id integer NOT NULL DEFAULT 1");
            migrationBuilder.Sql("CREATE TABLE labels (id integer); ALTER TABLE labels ADD COLUMN name text NOT NULL");
            """));
}
