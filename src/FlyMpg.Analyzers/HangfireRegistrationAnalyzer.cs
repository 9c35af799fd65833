using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// FLYMPG012: in a project that references FlyMpg, <c>services.AddHangfire(...)</c> whose configuration calls
/// <c>UsePostgreSqlStorage</c>: Hangfire on a connection of its own instead of FlyMpg.Hangfire's. The code fix, offered when
/// FlyMpg.Hangfire is referenced and the call is a whole statement on <c>builder.Services</c>, writes
/// <c>builder.AddFlyHangfire()</c> and removes <c>AddHangfireServer()</c> (FlyMpg.Hangfire runs the server in the worker).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HangfireRegistrationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the builder expression the fix calls AddFlyHangfire on (absent when no fix applies).</summary>
    public const string BuilderProperty = "Builder";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(FlyMpgDiagnostics.OwnHangfireStorage);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (!types.ReferencesFlyMpg || types.HangfireServiceCollectionExtensions is null || types.PostgreSqlStorageOptions is null)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, types), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.TargetMethod.Name != "AddHangfire"
            || !SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, types.HangfireServiceCollectionExtensions)
            || !invocation.Arguments.SelectMany(a => a.Value.DescendantsAndSelf()).OfType<IInvocationOperation>().Any(i => i.TargetMethod.Name == "UsePostgreSqlStorage"))
        {
            return;
        }

        var receiver = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
        while (receiver is IConversionOperation conversion)
        {
            receiver = conversion.Operand;
        }

        var fixable = types.FlyHangfireExtensions is not null
            && invocation.Syntax.Parent is ExpressionStatementSyntax
            && receiver is IPropertyReferenceOperation { Property.Name: "Services", Instance: { } builder }
            && IsHostApplicationBuilder(builder.Type, types);
        var properties = fixable
            ? ImmutableDictionary<string, string?>.Empty.Add(BuilderProperty, ((IPropertyReferenceOperation)receiver!).Instance!.Syntax.ToString())
            : ImmutableDictionary<string, string?>.Empty;
        context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.OwnHangfireStorage, invocation.Syntax.GetLocation(), properties));
    }

    private static bool IsHostApplicationBuilder(ITypeSymbol? type, KnownTypes types) =>
        type is not null && types.HostApplicationBuilder is { } known
        && (SymbolEqualityComparer.Default.Equals(type, known) || type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, known)));
}
