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
/// FLYMPG027, FLYMPG028: <c>migrationBuilder.AddForeignKey(...)</c> / <c>AddCheckConstraint(...)</c> becomes
/// <c>migrationBuilder.Sql("ALTER TABLE ... ADD CONSTRAINT ... NOT VALID;")</c>, which checks no existing row, preceded by
/// a comment with the VALIDATE CONSTRAINT statement for a later migration. Offered when every name is a constant (the
/// analyzer wrote the SQL) and the call is a statement of its own. The model snapshot keeps the constraint, as it should.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NotValidConstraintCodeFixProvider)), Shared]
public sealed class NotValidConstraintCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(FlyMpgDiagnostics.ValidatedForeignKeyId, FlyMpgDiagnostics.ValidatedCheckConstraintId);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.Properties.TryGetValue(MigrationSafetyAnalyzer.NotValidSqlProperty, out var sql) && sql is not null
                && diagnostic.Properties.TryGetValue(MigrationSafetyAnalyzer.ValidateSqlProperty, out var validate) && validate is not null
                && root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is InvocationExpressionSyntax
                {
                    Expression: MemberAccessExpressionSyntax receiver,
                    Parent: ExpressionStatementSyntax statement,
                })
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Add the constraint NOT VALID (validate it in a later migration)", ct => FixAsync(context.Document, statement, receiver.Expression, sql, validate, ct), equivalenceKey: diagnostic.Id),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> FixAsync(Document document, ExpressionStatementSyntax statement, ExpressionSyntax builder, string sql, string validate, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var indentation = statement.GetLeadingTrivia().Where(t => t.IsKind(SyntaxKind.WhitespaceTrivia)).LastOrDefault();
        var call = $"{builder}.Sql({SyntaxFactory.Literal(sql)});";
        var comment = $"// Validate it in a later migration, which lets reads and writes go on: {builder}.Sql({SyntaxFactory.Literal(validate)});";
        var replacement = SyntaxFactory.ParseStatement(call)
            .WithLeadingTrivia(statement.GetLeadingTrivia().Add(SyntaxFactory.Comment(comment)).Add(SyntaxFactory.EndOfLine("\n")).Add(indentation))
            .WithTrailingTrivia(statement.GetTrailingTrivia());
        return document.WithSyntaxRoot(root.ReplaceNode(statement, replacement));
    }
}
