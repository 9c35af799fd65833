using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// FLYMPG011: in a project that references FlyMpg, <c>app.Run()</c> / <c>app.RunAsync()</c> on a <c>WebApplication</c> in the
/// program's entry point (top-level statements or a static Main). fly.toml starts the same image with <c>migrate</c>
/// (release_command) and <c>worker</c> (process group); a program that only runs the web app ignores them, so a deploy
/// would serve the new code without migrating. The code fix (top-level statements, or a statement of a void/Task Main's
/// body; no URL argument) writes <c>return await app.RunFlyAsync(args);</c> (and makes Main <c>async Task&lt;int&gt;</c>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class CommandDispatchAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property present when the code fix applies: a statement that is exactly the call, top-level or in Main's body.</summary>
    public const string FixableProperty = "Fixable";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(FlyMpgDiagnostics.NoCommandDispatch);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (!types.ReferencesFlyMpg || types.WebApplication is null)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, types), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name is not ("Run" or "RunAsync"))
        {
            return;
        }

        // WebApplication.Run/RunAsync, or the IHost extensions called on a WebApplication.
        var receiver = invocation.Instance ?? (method.IsExtensionMethod ? invocation.Arguments.FirstOrDefault()?.Value : null);
        while (receiver is IConversionOperation conversion)
        {
            receiver = conversion.Operand;
        }

        if (receiver is null || !KnownTypes.Is(receiver.Type, types.WebApplication))
        {
            return;
        }

        if (context.ContainingSymbol is not IMethodSymbol { Name: "<Main>$" or "Main", IsStatic: true } entryPoint || InsideFunction(invocation))
        {
            return;
        }

        // Run(url) or RunAsync(cancellationToken): an argument the replacement would drop.
        var noArgument = !invocation.Arguments.Any(a => a.ArgumentKind == ArgumentKind.Explicit && !(method.IsExtensionMethod && a.Parameter?.Ordinal == 0));
        var statement = invocation.Syntax.Parent is AwaitExpressionSyntax awaited ? awaited.Parent : invocation.Syntax.Parent;
        var fixable = noArgument && statement is ExpressionStatementSyntax expressionStatement
            && (expressionStatement.Parent is GlobalStatementSyntax
                || expressionStatement.Parent is BlockSyntax { Parent: MethodDeclarationSyntax { Body: not null } } && ReturnsNothing(entryPoint));
        var properties = fixable
            ? ImmutableDictionary<string, string?>.Empty.Add(FixableProperty, "true")
            : ImmutableDictionary<string, string?>.Empty;
        context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.NoCommandDispatch, invocation.Syntax.GetLocation(), properties, invocation.Syntax.ToString()));
    }

    /// <summary>void Main or Task Main: the fix can make it <c>async Task&lt;int&gt;</c> and return the exit code.</summary>
    private static bool ReturnsNothing(IMethodSymbol main) =>
        main.ReturnsVoid || main.ReturnType is INamedTypeSymbol { Name: "Task", IsGenericType: false, ContainingNamespace.Name: "Tasks" };

    private static bool InsideFunction(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }
}
