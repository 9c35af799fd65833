using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>FLYMPG009: PostgreSqlStorageOptions.EnableLongPolling = true and PrepareSchemaIfNecessary = true, set explicitly.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HangfireOptionsAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(FlyMpgDiagnostics.HangfirePooledSession);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (types.PostgreSqlStorageOptions is null)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, types), OperationKind.SimpleAssignment);
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        var assignment = (ISimpleAssignmentOperation)context.Operation;
        if (assignment.Target is not IPropertyReferenceOperation property
            || !KnownTypes.Is(property.Property.ContainingType, types.PostgreSqlStorageOptions)
            || assignment.Value.ConstantValue is not { HasValue: true, Value: true })
        {
            return;
        }

        var why = property.Property.Name switch
        {
            "EnableLongPolling" => "makes Hangfire LISTEN for new jobs, and LISTEN needs a session that PgBouncer in transaction mode does not keep",
            "PrepareSchemaIfNecessary" => "makes every Machine create or upgrade Hangfire's schema at startup, through the pooler and at once (install it in the migrate step with PostgreSqlObjectsInstaller.Install)",
            _ => null,
        };
        if (why is null)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.HangfirePooledSession, assignment.Syntax.GetLocation(), property.Property.Name, why));
    }
}
