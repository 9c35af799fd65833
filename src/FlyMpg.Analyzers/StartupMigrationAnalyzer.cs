using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// FLYMPG006: Database.Migrate()/MigrateAsync()/EnsureCreated()/EnsureCreatedAsync() run while the web host starts: in
/// top-level statements, a static Main, or Startup.Configure*/ConfigureServices. Not reported inside a lambda or local
/// function (an endpoint or callback), in a type whose name ends with "Command", in a method whose name starts with
/// "Migrate", or under an if/switch whose condition reads the command line (args), RELEASE_COMMAND, IsDevelopment() or "migrate".
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StartupMigrationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property present when removing the statement is the fix (Migrate, MigrateAsync).</summary>
    public const string RemovableProperty = "Removable";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(FlyMpgDiagnostics.StartupMigration);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (types.DatabaseFacade is null)
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
        var isMigrate = method.Name is "Migrate" or "MigrateAsync"
            && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.RelationalDatabaseFacadeExtensions);
        var isEnsureCreated = method.Name is "EnsureCreated" or "EnsureCreatedAsync"
            && KnownTypes.Is(method.ContainingType, types.DatabaseFacade);
        if (!isMigrate && !isEnsureCreated)
        {
            return;
        }

        if (context.ContainingSymbol is not IMethodSymbol container || !IsStartup(container) || InsideFunction(invocation) || IsGuarded(invocation.Syntax))
        {
            return;
        }

        var properties = isMigrate
            ? ImmutableDictionary<string, string?>.Empty.Add(RemovableProperty, "true")
            : ImmutableDictionary<string, string?>.Empty;
        context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.StartupMigration, invocation.Syntax.GetLocation(), properties, "Database." + method.Name + "()"));
    }

    private static bool IsStartup(IMethodSymbol method)
    {
        var type = method.ContainingType;
        if (type is null || type.Name.EndsWith("Command", StringComparison.Ordinal) || method.Name.StartsWith("Migrate", StringComparison.Ordinal))
        {
            return false;
        }

        if (method.Name == "<Main>$")
        {
            return true; // top-level statements
        }

        if (method.IsStatic && method.Name == "Main")
        {
            return true;
        }

        return type.Name == "Startup" && method.Name.StartsWith("Configure", StringComparison.Ordinal);
    }

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

    /// <summary>Under a condition that picks a command or an environment: the migration is not unconditional web startup.</summary>
    private static bool IsGuarded(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            var condition = ancestor switch
            {
                IfStatementSyntax ifStatement => ifStatement.Condition,
                SwitchStatementSyntax switchStatement => switchStatement.Expression,
                SwitchExpressionSyntax switchExpression => switchExpression.GoverningExpression,
                ConditionalExpressionSyntax conditional => conditional.Condition,
                _ => null,
            };
            if (condition is not null && IsCommandOrEnvironmentCondition(condition))
            {
                return true;
            }

            if (ancestor is MemberDeclarationSyntax or GlobalStatementSyntax)
            {
                // A top-level statement's ancestors end at its GlobalStatement; members end the search too.
                if (ancestor is not GlobalStatementSyntax)
                {
                    break;
                }
            }
        }

        return false;
    }

    private static bool IsCommandOrEnvironmentCondition(ExpressionSyntax condition) =>
        condition.DescendantNodesAndSelf().Any(n => n switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText is "args" or "IsDevelopment",
            LiteralExpressionSyntax literal => literal.Token.ValueText.IndexOf("migrate", StringComparison.OrdinalIgnoreCase) >= 0
                || literal.Token.ValueText == "RELEASE_COMMAND",
            _ => false,
        });
}
