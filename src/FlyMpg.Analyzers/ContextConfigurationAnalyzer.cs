using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// FLYMPG015: in a project that references FlyMpg, a DbContext whose <c>OnConfiguring</c> calls <c>UseNpgsql(...)</c> without
/// asking <c>IsConfigured</c> first, or that has no constructor taking its options: EF runs OnConfiguring after the options
/// AddFlyPostgres gives the context, so its own connection string replaces FlyMpg's data source, and a context without an
/// options constructor never gets them. The diagnostic says what the code fix can do: guard the call (when OnConfiguring does
/// nothing else) and take the options in the constructor (when there is at most one to change).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ContextConfigurationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property present when the code fix applies.</summary>
    public const string FixableProperty = "Fixable";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(FlyMpgDiagnostics.ContextConfiguresItself);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (!types.ReferencesFlyMpg || types.DbContext is null || types.NpgsqlDbContextOptionsBuilderExtensions is null)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, types), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (invocation.TargetMethod.Name != "UseNpgsql"
            || !SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, types.NpgsqlDbContextOptionsBuilderExtensions)
            || context.ContainingSymbol is not IMethodSymbol { Name: "OnConfiguring", IsOverride: true, ContainingType: { } contextType }
            || !KnownTypes.Is(contextType, types.DbContext))
        {
            return;
        }

        var guarded = ContextConfiguration.IsFallback(invocation.Syntax);
        var takesOptions = contextType.InstanceConstructors.Any(c => !c.IsImplicitlyDeclared && c.Parameters.Any(p => IsOptions(p.Type, contextType)));
        if (guarded && takesOptions)
        {
            return;
        }

        var properties = Fixable(invocation, contextType, takesOptions)
            ? ImmutableDictionary<string, string?>.Empty.Add(FixableProperty, "true")
            : ImmutableDictionary<string, string?>.Empty;
        context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.ContextConfiguresItself, invocation.Syntax.GetLocation(), properties, contextType.Name));
    }

    internal static bool IsOptions(ITypeSymbol type, ITypeSymbol context) =>
        type is INamedTypeSymbol { Name: "DbContextOptions", ContainingNamespace: { Name: "EntityFrameworkCore" } } options
        && (options.TypeArguments.Length == 0 || SymbolEqualityComparer.Default.Equals(options.TypeArguments[0], context));

    /// <summary>
    /// OnConfiguring does nothing but call UseNpgsql (so guarding it loses nothing), and the constructor can take the options:
    /// it has none of its own, or exactly one (a primary constructor of a class whose base is <c>DbContext</c> without arguments).
    /// </summary>
    private static bool Fixable(IInvocationOperation invocation, INamedTypeSymbol contextType, bool takesOptions)
    {
        if (invocation.Syntax.FirstAncestorOrSelf<MethodDeclarationSyntax>() is not { } method)
        {
            return false;
        }

        var statements = method.ExpressionBody is { Expression: var expression }
            ? new SyntaxNode[] { expression }
            : method.Body?.Statements.Cast<SyntaxNode>().ToArray() ?? [];
        var onlyUseNpgsql = statements.Length == 1
            && (statements[0] == invocation.Syntax || statements[0] is ExpressionStatementSyntax { Expression: var call } && call == invocation.Syntax);
        if (!onlyUseNpgsql)
        {
            return false;
        }

        if (takesOptions)
        {
            return true;
        }

        var constructors = contextType.InstanceConstructors.Where(c => !c.IsImplicitlyDeclared).ToList();
        if (constructors.Count == 0)
        {
            return true;
        }

        if (constructors.Count != 1 || constructors[0].DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is not { } declaration)
        {
            return false;
        }

        return declaration switch
        {
            ConstructorDeclarationSyntax { Initializer: null or { ArgumentList.Arguments.Count: 0, ThisOrBaseKeyword.RawKind: (int)SyntaxKind.BaseKeyword } } => true,
            TypeDeclarationSyntax { BaseList: { } bases } => bases.Types.FirstOrDefault() is SimpleBaseTypeSyntax,
            _ => false,
        };
    }
}
