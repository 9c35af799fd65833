using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// FLYMPG010: <c>AddDbContext&lt;T&gt;</c> / <c>AddDbContextPool&lt;T&gt;</c> whose options call <c>UseNpgsql(...)</c>, or a bare
/// <c>AddDbContext&lt;T&gt;()</c> whose context calls it in its own <c>OnConfiguring</c> (<see cref="ContextConfiguration"/>): the
/// registration an existing service has, which <c>AddFlyPostgres&lt;T&gt;</c> replaces. When the options are nothing but
/// <c>UseNpgsql(connectionString)</c>, the diagnostic carries the replacement expression for the code fix; anything more
/// (naming conventions, a migrations assembly, a lifetime) would be lost by a mechanical fix, so none is offered.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DbContextRegistrationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the C# expression that replaces the registration (absent when no fix is safe).</summary>
    public const string ReplacementProperty = "Replacement";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(FlyMpgDiagnostics.OwnDbContextRegistration);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (types.EntityFrameworkServiceCollectionExtensions is null || types.NpgsqlDbContextOptionsBuilderExtensions is null)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, types), OperationKind.Invocation);
        });
    }

    /// <summary>True when <paramref name="operation"/> lies inside the options of an AddDbContext/AddDbContextPool call (reported here, not as FLYMPG007).</summary>
    internal static bool IsInsideRegistration(IOperation operation, KnownTypes types)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IInvocationOperation invocation && IsRegistration(invocation.TargetMethod, types))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsRegistration(IMethodSymbol method, KnownTypes types) =>
        method.Name is "AddDbContext" or "AddDbContextPool"
        && method.TypeArguments.Length == 1
        && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.EntityFrameworkServiceCollectionExtensions);

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (!IsRegistration(method, types))
        {
            return;
        }

        var useNpgsql = invocation.Arguments
            .SelectMany(a => a.Value.DescendantsAndSelf())
            .OfType<IInvocationOperation>()
            .Where(i => i.TargetMethod.Name == "UseNpgsql" && SymbolEqualityComparer.Default.Equals(i.TargetMethod.ContainingType, types.NpgsqlDbContextOptionsBuilderExtensions))
            .ToList();

        // A bare AddDbContext<T>() whose context calls UseNpgsql in its own OnConfiguring: the same registration, written elsewhere.
        var configuresItself = useNpgsql.Count == 0
            && !invocation.Arguments.Any(a => a.ArgumentKind == ArgumentKind.Explicit && a.Parameter?.Ordinal > 0 && a.Value.Type?.TypeKind == TypeKind.Delegate)
            && ContextConfiguration.UseNpgsqlInOnConfiguring(method.TypeArguments[0], context.Compilation, types).Length > 0;
        if (useNpgsql.Count == 0 && !configuresItself)
        {
            return;
        }

        var semanticModel = invocation.SemanticModel!;
        var position = invocation.Syntax.SpanStart;
        var contextType = method.TypeArguments[0].ToMinimalDisplayString(semanticModel, position);
        var onlyTheContext = configuresItself && invocation.Arguments.Count(a => a.ArgumentKind == ArgumentKind.Explicit) == 1;
        var replacement = onlyTheContext || OnlyUseNpgsql(invocation, useNpgsql) ? Replacement(invocation, contextType, semanticModel, position, types) : null;
        var properties = replacement is null
            ? ImmutableDictionary<string, string?>.Empty
            : ImmutableDictionary<string, string?>.Empty.Add(ReplacementProperty, replacement);
        context.ReportDiagnostic(Diagnostic.Create(
            FlyMpgDiagnostics.OwnDbContextRegistration,
            invocation.Syntax.GetLocation(),
            properties,
            method.Name,
            contextType,
            replacement ?? "builder.AddFlyPostgres<" + contextType + ">() (or services.AddFlyPostgres<" + contextType + ">(configuration)) and move the other options"));
    }

    /// <summary>The call's only argument besides the service collection is a lambda whose body is one UseNpgsql(connectionString).</summary>
    private static bool OnlyUseNpgsql(IInvocationOperation invocation, System.Collections.Generic.List<IInvocationOperation> useNpgsql)
    {
        var explicitArguments = invocation.Arguments.Where(a => a.ArgumentKind == ArgumentKind.Explicit).ToList();
        if (explicitArguments.Count != 2 || useNpgsql.Count != 1)
        {
            return false;
        }

        var call = useNpgsql[0];
        if (call.Arguments.Count(a => a.ArgumentKind == ArgumentKind.Explicit) != 2)
        {
            return false; // the options builder and the connection string, nothing else
        }

        return explicitArguments[1].Syntax is ArgumentSyntax { Expression: LambdaExpressionSyntax lambda }
            && lambda.ExpressionBody is InvocationExpressionSyntax body
            && body == call.Syntax;
    }

    private static string? Replacement(IInvocationOperation invocation, string contextType, SemanticModel semanticModel, int position, KnownTypes types)
    {
        var receiver = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
        while (receiver is IConversionOperation conversion)
        {
            receiver = conversion.Operand;
        }

        if (receiver is null)
        {
            return null;
        }

        var wholeStatement = invocation.Syntax.Parent is ExpressionStatementSyntax;
        var second = AfterAnotherRegistration(invocation.Syntax);
        if (receiver is IPropertyReferenceOperation { Property.Name: "Services", Instance: { } builder }
            && IsOrImplements(builder.Type, types.HostApplicationBuilder))
        {
            var builderText = builder.Syntax.ToString();
            return (second, wholeStatement) switch
            {
                (true, true) => $"{builderText}.AddFlyDbContext<{contextType}>()",
                (true, false) => $"{builderText}.Services.AddFlyDbContext<{contextType}>()",
                (false, true) => $"{builderText}.AddFlyPostgres<{contextType}>()",
                (false, false) => $"{builderText}.Services.AddFlyPostgres<{contextType}>({builderText}.Configuration)",
            };
        }

        if (second)
        {
            return $"{receiver.Syntax}.AddFlyDbContext<{contextType}>()";
        }

        var configuration = ConfigurationInScope(semanticModel, position, types);
        return configuration is null ? null : $"{receiver.Syntax}.AddFlyPostgres<{contextType}>({configuration})";
    }

    /// <summary>
    /// A second context: the same method (or the top-level statements) already registers one with AddFlyPostgres, or with
    /// an earlier AddDbContext/AddDbContextPool on UseNpgsql or Aspire's AddNpgsqlDbContext that the fixes turn into AddFlyPostgres. This one joins it on
    /// the same data source with AddFlyDbContext.
    /// </summary>
    internal static bool AfterAnotherRegistration(SyntaxNode registration)
    {
        SyntaxNode scope = registration.FirstAncestorOrSelf<BaseMethodDeclarationSyntax>() ?? (SyntaxNode)registration.SyntaxTree.GetRoot();
        return scope.DescendantNodes()
            .OfType<InvocationExpressionSyntax>()
            .Where(i => i.SpanStart < registration.SpanStart && !i.Span.Contains(registration.Span))
            .Any(i => MethodName(i) is "AddFlyPostgres" or "AddNpgsqlDbContext"
                || MethodName(i) is "AddDbContext" or "AddDbContextPool" && i.ArgumentList.ToString().Contains("UseNpgsql"));
    }

    private static string? MethodName(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        MemberAccessExpressionSyntax { Name: var name } => name.Identifier.ValueText,
        SimpleNameSyntax name => name.Identifier.ValueText,
        _ => null,
    };

    /// <summary>
    /// A parameter, local, field or property of type IConfiguration visible at <paramref name="position"/>: a Startup class's
    /// Configuration. A configuration section (<c>Configuration.GetSection("Database")</c>, also an IConfiguration) is not the
    /// root FlyMpg reads <c>DATABASE_URL</c> and its section from, so it is never chosen.
    /// </summary>
    private static string? ConfigurationInScope(SemanticModel semanticModel, int position, KnownTypes types)
    {
        if (types.Configuration is null)
        {
            return null;
        }

        foreach (var symbol in semanticModel.LookupSymbols(position))
        {
            var type = symbol switch
            {
                IParameterSymbol parameter => parameter.Type,
                ILocalSymbol local => local.Type,
                IFieldSymbol field => field.Type,
                IPropertySymbol property => property.Type,
                _ => null,
            };
            if (type is not null && IsOrImplements(type, types.Configuration) && !IsOrImplements(type, types.ConfigurationSection))
            {
                return symbol.Name;
            }
        }

        return null;
    }

    private static bool IsOrImplements(ITypeSymbol? type, INamedTypeSymbol? known) =>
        type is not null && known is not null
        && (SymbolEqualityComparer.Default.Equals(type, known) || type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i, known)));
}
