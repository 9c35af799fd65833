using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.HangfireOptionsAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG009: Hangfire.PostgreSql options that need a session or change the schema at startup.</summary>
public sealed class HangfireOptionsTests
{
    [Fact]
    public Task EnableLongPolling_true_is_reported() => Verifier.DiagnosticsAsync("""
        using Hangfire.PostgreSql;

        class Setup
        {
            PostgreSqlStorageOptions Options() => new() { {|#0:EnableLongPolling = true|} };
        }
        """,
        new DiagnosticResult(FlyMpgDiagnostics.HangfirePooledSession).WithLocation(0).WithArguments(
            "EnableLongPolling",
            "makes Hangfire LISTEN for new jobs, and LISTEN needs a session that PgBouncer in transaction mode does not keep"));

    [Fact]
    public Task PrepareSchemaIfNecessary_true_is_reported() => Verifier.DiagnosticsAsync("""
        using Hangfire.PostgreSql;

        class Setup
        {
            void Configure(PostgreSqlStorageOptions options) => {|FLYMPG009:options.PrepareSchemaIfNecessary = true|};
        }
        """);

    [Fact]
    public Task The_options_set_to_false_are_not_reported() => Verifier.NoDiagnosticsAsync("""
        using Hangfire.PostgreSql;

        class Setup
        {
            PostgreSqlStorageOptions Options() => new() { EnableLongPolling = false, PrepareSchemaIfNecessary = false };
        }
        """);

    [Fact]
    public Task The_same_property_names_on_another_type_are_not_reported() => Verifier.NoDiagnosticsAsync("""
        class MyOptions
        {
            public bool EnableLongPolling { get; set; }
            public bool PrepareSchemaIfNecessary { get; set; }
        }

        class Setup
        {
            // new PostgreSqlStorageOptions { EnableLongPolling = true }
            MyOptions Options() => new() { EnableLongPolling = true, PrepareSchemaIfNecessary = true };
        }
        """);
}
