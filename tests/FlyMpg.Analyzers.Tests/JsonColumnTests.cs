using FlyMpg.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.MigrationSafetyAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG031: a json column, which has no equality operator, instead of jsonb.</summary>
public sealed class JsonColumnTests
{
    [Fact]
    public Task A_json_column_is_reported() => Verifier.DiagnosticsAsync(
        MigrationSource.Up("""
            {|#0:migrationBuilder.AddColumn<string>(name: "payload", table: "todos", type: "json", nullable: true)|};
            migrationBuilder.Sql({|#1:"ALTER TABLE todos ADD COLUMN meta json"|});
            """),
        DiagnosticResult.CompilerWarning("FLYMPG031").WithLocation(0).WithArguments("migrationBuilder.AddColumn", "todos.payload"),
        DiagnosticResult.CompilerWarning("FLYMPG031").WithLocation(1).WithArguments("ADD COLUMN", "todos.meta"));

    [Fact]
    public Task A_jsonb_column_is_not_reported() => Verifier.NoDiagnosticsAsync(
        MigrationSource.Up("""
            migrationBuilder.AddColumn<string>(name: "payload", table: "todos", type: "jsonb", nullable: true);
            migrationBuilder.Sql("ALTER TABLE todos ADD COLUMN meta jsonb, ADD COLUMN \"json\" text");
            """));
}
