using System.Collections.Immutable;
using System.Composition;
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
/// FLYMPG013: <c>builder.AddNpgsqlDbContext&lt;T&gt;("name");</c> becomes <c>builder.AddFlyPostgres&lt;T&gt;();</c> (a second
/// context <c>AddFlyDbContext</c>), with <c>using FlyMpg;</c>; <c>builder.EnrichNpgsqlDbContext&lt;T&gt;();</c> and an
/// <c>AddNpgsqlDataSource("name");</c> beside a context registration are removed. Offered only as the analyzer found safe.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AspireIntegrationCodeFixProvider)), Shared]
public sealed class AspireIntegrationCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(FlyMpgDiagnostics.AspireIntegrationId);

    // The fixes of one file touch neighbouring lines (a registration replaced, the next one removed): applied one after the
    // other on the same tree, not merged as text changes, which the batch fixer drops when they touch.
    public override FixAllProvider GetFixAllProvider() => FixAllProvider.Create(FixAllInDocumentAsync);

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax { Parent: ExpressionStatementSyntax statement } invocation)
            {
                continue;
            }

            if (diagnostic.Properties.TryGetValue(AspireIntegrationAnalyzer.ReplacementProperty, out var replacement) && replacement is not null)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Register the context with FlyMpg instead of Aspire", ct => ReplaceAsync(context.Document, invocation, replacement, ct), equivalenceKey: diagnostic.Id + ":replace"),
                    diagnostic);
            }
            else if (diagnostic.Properties.ContainsKey(AspireIntegrationAnalyzer.RemovableProperty))
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Remove Aspire's registration (AddFlyPostgres covers it)", ct => RemoveStatementCodeFixProvider.RemoveAsync(context.Document, statement, ct), equivalenceKey: diagnostic.Id + ":remove"),
                    diagnostic);
            }
        }
    }

    private static async Task<Document?> FixAllInDocumentAsync(FixAllContext context, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var edits = new System.Collections.Generic.List<(SyntaxNode Node, string? Replacement)>();
        foreach (var diagnostic in diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax { Parent: ExpressionStatementSyntax statement } invocation)
            {
                continue;
            }

            if (diagnostic.Properties.TryGetValue(AspireIntegrationAnalyzer.ReplacementProperty, out var replacement) && replacement is not null)
            {
                edits.Add((invocation, replacement));
            }
            else if (diagnostic.Properties.ContainsKey(AspireIntegrationAnalyzer.RemovableProperty))
            {
                edits.Add((statement.Parent is GlobalStatementSyntax global ? global : statement, null));
            }
        }

        var newRoot = root.TrackNodes(System.Linq.Enumerable.Select(edits, e => e.Node));
        foreach (var (node, replacement) in edits)
        {
            var current = newRoot.GetCurrentNode(node)!;
            newRoot = replacement is null
                ? newRoot.RemoveNode(current, SyntaxRemoveOptions.KeepNoTrivia | SyntaxRemoveOptions.KeepDirectives)!
                : newRoot.ReplaceNode(current, SyntaxFactory.ParseExpression(replacement).WithTriviaFrom(current));
        }

        if (System.Linq.Enumerable.Any(edits, e => e.Replacement is not null))
        {
            newRoot = FlyMpgNamespaceImport.Ensure(newRoot, await document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false));
        }

        return document.WithSyntaxRoot(newRoot);
    }

    private static async Task<Document> ReplaceAsync(Document document, InvocationExpressionSyntax invocation, string replacement, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var newRoot = root.ReplaceNode(invocation, SyntaxFactory.ParseExpression(replacement).WithTriviaFrom(invocation));
        return document.WithSyntaxRoot(FlyMpgNamespaceImport.Ensure(newRoot, semanticModel));
    }
}
