using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace FlyMpg.Analyzers.Tests.Infrastructure;

/// <summary>An analyzer test compiled against <see cref="TestReferences"/>.</summary>
internal sealed class AnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public AnalyzerTest(string source, bool topLevel = false, bool referencesFlyMpg = false)
    {
        TestCode = source;
        ReferenceAssemblies = TestReferences.None;
        TestState.AdditionalReferences.AddRange(TestReferences.Runtime);
        if (referencesFlyMpg)
        {
            TestState.AdditionalReferences.Add(TestReferences.FlyMpgLibrary);
        }

        if (topLevel)
        {
            TestState.OutputKind = OutputKind.ConsoleApplication;
        }
    }
}
