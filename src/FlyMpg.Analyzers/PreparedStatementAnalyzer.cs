using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>FLYMPG001: NpgsqlCommand.Prepare()/PrepareAsync() and NpgsqlBatch.Prepare()/PrepareAsync(), unless on the direct data source.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PreparedStatementAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(FlyMpgDiagnostics.Prepare);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (types.NpgsqlCommand is null)
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
        if (method.Name is not ("Prepare" or "PrepareAsync"))
        {
            return;
        }

        string owner;
        if (KnownTypes.Is(method.ContainingType, types.NpgsqlCommand))
        {
            owner = "NpgsqlCommand";
        }
        else if (KnownTypes.Is(method.ContainingType, types.NpgsqlBatch))
        {
            owner = "NpgsqlBatch";
        }
        else
        {
            return;
        }

        if (DirectConnection.IsDirect(invocation.Instance, types))
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.Prepare, invocation.Syntax.GetLocation(), $"{owner}.{method.Name}()"));
    }
}
