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
/// FLYMPG032: <c>migrationBuilder.Sql("CREATE INDEX CONCURRENTLY ...")</c> gets <c>suppressTransaction: true</c>, so EF
/// runs it outside the migration's transaction. Offered when the SQL is that one statement.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SuppressTransactionCodeFixProvider)), Shared]
public sealed class SuppressTransactionCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(FlyMpgDiagnostics.NotInTransactionId);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.Properties.ContainsKey(MigrationSqlRules.SuppressTransactionFixProperty)
                && root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is { } invocation
                && invocation.ArgumentList.Arguments.Count == 1)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Run it outside the migration's transaction (suppressTransaction: true)", ct => FixAsync(context.Document, invocation, ct), equivalenceKey: diagnostic.Id),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> FixAsync(Document document, InvocationExpressionSyntax invocation, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var argument = SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression))
            .WithNameColon(SyntaxFactory.NameColon("suppressTransaction"));
        var arguments = invocation.ArgumentList.Arguments;
        var list = invocation.ArgumentList.WithArguments(SyntaxFactory.SeparatedList(
            arguments.Append(argument),
            Enumerable.Repeat(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space), arguments.Count)));
        return document.WithSyntaxRoot(root.ReplaceNode(invocation.ArgumentList, list));
    }
}
