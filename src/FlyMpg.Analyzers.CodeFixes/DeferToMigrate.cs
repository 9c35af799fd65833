using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FlyMpg.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace FlyMpg.Analyzers.CodeFixes;

/// <summary>
/// FLYMPG006 and FLYMPG018: moves the startup statement that migrates or seeds behind <c>migrate</c>:
/// <c>app.MigrateDatabaseAndSeed();</c> becomes <c>app.OnFlyMigrate(() =&gt; app.MigrateDatabaseAndSeed());</c>, a
/// <c>using (var scope = ...) { ... }</c> block becomes the body of the lambda (<c>async</c> when it awaits). The host is the
/// one the analyzer found (<see cref="StartupMigrationAnalyzer.DeferOnProperty"/>); <c>using FlyMpg;</c> is added.
/// </summary>
internal static class DeferToMigrate
{
    public const string Title = "Run it in migrate only (OnFlyMigrate)";

    public static CodeAction? Create(Document document, SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(StartupMigrationAnalyzer.DeferOnProperty, out var host) || host is null)
        {
            return null;
        }

        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        var statement = node.AncestorsAndSelf().OfType<StatementSyntax>()
            .FirstOrDefault(s => s.Parent is GlobalStatementSyntax || s.Parent is BlockSyntax { Parent: BaseMethodDeclarationSyntax });
        return statement is ExpressionStatementSyntax or UsingStatementSyntax or BlockSyntax
            ? CodeAction.Create(Title, ct => DeferAsync(document, statement, host, ct), equivalenceKey: "DeferToMigrate")
            : null;
    }

    private static async Task<Document> DeferAsync(Document document, StatementSyntax statement, string host, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        string lambda;
        if (statement is ExpressionStatementSyntax { Expression: var expression })
        {
            // await app.SeedAsync(); becomes () => app.SeedAsync(): OnFlyMigrate awaits the task.
            var call = expression is AwaitExpressionSyntax awaited ? awaited.Expression : expression;
            lambda = "() => " + call.WithoutTrivia().ToFullString();
        }
        else
        {
            var body = statement is BlockSyntax block ? block.WithoutTrivia().ToFullString() : "{ " + statement.WithoutTrivia().ToFullString() + " }";
            var awaits = statement.DescendantNodes().Any(n => n is AwaitExpressionSyntax
                || n is UsingStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword }
                || n is LocalDeclarationStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword }
                || n is ForEachStatementSyntax { AwaitKeyword.RawKind: (int)SyntaxKind.AwaitKeyword });
            lambda = (awaits ? "async () =>" : "() =>") + "\n" + body;
        }

        var replacement = SyntaxFactory.ParseStatement($"{host}.OnFlyMigrate({lambda});")
            .WithLeadingTrivia(statement.GetLeadingTrivia())
            .WithTrailingTrivia(statement.GetTrailingTrivia())
            .WithAdditionalAnnotations(Formatter.Annotation);
        var newRoot = root.ReplaceNode(statement, replacement);
        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return document.WithSyntaxRoot(FlyMpgNamespaceImport.Ensure(newRoot, semanticModel));
    }
}
