using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// Database work while the web host starts, in the startup code (top-level statements, a static Main,
/// Startup.Configure*/ConfigureServices) or reached from it (<see cref="StartupReach"/>: the project's own helpers and
/// extension methods in any file, and the hosted services it registers):
/// <list type="bullet">
/// <item>FLYMPG006: a schema change, <c>Database.Migrate()</c>/<c>MigrateAsync()</c>/<c>EnsureCreated()</c>/<c>EnsureCreatedAsync()</c>;</item>
/// <item>FLYMPG018: a write (seeding): <c>SaveChanges</c>, <c>ExecuteSql</c>, <c>ExecuteUpdate</c>/<c>ExecuteDelete</c>, Dapper's <c>Execute</c>.</item>
/// </list>
/// Both run in every command of the one program, before <c>RunFlyAsync</c> dispatches: in <c>migrate</c>, before the migrations.
/// Not reported inside a lambda or local function of the startup code (an endpoint or callback), in a type whose name ends
/// with "Command" or a method whose name starts with "Migrate" (the startup method itself), or under an if/switch whose
/// condition reads the command line (args), RELEASE_COMMAND, IsDevelopment() or "migrate" (<see cref="StartupConditions"/>).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StartupMigrationAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property present when removing the statement is the fix (Migrate, MigrateAsync in the startup code itself).</summary>
    public const string RemovableProperty = "Removable";

    /// <summary>
    /// Diagnostic property: the name of the built host (<c>app</c>, <c>host</c>) on which the fix moves the startup statement
    /// behind <c>migrate</c> with <c>OnFlyMigrate</c>. Absent when no such move is mechanical.
    /// </summary>
    public const string DeferOnProperty = "DeferOn";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(FlyMpgDiagnostics.StartupMigration, FlyMpgDiagnostics.StartupWrite);

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

            var reach = new StartupReach(start.Compilation, types);
            start.RegisterOperationAction(c => Analyze(c, types, reach), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, KnownTypes types, StartupReach reach)
    {
        var invocation = (IInvocationOperation)context.Operation;
        if (context.ContainingSymbol is not IMethodSymbol container || !IsStartup(container) || EnclosingFunction.Encloses(invocation)
            || StartupConditions.IsGuarded(invocation.Syntax))
        {
            return;
        }

        var target = invocation.TargetMethod;
        var direct = reach.Classify(target);
        var finding = direct != StartupWork.None
            ? new StartupFinding(direct, target, invocation.Syntax.GetLocation(), null)
            : reach.HostedServiceOf(target) is { } service ? reach.OfHostedService(service) : reach.Of(target);
        if (finding is null)
        {
            return;
        }

        var host = finding.HostedService is null && types.ReferencesFlyMpg ? DeferTarget(invocation, types) : null;
        var properties = ImmutableDictionary<string, string?>.Empty;
        var removable = direct == StartupWork.Schema && target.Name is "Migrate" or "MigrateAsync";
        if (removable)
        {
            properties = properties.Add(RemovableProperty, "true");
        }

        if (host is not null)
        {
            properties = properties.Add(DeferOnProperty, host);
        }

        var call = invocation.Syntax.ToString();
        var what = direct != StartupWork.None ? finding.What : $"{call}, which runs {finding.Describe()},";
        var remedy = (removable, host, finding.HostedService) switch
        {
            (true, _, _) => "remove the call: the migrate command, run by fly.toml's release_command over the direct connection, applies migrations",
            (_, _, { } hosted) => $"remove the registration of {hosted.Name} and run its work with app.OnFlyMigrate(...) (FlyMpg), which runs it in migrate only, after the migrations, on the direct connection",
            (_, { } name, _) => $"run it in migrate only, after the migrations, on the direct connection: {name}.OnFlyMigrate(() => ...) (FlyMpg) around this statement",
            _ => "run it in migrate only, after the migrations, on the direct connection: move it into app.OnFlyMigrate(() => ...) (FlyMpg) once the host is built",
        };
        var descriptor = finding.Work == StartupWork.Schema ? FlyMpgDiagnostics.StartupMigration : FlyMpgDiagnostics.StartupWrite;
        // Reached through a helper or a hosted service: the line that does it is the diagnostic's second location.
        var reached = direct == StartupWork.None ? new[] { finding.Location } : null;
        context.ReportDiagnostic(Diagnostic.Create(descriptor, invocation.Syntax.GetLocation(), reached, properties, what, remedy));
    }

    /// <summary>
    /// The built host (a local or parameter of type IHost or IWebHost, a WebApplication, declared before it) on which the
    /// entry-point statement holding <paramref name="invocation"/> can be moved into <c>OnFlyMigrate</c>: a statement that
    /// declares nothing later statements use (an expression, <c>using (...) { }</c> or a block). Null when there is none.
    /// </summary>
    private static string? DeferTarget(IInvocationOperation invocation, KnownTypes types)
    {
        var statement = invocation.Syntax.AncestorsAndSelf().OfType<StatementSyntax>()
            .FirstOrDefault(s => s.Parent is GlobalStatementSyntax || s.Parent is BlockSyntax { Parent: BaseMethodDeclarationSyntax });
        if (statement is not (ExpressionStatementSyntax or UsingStatementSyntax or BlockSyntax) || invocation.SemanticModel is not { } model)
        {
            return null;
        }

        return model.LookupSymbols(statement.SpanStart)
            .Where(s => s is ILocalSymbol or IParameterSymbol)
            .Where(s => s.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == statement.SyntaxTree && r.Span.End <= statement.SpanStart))
            .FirstOrDefault(s => ((s as ILocalSymbol)?.Type ?? (s as IParameterSymbol)?.Type) is { } type
                && (KnownTypes.IsOrImplements(type, types.Host) || KnownTypes.IsOrImplements(type, types.WebHost)))
            ?.Name;
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
}
