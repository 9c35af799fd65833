using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// FLYMPG011: in a project that references FlyMpg, <c>Run()</c> / <c>RunAsync()</c> on the host in the program's entry point
/// (<see cref="HostRunCall"/>: a <c>WebApplication</c>, the generic host's <c>IHost</c>, the classic <c>IWebHost</c>).
/// fly.toml starts the same image with <c>migrate</c> (release_command) and <c>worker</c> (process group); a program that only
/// runs the web app ignores them, so a deploy would serve the new code without migrating. The code fix (top-level
/// statements, or a statement of a void/Task Main's body; no URL argument) writes <c>return await app.RunFlyAsync(args);</c>
/// (and makes Main <c>async Task&lt;int&gt;</c>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CommandDispatchAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property present when the code fix applies: a statement that is exactly the call, top-level or in Main's body.</summary>
    public const string FixableProperty = "Fixable";

    /// <summary>Diagnostic property present when the host is a <c>WebApplication</c>: its endpoints can be mapped on it.</summary>
    public const string WebApplicationProperty = "WebApplication";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(FlyMpgDiagnostics.NoCommandDispatch);

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

            start.RegisterOperationAction(c => Analyze(c, types), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (HostRunCall.Find(invocation, context.ContainingSymbol, types) is not { IsRunFlyAsync: false } run)
        {
            return;
        }

        // Run(url) or RunAsync(cancellationToken): an argument the replacement would drop.
        var method = invocation.TargetMethod;
        var noArgument = !invocation.Arguments.Any(a => a.ArgumentKind == ArgumentKind.Explicit && !(method.IsExtensionMethod && a.Parameter?.Ordinal == 0));
        var fixable = noArgument && run.WholeStatement is { } statement && (statement.Parent is GlobalStatementSyntax || ReturnsNothing(run.EntryPoint));
        var properties = ImmutableDictionary<string, string?>.Empty;
        if (fixable)
        {
            properties = properties.Add(FixableProperty, "true");
        }

        if (run.IsWebApplication)
        {
            properties = properties.Add(WebApplicationProperty, "true");
        }

        context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.NoCommandDispatch, invocation.Syntax.GetLocation(), properties, invocation.Syntax.ToString()));
    }

    /// <summary>void Main or Task Main: the fix can make it <c>async Task&lt;int&gt;</c> and return the exit code.</summary>
    private static bool ReturnsNothing(IMethodSymbol main) =>
        main.ReturnsVoid || main.ReturnType is INamedTypeSymbol { Name: "Task", IsGenericType: false, ContainingNamespace.Name: "Tasks" };
}
