using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// FLYMPG017: in a project that references FlyMpg, a local that holds a connection string (from
/// <c>GetConnectionString(...)</c>, a <c>NpgsqlConnectionStringBuilder</c>, or a <c>DATABASE_URL</c> read) which nothing reads any
/// more: what is left once the registration reads <c>DATABASE_URL</c> through AddFlyPostgres. The code fix removes it, and
/// the configuration reads that only fed it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnreadConnectionSettingAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(FlyMpgDiagnostics.UnreadConnectionSetting);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (!types.ReferencesFlyMpg)
            {
                return;
            }

            start.RegisterOperationBlockStartAction(block =>
            {
                var declared = new ConcurrentBag<IVariableDeclaratorOperation>();
                var read = new ConcurrentDictionary<ILocalSymbol, bool>(SymbolEqualityComparer.Default);
                block.RegisterOperationAction(c => declared.Add((IVariableDeclaratorOperation)c.Operation), OperationKind.VariableDeclarator);
                block.RegisterOperationAction(c => read[((ILocalReferenceOperation)c.Operation).Local] = true, OperationKind.LocalReference);
                block.RegisterOperationBlockEndAction(end =>
                {
                    foreach (var declarator in declared)
                    {
                        if (!read.ContainsKey(declarator.Symbol) && declarator.Initializer?.Value is { } value && HoldsAConnectionString(value, types))
                        {
                            end.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.UnreadConnectionSetting, declarator.Syntax.GetLocation(), declarator.Symbol.Name));
                        }
                    }
                });
            });
        });
    }

    /// <summary>The value is a connection string read from configuration or built with NpgsqlConnectionStringBuilder.</summary>
    internal static bool HoldsAConnectionString(IOperation value, KnownTypes types) =>
        value.Type?.SpecialType == SpecialType.System_String
        && value.DescendantsAndSelf().Any(operation => operation switch
        {
            IInvocationOperation { TargetMethod.Name: "GetConnectionString" } invocation =>
                invocation.TargetMethod.ContainingNamespace?.ToDisplayString() == "Microsoft.Extensions.Configuration",
            IObjectCreationOperation creation => KnownTypes.Is(creation.Type, types.NpgsqlConnectionStringBuilder),
            ILiteralOperation { ConstantValue: { HasValue: true, Value: "DATABASE_URL" } } => true,
            _ => false,
        });

    /// <summary>Reads configuration, the environment or builds a connection string, and nothing else: safe to drop with the local it fed.</summary>
    internal static bool OnlyReadsSettings(IOperation value, KnownTypes types) =>
        value.DescendantsAndSelf().All(operation => operation switch
        {
            IAwaitOperation or ISimpleAssignmentOperation { Parent: not IObjectOrCollectionInitializerOperation } or IIncrementOrDecrementOperation => false,
            IInvocationOperation invocation => invocation.TargetMethod.ContainingNamespace?.ToDisplayString() is "Microsoft.Extensions.Configuration" or "System"
                || KnownTypes.Is(invocation.TargetMethod.ContainingType, types.NpgsqlConnectionStringBuilder),
            _ => true,
        });
}
