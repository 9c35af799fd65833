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

    // The fixes of one file touch neighbouring lines (a registration replaced, the next one removed): applied one after the other.
    public override FixAllProvider GetFixAllProvider() => SequentialFixAll.For(this);

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

    private static async Task<Document> ReplaceAsync(Document document, InvocationExpressionSyntax invocation, string replacement, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var newRoot = root.ReplaceNode(invocation, SyntaxFactory.ParseExpression(replacement).WithTriviaFrom(invocation));
        return await Leftovers.RemoveUnreadConnectionStringsAsync(document.WithSyntaxRoot(FlyMpgNamespaceImport.Ensure(newRoot, semanticModel)), cancellationToken).ConfigureAwait(false);
    }
}
