using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace FlyMpg.Analyzers.Tests.Infrastructure;

/// <summary>
/// The assertions the specifications use. Expected diagnostics are written in the source as {|FLYMPG00N:code|}; a
/// snippet without markup asserts that nothing is reported.
/// </summary>
internal static class Verify<TAnalyzer>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public static Task DiagnosticsAsync(string source, params DiagnosticResult[] expected) =>
        RunAsync(new AnalyzerTest<TAnalyzer>(source), expected);

    public static Task TopLevelDiagnosticsAsync(string source, params DiagnosticResult[] expected) =>
        RunAsync(new AnalyzerTest<TAnalyzer>(source, topLevel: true), expected);

    public static Task DiagnosticsWithFlyMpgAsync(string source, params DiagnosticResult[] expected) =>
        RunAsync(new AnalyzerTest<TAnalyzer>(source, referencesFlyMpg: true), expected);

    public static Task NoDiagnosticsAsync(string source) => DiagnosticsAsync(source);

    public static Task FixAsync<TCodeFix>(string source, string fixedSource, bool topLevel = false)
        where TCodeFix : CodeFixProvider, new() =>
        new CodeFixTest<TAnalyzer, TCodeFix>(source, fixedSource, topLevel).RunAsync();

    public static Task TopLevelDiagnosticsWithFlyMpgAsync(string source, params DiagnosticResult[] expected) =>
        RunAsync(new AnalyzerTest<TAnalyzer>(source, topLevel: true, referencesFlyMpg: true), expected);

    public static Task FixWithFlyMpgAsync<TCodeFix>(string source, string fixedSource, bool topLevel = false)
        where TCodeFix : CodeFixProvider, new() =>
        new CodeFixTest<TAnalyzer, TCodeFix>(source, fixedSource, topLevel, referencesFlyMpg: true).RunAsync();

    /// <summary>Top-level statements in the first file, the project's other files after it (helpers, a Startup class), FlyMpg referenced.</summary>
    public static Task ProjectDiagnosticsWithFlyMpgAsync(string program, string[] otherFiles, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<TAnalyzer>(program, topLevel: true, referencesFlyMpg: true);
        for (var i = 0; i < otherFiles.Length; i++)
        {
            test.TestState.Sources.Add(($"/0/File{i + 1}.cs", otherFiles[i]));
        }

        return RunAsync(test, expected);
    }

    private static Task RunAsync(AnalyzerTest<TAnalyzer> test, DiagnosticResult[] expected)
    {
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
