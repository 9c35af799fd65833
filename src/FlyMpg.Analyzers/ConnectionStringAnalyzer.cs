using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// Connection strings given to Npgsql in code: FLYMPG002 (Max Auto Prepare &gt; 0), FLYMPG005 (Search Path, Options),
/// FLYMPG007 (UseNpgsql / NpgsqlDataSource.Create with a connection of their own where FlyMpg is referenced) and
/// FLYMPG008 (a postgres:// URL, which Npgsql rejects).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConnectionStringAnalyzer : DiagnosticAnalyzer
{
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        FlyMpgDiagnostics.MaxAutoPrepare,
        FlyMpgDiagnostics.StartupParameter,
        FlyMpgDiagnostics.BypassesPooledPolicy,
        FlyMpgDiagnostics.UrlConnectionString);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (types.NpgsqlConnection is null)
            {
                return;
            }

            start.RegisterOperationAction(c => AnalyzeInvocation(c, types), OperationKind.Invocation);
            start.RegisterOperationAction(c => AnalyzeCreation(c, types), OperationKind.ObjectCreation);
            start.RegisterOperationAction(c => AnalyzeAssignment(c, types), OperationKind.SimpleAssignment);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        var isUseNpgsql = method.Name == "UseNpgsql"
            && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.NpgsqlDbContextOptionsBuilderExtensions);
        var isCreate = method.Name is "Create" or "CreateSlim"
            && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.NpgsqlDataSource);
        if (!isUseNpgsql && !isCreate)
        {
            return;
        }

        var connectionString = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Type.SpecialType == SpecialType.System_String && a.Parameter.Name != "npgsqlOptionsAction")?.Value;
        var connection = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Type.Name is "DbConnection" or "NpgsqlConnection")?.Value;
        var name = isUseNpgsql ? "UseNpgsql" : "NpgsqlDataSource." + method.Name;

        var isUrl = connectionString is not null && AnalyzeConnectionString(context, connectionString, name);

        // UseNpgsql inside AddDbContext/AddDbContextPool is FLYMPG010's, whose fix replaces the whole registration.
        if (!isUrl && types.ReferencesFlyMpg && (connectionString is not null || connection is not null) && !IsDesignTimeFactory(context.ContainingSymbol, types)
            && !DbContextRegistrationAnalyzer.IsInsideRegistration(invocation, types) && !IsFallbackInOnConfiguring(invocation, context.ContainingSymbol))
        {
            context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.BypassesPooledPolicy, invocation.Syntax.GetLocation(), name));
        }
    }

    private static void AnalyzeCreation(OperationAnalysisContext context, KnownTypes types)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        var type = creation.Type;
        if (!KnownTypes.Is(type, types.NpgsqlConnection)
            && !KnownTypes.Is(type, types.NpgsqlConnectionStringBuilder)
            && !KnownTypes.Is(type, types.NpgsqlDataSourceBuilder)
            && !KnownTypes.Is(type, types.NpgsqlSlimDataSourceBuilder))
        {
            return;
        }

        var argument = creation.Arguments.FirstOrDefault(a => a.Parameter?.Type.SpecialType == SpecialType.System_String)?.Value;
        if (argument is not null)
        {
            AnalyzeConnectionString(context, argument, "new " + type!.Name);
        }
    }

    private static void AnalyzeAssignment(OperationAnalysisContext context, KnownTypes types)
    {
        var assignment = (ISimpleAssignmentOperation)context.Operation;
        if (assignment.Target is not IPropertyReferenceOperation property)
        {
            return;
        }

        var owner = property.Property.ContainingType;
        var name = property.Property.Name;
        if (name == "ConnectionString" && (KnownTypes.Is(owner, types.NpgsqlConnection) || KnownTypes.Is(owner, types.NpgsqlConnectionStringBuilder)))
        {
            AnalyzeConnectionString(context, assignment.Value, name);
            return;
        }

        if (!KnownTypes.Is(owner, types.NpgsqlConnectionStringBuilder))
        {
            return;
        }

        var value = assignment.Value.ConstantValue;
        switch (name)
        {
            case "MaxAutoPrepare" when value is { HasValue: true, Value: int prepare } && prepare > 0:
                context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.MaxAutoPrepare, assignment.Syntax.GetLocation(), prepare));
                break;
            case "SearchPath" or "Options" when !(value is { HasValue: true, Value: null or "" }):
                context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.StartupParameter, assignment.Syntax.GetLocation(), name, FixFor(name)));
                break;
        }
    }

    /// <summary>Reports the keywords of a constant connection string; true when it is a URL (FLYMPG008 reported).</summary>
    private static bool AnalyzeConnectionString(OperationAnalysisContext context, IOperation operation, string api)
    {
        if (ConstantText.Of(operation) is not { } text)
        {
            return false;
        }

        var location = operation.Syntax.GetLocation();
        if (ConnectionStringText.IsUrl(text))
        {
            context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.UrlConnectionString, location, api));
            return true;
        }

        foreach (var pair in ConnectionStringText.Parse(text))
        {
            var properties = ImmutableDictionary<string, string?>.Empty.Add(FlyMpgDiagnostics.KeywordProperty, pair.Normalized);
            switch (pair.Normalized)
            {
                case ConnectionStringText.MaxAutoPrepare when int.TryParse(pair.Value, out var prepare) && prepare > 0:
                    context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.MaxAutoPrepare, location, properties, prepare));
                    break;
                case ConnectionStringText.SearchPath or ConnectionStringText.Options when pair.Value.Length > 0:
                    context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.StartupParameter, location, properties, pair.Keyword, FixFor(pair.Normalized)));
                    break;
            }
        }

        return false;
    }

    private static string FixFor(string keyword) => ConnectionStringText.Normalize(keyword) == ConnectionStringText.SearchPath
        ? "remove it and set the schema on the role (ALTER ROLE ... SET search_path) or in the model (HasDefaultSchema)"
        : "remove it and set those parameters on the role or database (ALTER ROLE ... SET)";

    /// <summary>
    /// <c>if (!optionsBuilder.IsConfigured) { optionsBuilder.UseNpgsql(...); }</c> in OnConfiguring: used only when nothing
    /// configured the context (<c>dotnet ef</c> without the app), never under AddFlyPostgres (FLYMPG015's form).
    /// </summary>
    private static bool IsFallbackInOnConfiguring(IOperation invocation, ISymbol symbol) =>
        symbol is IMethodSymbol { Name: "OnConfiguring", IsOverride: true } && ContextConfiguration.IsFallback(invocation.Syntax);

    private static bool IsDesignTimeFactory(ISymbol symbol, KnownTypes types) =>
        types.DesignTimeDbContextFactory is not null
        && symbol.ContainingType is { } type
        && type.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, types.DesignTimeDbContextFactory));
}
