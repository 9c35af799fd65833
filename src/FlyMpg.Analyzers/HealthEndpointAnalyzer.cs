using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// FLYMPG016: in a project that references FlyMpg, the call that runs the host in the entry point (<see cref="HostRunCall"/>:
/// <c>Run</c>, <c>RunAsync</c> or <c>RunFlyAsync</c>) when nothing in the project maps <c>/healthz</c>
/// (<see cref="HealthEndpoints"/>), which fly.toml's check asks for. Reported on <c>Run</c> too, so the same
/// <c>dotnet format</c> run that writes <c>RunFlyAsync</c> maps it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HealthEndpointAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(FlyMpgDiagnostics.NoHealthEndpoint);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (!types.ReferencesFlyMpg || (types.Host is null && types.WebHost is null))
            {
                return;
            }

            var mapped = new Lazy<bool>(() => HealthEndpoints.AreMapped(start.Compilation, start.CancellationToken));
            start.RegisterOperationAction(c => Analyze(c, types, mapped), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownTypes types, Lazy<bool> mapped)
    {
        if (HostRunCall.Find((IInvocationOperation)context.Operation, context.ContainingSymbol, types) is not { } run || mapped.Value)
        {
            return;
        }

        var properties = run.IsWebApplication
            ? ImmutableDictionary<string, string?>.Empty.Add(CommandDispatchAnalyzer.WebApplicationProperty, "true")
            : ImmutableDictionary<string, string?>.Empty;
        context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.NoHealthEndpoint, run.Invocation.Syntax.GetLocation(), properties));
    }
}
