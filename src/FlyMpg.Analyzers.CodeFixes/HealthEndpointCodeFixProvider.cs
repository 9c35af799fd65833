using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FlyMpg.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FlyMpg.Analyzers.CodeFixes;

/// <summary>
/// FLYMPG016: maps <c>/healthz</c>. On a <c>WebApplication</c>, <c>app.MapFlyHealthChecks();</c> before the statement that runs
/// it; on another host (a <c>Startup</c> class), <c>endpoints.MapFlyHealthChecks();</c> at the end of the project's one
/// <c>UseEndpoints(endpoints =&gt; ...)</c>. Adds <c>using FlyMpg;</c> where it wrote. Offers nothing when there is no such place
/// (no <c>UseEndpoints</c>, or several): the diagnostic then names the change.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HealthEndpointCodeFixProvider)), Shared]
public sealed class HealthEndpointCodeFixProvider : CodeFixProvider
{
    private const string Title = "Map /healthz with MapFlyHealthChecks";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(FlyMpgDiagnostics.NoHealthEndpointId);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            var invocation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (diagnostic.Properties.ContainsKey(CommandDispatchAnalyzer.WebApplicationProperty))
            {
                if (invocation is { Expression: MemberAccessExpressionSyntax access } && StatementOf(invocation) is { } statement)
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(Title, ct => MapOnTheAppAsync(context.Document, statement, access.Expression, ct), equivalenceKey: diagnostic.Id),
                        diagnostic);
                }

                continue;
            }

            if (await UseEndpointsAsync(context.Document.Project, context.CancellationToken).ConfigureAwait(false) is { } place)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(Title, ct => MapInUseEndpointsAsync(context.Document.Project.Solution, place.Document, place.Lambda, ct), equivalenceKey: diagnostic.Id),
                    diagnostic);
            }
        }
    }

    private static StatementSyntax? StatementOf(InvocationExpressionSyntax invocation) =>
        invocation.FirstAncestorOrSelf<StatementSyntax>() is { Parent: GlobalStatementSyntax or BlockSyntax } statement ? statement : null;

    private static async Task<Document> MapOnTheAppAsync(Document document, StatementSyntax statement, ExpressionSyntax app, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        // The new line takes the statement's place (blank lines and comments above it); the statement follows, indented alike.
        var leading = statement.GetLeadingTrivia();
        var lastEndOfLine = leading.Select((trivia, index) => trivia.IsKind(SyntaxKind.EndOfLineTrivia) ? index : -1).DefaultIfEmpty(-1).Max();
        var mapping = SyntaxFactory.ParseStatement($"{app.WithoutTrivia()}.{HealthEndpoints.FlyMapping}();")
            .WithLeadingTrivia(leading)
            .WithTrailingTrivia(SyntaxFactory.EndOfLine("\n"));
        var moved = statement.WithLeadingTrivia(leading.Skip(lastEndOfLine + 1));
        var newRoot = statement.Parent is GlobalStatementSyntax global
            ? root.ReplaceNode(global, new SyntaxNode[] { SyntaxFactory.GlobalStatement(mapping), global.WithStatement(moved) })
            : root.ReplaceNode(statement, new SyntaxNode[] { mapping, moved });
        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return document.WithSyntaxRoot(FlyMpgNamespaceImport.Ensure(newRoot, semanticModel));
    }

    /// <summary>The project's one <c>UseEndpoints</c> call whose argument is a lambda of one parameter (the endpoint route builder).</summary>
    private static async Task<(Document Document, LambdaExpressionSyntax Lambda)?> UseEndpointsAsync(Project project, CancellationToken cancellationToken)
    {
        var found = new System.Collections.Generic.List<(Document, LambdaExpressionSyntax)>();
        foreach (var document in project.Documents)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                continue;
            }

            found.AddRange(root.DescendantNodes()
                .OfType<InvocationExpressionSyntax>()
                .Where(i => i.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "UseEndpoints" } && i.ArgumentList.Arguments.Count == 1)
                .Select(i => i.ArgumentList.Arguments[0].Expression)
                .OfType<LambdaExpressionSyntax>()
                .Where(l => ParameterName(l) is not null)
                .Select(l => (document, l)));
        }

        return found.Count == 1 ? found[0] : null;
    }

    private static string? ParameterName(LambdaExpressionSyntax lambda) => lambda switch
    {
        SimpleLambdaExpressionSyntax simple => simple.Parameter.Identifier.ValueText,
        ParenthesizedLambdaExpressionSyntax { ParameterList.Parameters.Count: 1 } parenthesized => parenthesized.ParameterList.Parameters[0].Identifier.ValueText,
        _ => null,
    };

    private static async Task<Solution> MapInUseEndpointsAsync(Solution solution, Document document, LambdaExpressionSyntax lambda, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return solution;
        }

        var mapping = SyntaxFactory.ParseStatement($"{ParameterName(lambda)}.{HealthEndpoints.FlyMapping}();");
        LambdaExpressionSyntax newLambda;
        if (lambda.Block is { } block)
        {
            var last = block.Statements.LastOrDefault();
            var indentation = last?.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)) ?? Enumerable.Empty<SyntaxTrivia>();
            newLambda = lambda.WithBlock(block.AddStatements(mapping.WithLeadingTrivia(indentation).WithTrailingTrivia(SyntaxFactory.EndOfLine("\n"))));
        }
        else if (lambda.ExpressionBody is { } expression)
        {
            // endpoints => endpoints.MapControllers()  becomes a block that does both.
            var body = SyntaxFactory.Block(SyntaxFactory.ExpressionStatement(expression.WithoutTrivia()), mapping);
            newLambda = lambda.WithExpressionBody(null).WithBlock(body.NormalizeWhitespace());
        }
        else
        {
            return solution;
        }

        var newRoot = root.ReplaceNode(lambda, newLambda);
        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return solution.WithDocumentSyntaxRoot(document.Id, FlyMpgNamespaceImport.Ensure(newRoot, semanticModel));
    }
}
