using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>A DbContext of the project that configures Npgsql itself, in its <c>OnConfiguring</c> override.</summary>
internal static class ContextConfiguration
{
    /// <summary>The <c>UseNpgsql(...)</c> calls in <paramref name="context"/>'s own <c>OnConfiguring</c> (none when it has no such override in source).</summary>
    public static IInvocationOperation[] UseNpgsqlInOnConfiguring(ITypeSymbol context, Compilation compilation, KnownTypes types)
    {
        var onConfiguring = context.GetMembers("OnConfiguring").OfType<IMethodSymbol>().FirstOrDefault(m => m.IsOverride && m.Parameters.Length == 1);
        if (onConfiguring is null || !SymbolEqualityComparer.Default.Equals(onConfiguring.ContainingAssembly, compilation.Assembly))
        {
            return [];
        }

        return onConfiguring.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax())
            .OfType<MethodDeclarationSyntax>()
            .SelectMany(declaration =>
            {
#pragma warning disable RS1030 // The context lives in another file than the registration being analyzed; its own model is needed.
                var model = compilation.GetSemanticModel(declaration.SyntaxTree);
#pragma warning restore RS1030
                return model.GetOperation(declaration)?.DescendantsAndSelf().OfType<IInvocationOperation>() ?? [];
            })
            .Where(i => i.TargetMethod.Name == "UseNpgsql" && SymbolEqualityComparer.Default.Equals(i.TargetMethod.ContainingType, types.NpgsqlDbContextOptionsBuilderExtensions))
            .ToArray();
    }

    /// <summary>Under <c>if (!optionsBuilder.IsConfigured)</c>: a fallback that runs only when nothing configured the context.</summary>
    public static bool IsFallback(SyntaxNode node) =>
        node.Ancestors().OfType<IfStatementSyntax>()
            .Any(i => i.Condition.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Any(n => n.Identifier.ValueText == "IsConfigured"));
}
