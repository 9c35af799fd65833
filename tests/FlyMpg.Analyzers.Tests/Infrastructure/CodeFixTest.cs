using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace FlyMpg.Analyzers.Tests.Infrastructure;

/// <summary>A code fix test (single fixes and Fix All) compiled against <see cref="TestReferences"/>.</summary>
internal sealed class CodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public CodeFixTest(string source, string fixedSource, bool topLevel = false, bool referencesFlyMpg = false)
    {
        TestCode = source;
        FixedCode = fixedSource;
        ReferenceAssemblies = TestReferences.None;
        TestState.AdditionalReferences.AddRange(TestReferences.Runtime);
        FixedState.AdditionalReferences.AddRange(TestReferences.Runtime);
        if (referencesFlyMpg)
        {
            TestState.AdditionalReferences.Add(TestReferences.FlyMpgLibrary);
            FixedState.AdditionalReferences.Add(TestReferences.FlyMpgLibrary);
        }
        if (topLevel)
        {
            TestState.OutputKind = OutputKind.ConsoleApplication;
            FixedState.OutputKind = OutputKind.ConsoleApplication;
        }

        // A diagnostic the fix leaves (no fix offered for it) is written in the fixed code's markup too.
        FixedState.MarkupHandling = MarkupMode.Allow;
    }
}
