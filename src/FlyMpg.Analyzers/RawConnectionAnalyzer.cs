using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// FLYMPG014: in a project that references FlyMpg, <c>new NpgsqlConnection(connectionString)</c>: a connection on a pool of
/// its own, outside the one AddFlyPostgres registers. When it is made in a scoped or transient DI registration
/// (<c>services.AddScoped&lt;IDbConnection&gt;(_ =&gt; new NpgsqlConnection(...))</c>, for Dapper), the diagnostic carries the
/// lambda's service provider parameter, and the code fix takes the connection from the registered data source.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class RawConnectionAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property present when the connection is made in a scoped or transient registration's lambda: the code fix applies.</summary>
    public const string RegistrationProperty = "Registration";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(FlyMpgDiagnostics.RawConnection);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (!types.ReferencesFlyMpg || types.NpgsqlConnection is null)
            {
                return;
            }

            start.RegisterOperationAction(c => Analyze(c, types), OperationKind.ObjectCreation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownTypes types)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (!KnownTypes.Is(creation.Type, types.NpgsqlConnection)
            || creation.Arguments.FirstOrDefault(a => a.Parameter?.Type.SpecialType == SpecialType.System_String)?.Value is not { } connectionString
            || ConstantText.Of(connectionString) is { } text && ConnectionStringText.IsUrl(text) // FLYMPG008's
            || types.DesignTimeDbContextFactory is not null && context.ContainingSymbol.ContainingType?.AllInterfaces.Any(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, types.DesignTimeDbContextFactory)) == true)
        {
            return;
        }

        var properties = InScopedRegistration(creation, types)
            ? ImmutableDictionary<string, string?>.Empty.Add(RegistrationProperty, "true")
            : ImmutableDictionary<string, string?>.Empty;
        var remedy = properties.IsEmpty
            ? "inject the NpgsqlDataSource AddFlyPostgres registers and open connections from it (await dataSource.OpenConnectionAsync())"
            : "take it from the NpgsqlDataSource AddFlyPostgres registers: provider.GetRequiredService<NpgsqlDataSource>().CreateConnection()";
        context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.RawConnection, creation.Syntax.GetLocation(), properties, remedy));
    }

    /// <summary>The whole body of a one-parameter lambda given to AddScoped/AddTransient (<c>ServiceCollectionServiceExtensions</c>).</summary>
    private static bool InScopedRegistration(IObjectCreationOperation creation, KnownTypes types)
    {
        var lambda = creation.Syntax.Parent as LambdaExpressionSyntax;
        if (lambda is null || lambda.ExpressionBody != creation.Syntax
            || lambda is not SimpleLambdaExpressionSyntax and not ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 })
        {
            return false;
        }

        for (var current = creation.Parent; current is not null; current = current.Parent)
        {
            if (current is IInvocationOperation { TargetMethod: { Name: "AddScoped" or "AddTransient" } method }
                && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.ServiceCollectionServiceExtensions))
            {
                return true;
            }
        }

        return false;
    }
}
