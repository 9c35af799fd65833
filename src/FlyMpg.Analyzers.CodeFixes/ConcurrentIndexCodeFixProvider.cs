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
/// FLYMPG026: <c>migrationBuilder.CreateIndex(...)</c> becomes <c>migrationBuilder.CreateIndex(...).Annotation("Npgsql:CreatedConcurrently", true)</c>:
/// Npgsql then writes CREATE INDEX CONCURRENTLY and runs it outside the migration's transaction. Left to do, as the
/// message says: the index alone in its migration (FLYMPG033), and <c>IsCreatedConcurrently()</c> in the model, so a
/// later migration that builds it again does the same.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ConcurrentIndexCodeFixProvider)), Shared]
public sealed class ConcurrentIndexCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(FlyMpgDiagnostics.NonConcurrentIndexId);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            // The SQL form (CREATE INDEX in migrationBuilder.Sql) is reported on the string: no mechanical fix there.
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is InvocationExpressionSyntax
                {
                    Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "CreateIndex" },
                } invocation)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Build the index CONCURRENTLY", ct => FixAsync(context.Document, invocation, ct), equivalenceKey: diagnostic.Id),
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

        var annotated = SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, invocation.WithoutTrailingTrivia(), SyntaxFactory.IdentifierName("Annotation")),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(new[]
                {
                    SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal("Npgsql:CreatedConcurrently"))),
                    SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.TrueLiteralExpression)),
                })))
            .WithTrailingTrivia(invocation.GetTrailingTrivia());
        return document.WithSyntaxRoot(root.ReplaceNode(invocation, annotated));
    }
}
