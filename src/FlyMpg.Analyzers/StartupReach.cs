using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// Follows a call from the web host's startup into the project's own methods (helpers and extension methods in any file,
/// a few calls deep) and the hosted services it registers (<c>AddHostedService&lt;T&gt;()</c>: their <c>StartAsync</c> and
/// <c>ExecuteAsync</c>), and says what database work it reaches: a schema change before a write. Calls inside lambdas and
/// local functions (endpoints, callbacks) and under a command-line or environment check (<see cref="StartupConditions"/>)
/// are not followed. One instance per compilation; results are cached per method.
/// </summary>
internal sealed class StartupReach
{
    private const int MaxDepth = 6;
    private static readonly string[] HostedServiceEntryPoints = ["StartAsync", "ExecuteAsync", "StartingAsync", "StartedAsync"];

    private readonly Compilation _compilation;
    private readonly KnownTypes _types;
    private readonly ConcurrentDictionary<IMethodSymbol, StartupFinding?> _methods = new(SymbolEqualityComparer.Default);

    public StartupReach(Compilation compilation, KnownTypes types) => (_compilation, _types) = (compilation, types);

    /// <summary>The work a call to <paramref name="method"/> does itself (no following).</summary>
    public StartupWork Classify(IMethodSymbol method)
    {
        var type = method.ContainingType;
        if (method.Name is "Migrate" or "MigrateAsync" && SymbolEqualityComparer.Default.Equals(type, _types.RelationalDatabaseFacadeExtensions)
            || method.Name is "EnsureCreated" or "EnsureCreatedAsync" && KnownTypes.Is(type, _types.DatabaseFacade))
        {
            return StartupWork.Schema;
        }

        var writes = method.Name switch
        {
            "SaveChanges" or "SaveChangesAsync" => KnownTypes.Is(type, _types.DbContext),
            "ExecuteSql" or "ExecuteSqlAsync" or "ExecuteSqlRaw" or "ExecuteSqlRawAsync" or "ExecuteSqlInterpolated" or "ExecuteSqlInterpolatedAsync" =>
                SymbolEqualityComparer.Default.Equals(type, _types.RelationalDatabaseFacadeExtensions),
            "ExecuteUpdate" or "ExecuteUpdateAsync" or "ExecuteDelete" or "ExecuteDeleteAsync" =>
                SymbolEqualityComparer.Default.Equals(type, _types.RelationalQueryableExtensions) || SymbolEqualityComparer.Default.Equals(type, _types.EntityFrameworkQueryableExtensions),
            "Execute" or "ExecuteAsync" => SymbolEqualityComparer.Default.Equals(type, _types.DapperSqlMapper),
            _ => false,
        };
        return writes ? StartupWork.Write : StartupWork.None;
    }

    /// <summary>The work reached by calling <paramref name="method"/>: itself, its callees, or the hosted service it registers.</summary>
    public StartupFinding? Of(IMethodSymbol method) => Of(method, 0, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));

    /// <summary>The work of the hosted service <paramref name="service"/> as the host starts it.</summary>
    public StartupFinding? OfHostedService(ITypeSymbol service) =>
        OfHostedService(service, 0, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));

    /// <summary><c>services.AddHostedService&lt;T&gt;()</c>: the T it starts.</summary>
    public ITypeSymbol? HostedServiceOf(IMethodSymbol method) =>
        method.Name == "AddHostedService" && method.TypeArguments.Length == 1
        && SymbolEqualityComparer.Default.Equals(method.ContainingType, _types.ServiceCollectionHostedServiceExtensions)
            ? method.TypeArguments[0]
            : null;

    private StartupFinding? Of(IMethodSymbol method, int depth, HashSet<IMethodSymbol> visiting)
    {
        method = method.ReducedFrom ?? method;
        method = method.OriginalDefinition;
        if (depth > MaxDepth || !IsInSource(method) || !visiting.Add(method))
        {
            return null;
        }

        if (_methods.TryGetValue(method, out var known))
        {
            return known;
        }

        StartupFinding? found = null;
        foreach (var reference in method.DeclaringSyntaxReferences)
        {
            var declaration = reference.GetSyntax();
            SyntaxNode? body = declaration switch
            {
                BaseMethodDeclarationSyntax m => (SyntaxNode?)m.Body ?? m.ExpressionBody,
                AccessorDeclarationSyntax a => (SyntaxNode?)a.Body ?? a.ExpressionBody,
                _ => null,
            };
            if (body is null)
            {
                continue;
            }

#pragma warning disable RS1030 // The callee lives in another file than the operation being analyzed; its own model is needed to follow it.
            var model = _compilation.GetSemanticModel(declaration.SyntaxTree);
#pragma warning restore RS1030
            foreach (var invocation in Invocations(model, declaration))
            {
                found = Stronger(found, Reached(invocation, depth, visiting));
                if (found?.Work == StartupWork.Schema)
                {
                    break;
                }
            }
        }

        visiting.Remove(method);
        _methods.TryAdd(method, found);
        return found;
    }

    /// <summary>The work <paramref name="invocation"/> does or reaches.</summary>
    public StartupFinding? Reached(IInvocationOperation invocation) =>
        Reached(invocation, 0, new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default));

    private StartupFinding? Reached(IInvocationOperation invocation, int depth, HashSet<IMethodSymbol> visiting)
    {
        var target = invocation.TargetMethod;
        var work = Classify(target);
        if (work != StartupWork.None)
        {
            return new StartupFinding(work, target, invocation.Syntax.GetLocation(), null);
        }

        return HostedServiceOf(target) is { } service
            ? OfHostedService(service, depth + 1, visiting)
            : Of(target, depth + 1, visiting);
    }

    private StartupFinding? OfHostedService(ITypeSymbol service, int depth, HashSet<IMethodSymbol> visiting)
    {
        StartupFinding? found = null;
        for (var type = service; type is not null && IsInSource(type); type = type.BaseType)
        {
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>().Where(m => HostedServiceEntryPoints.Contains(m.Name)))
            {
                found = Stronger(found, Of(method, depth, visiting));
            }
        }

        return found?.InHostedService(service);
    }

    private static IEnumerable<IInvocationOperation> Invocations(SemanticModel model, SyntaxNode declaration)
    {
        if (model.GetOperation(declaration) is not { } operation)
        {
            yield break;
        }

        foreach (var invocation in operation.DescendantsAndSelf().OfType<IInvocationOperation>())
        {
            if (!EnclosingFunction.Encloses(invocation, operation) && !StartupConditions.IsGuarded(invocation.Syntax))
            {
                yield return invocation;
            }
        }
    }

    private bool IsInSource(ISymbol symbol) =>
        SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, _compilation.Assembly) && symbol.DeclaringSyntaxReferences.Length > 0;

    private static StartupFinding? Stronger(StartupFinding? current, StartupFinding? candidate) =>
        candidate is not null && (current is null || candidate.Work > current.Work) ? candidate : current;
}
