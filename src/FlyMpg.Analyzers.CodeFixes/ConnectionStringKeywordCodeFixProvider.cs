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
/// FLYMPG002 and FLYMPG005: removes "Max Auto Prepare=N" or "Search Path=..." (with one ';') from a string literal
/// connection string. Not offered for Options (what it carries must move to the role first) nor for non-literal strings.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ConnectionStringKeywordCodeFixProvider)), Shared]
public sealed class ConnectionStringKeywordCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(FlyMpgDiagnostics.MaxAutoPrepareId, FlyMpgDiagnostics.StartupParameterId);

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
            if (!diagnostic.Properties.TryGetValue(FlyMpgDiagnostics.KeywordProperty, out var keyword)
                || keyword is not (ConnectionStringText.MaxAutoPrepare or ConnectionStringText.SearchPath))
            {
                continue;
            }

            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
                || !literal.IsKind(SyntaxKind.StringLiteralExpression)
                || ConnectionStringText.Remove(literal.Token.ValueText, keyword) is null)
            {
                continue;
            }

            var title = keyword == ConnectionStringText.MaxAutoPrepare
                ? "Remove Max Auto Prepare from the connection string"
                : "Remove Search Path from the connection string";
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => FixAsync(context.Document, literal, keyword, ct), equivalenceKey: diagnostic.Id + ":" + keyword),
                diagnostic);
        }
    }

    private static async Task<Document> FixAsync(Document document, LiteralExpressionSyntax literal, string keyword, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var value = ConnectionStringText.Remove(literal.Token.ValueText, keyword);
        if (root is null || value is null)
        {
            return document;
        }

        // Keep a verbatim literal verbatim when nothing in it needs escaping; otherwise write a regular literal.
        var token = literal.Token.Text.StartsWith("@") && value.IndexOf('"') < 0
            ? SyntaxFactory.Literal("@\"" + value + "\"", value)
            : SyntaxFactory.Literal(value);
        var replacement = literal.WithToken(token.WithTriviaFrom(literal.Token));
        return document.WithSyntaxRoot(root.ReplaceNode(literal, replacement));
    }
}
