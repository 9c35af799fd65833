using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FlyMpg.Analyzers;

/// <summary>
/// Whether a project maps the <c>/healthz</c> endpoint fly.toml's check asks for: a call named <c>MapFlyHealthChecks</c>, or a
/// <c>"/healthz"</c> string (a route of the service's own). Read from the syntax of every file, since the mapping may be in
/// any of them (Program.cs, a Startup class, an extension method); a string that only looks like the route is taken as one.
/// </summary>
internal static class HealthEndpoints
{
    public const string FlyMapping = "MapFlyHealthChecks";
    public const string Route = "/healthz";

    public static bool AreMapped(Compilation compilation, CancellationToken cancellationToken) =>
        compilation.SyntaxTrees.Any(tree => AreMapped(tree.GetRoot(cancellationToken)));

    public static bool AreMapped(SyntaxNode root) =>
        root.DescendantNodes().Any(node => node switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: FlyMapping } } => true,
            LiteralExpressionSyntax literal => literal.IsKind(SyntaxKind.StringLiteralExpression) && literal.Token.ValueText == Route,
            _ => false,
        });
}
