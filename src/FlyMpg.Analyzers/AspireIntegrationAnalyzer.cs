using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// FLYMPG013: in a project that references FlyMpg, Aspire's Npgsql client integrations (found by symbol on
/// <c>AspireEFPostgreSqlExtensions</c> and <c>AspirePostgreSqlNpgsqlExtensions</c>): <c>AddNpgsqlDbContext&lt;T&gt;</c>,
/// <c>EnrichNpgsqlDbContext&lt;T&gt;</c>, <c>AddNpgsqlDataSource</c>, <c>AddKeyedNpgsqlDataSource</c>. FlyMpg replaces them rather
/// than taking them over: they read <c>ConnectionStrings:&lt;name&gt;</c>, which the AppHost sets and Fly does not, with EF
/// Core's own retries and none of the pooled settings. The diagnostic carries what the code fix does: the replacement of
/// <c>AddNpgsqlDbContext</c> when only a connection name is given, or the removal of an <c>Enrich</c> or of an
/// <c>AddNpgsqlDataSource</c> whose data source AddFlyPostgres registers anyway.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AspireIntegrationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the expression that replaces the call.</summary>
    public const string ReplacementProperty = "Replacement";

    /// <summary>Diagnostic property present when removing the statement is the fix.</summary>
    public const string RemovableProperty = "Removable";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(FlyMpgDiagnostics.AspireIntegration);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (!types.ReferencesFlyMpg || (types.AspireEntityFrameworkExtensions is null && types.AspireNpgsqlExtensions is null))
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
        var type = method.ContainingType;
        if (!SymbolEqualityComparer.Default.Equals(type, types.AspireEntityFrameworkExtensions) && !SymbolEqualityComparer.Default.Equals(type, types.AspireNpgsqlExtensions))
        {
            return;
        }

        var builder = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
        while (builder is IConversionOperation conversion)
        {
            builder = conversion.Operand;
        }

        var explicitArguments = invocation.Arguments.Count(a => a.ArgumentKind == ArgumentKind.Explicit);
        var statement = invocation.Syntax.Parent is ExpressionStatementSyntax;
        var contextType = method.TypeArguments.Length == 1 ? method.TypeArguments[0].ToMinimalDisplayString(invocation.SemanticModel!, invocation.Syntax.SpanStart) : null;
        var name = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name is "connectionName" or "name")?.Value.ConstantValue is { HasValue: true, Value: string value }
            ? value
            : "<name>";
        var properties = ImmutableDictionary<string, string?>.Empty;
        string remedy;
        switch (method.Name)
        {
            case "AddNpgsqlDbContext" when builder is not null:
                var register = DbContextRegistrationAnalyzer.AfterAnotherRegistration(invocation.Syntax) ? "AddFlyDbContext" : "AddFlyPostgres";
                var replacement = $"{builder.Syntax}.{register}<{contextType}>()";
                if (explicitArguments == 2 && statement)
                {
                    properties = properties.Add(ReplacementProperty, replacement);
                    remedy = $"register it with {replacement} (FlyMpg), which reads DATABASE_URL and DIRECT_DATABASE_URL";
                }
                else
                {
                    remedy = $"register it with {replacement} (FlyMpg), which reads DATABASE_URL and DIRECT_DATABASE_URL, and move what the settings callbacks did (DisableRetry, a command timeout: FlyMpg's FlyMpg section; naming, interceptors: the context's OnConfiguring)";
                }

                break;
            case "EnrichNpgsqlDbContext":
                properties = statement ? properties.Add(RemovableProperty, "true") : properties;
                remedy = "remove it: FlyMpg's AddFlyPostgres registers the context with its retries (08P01 included) and its health check";
                break;
            case "AddNpgsqlDataSource" when RegistersAContext(invocation.Syntax):
                properties = statement ? properties.Add(RemovableProperty, "true") : properties;
                remedy = "remove it: AddFlyPostgres registers the pooled NpgsqlDataSource, so code that injects NpgsqlDataSource gets FlyMpg's";
                break;
            case "AddNpgsqlDataSource":
                remedy = "register the service's DbContext with builder.AddFlyPostgres<TContext>() (FlyMpg needs one for migrate), which registers the pooled NpgsqlDataSource, and remove this line";
                break;
            default:
                remedy = $"inject the NpgsqlDataSource AddFlyPostgres registers (no key) where [FromKeyedServices(\"{name}\")] asks for this one, then remove this line";
                break;
        }

        context.ReportDiagnostic(Diagnostic.Create(
            FlyMpgDiagnostics.AspireIntegration, invocation.Syntax.GetLocation(), properties, method.Name, name, remedy));
    }

    /// <summary>The method (or the top-level statements) also registers a context: with Aspire, FlyMpg, or AddDbContext on UseNpgsql.</summary>
    private static bool RegistersAContext(SyntaxNode call)
    {
        SyntaxNode scope = call.FirstAncestorOrSelf<BaseMethodDeclarationSyntax>() ?? (SyntaxNode)call.SyntaxTree.GetRoot();
        return scope.DescendantNodes().OfType<InvocationExpressionSyntax>().Any(i => i.Expression switch
        {
            MemberAccessExpressionSyntax { Name.Identifier.ValueText: "AddNpgsqlDbContext" or "AddFlyPostgres" } => true,
            MemberAccessExpressionSyntax { Name.Identifier.ValueText: "AddDbContext" or "AddDbContextPool" } => i.ArgumentList.ToString().Contains("UseNpgsql"),
            _ => false,
        });
    }
}
