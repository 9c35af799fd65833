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
/// FLYMPG001: removes the statement that calls Prepare()/PrepareAsync(). FLYMPG006: removes the statement that calls
/// Database.Migrate()/MigrateAsync() at startup (the migrate command applies migrations). Offered only when the call is the
/// whole statement (optionally awaited, optionally with ConfigureAwait), so nothing else is lost; for FLYMPG006 the
/// <c>using</c> scope around it goes too when it only resolved the context to migrate. Any other FLYMPG006 (a migration
/// reached through a helper, <c>EnsureCreated</c>) moves behind <c>migrate</c> instead (<see cref="DeferToMigrate"/>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveStatementCodeFixProvider)), Shared]
public sealed class RemoveStatementCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(FlyMpgDiagnostics.PrepareId, FlyMpgDiagnostics.StartupMigrationId);

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
            if (diagnostic.Id == FlyMpgDiagnostics.StartupMigrationId && !diagnostic.Properties.ContainsKey(StartupMigrationAnalyzer.RemovableProperty))
            {
                // Reached through a helper, EnsureCreated, a scope that also seeds: moved behind migrate where that is mechanical.
                if (DeferToMigrate.Create(context.Document, root, diagnostic) is { } defer)
                {
                    context.RegisterCodeFix(defer, diagnostic);
                }

                continue;
            }

            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            var invocation = node.FirstAncestorOrSelf<InvocationExpressionSyntax>();
            if (invocation is null || StatementOf(invocation) is not { } statement)
            {
                continue;
            }

            var title = diagnostic.Id == FlyMpgDiagnostics.PrepareId
                ? "Remove the Prepare() call"
                : "Remove the startup migration (the migrate command applies migrations)";
            var removed = diagnostic.Id == FlyMpgDiagnostics.StartupMigrationId ? (StatementSyntax?)ScopeOnlyFor(statement) ?? statement : statement;
            context.RegisterCodeFix(
                CodeAction.Create(title, ct => RemoveAsync(context.Document, removed, ct), equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }

    /// <summary>The expression statement that is exactly this call: x.Prepare(); await x.PrepareAsync(ct).ConfigureAwait(false);</summary>
    private static ExpressionStatementSyntax? StatementOf(InvocationExpressionSyntax invocation)
    {
        SyntaxNode current = invocation;
        while (true)
        {
            var parent = current.Parent;
            switch (parent)
            {
                case ExpressionStatementSyntax statement:
                    return statement;
                case AwaitExpressionSyntax:
                case ParenthesizedExpressionSyntax:
                    current = parent;
                    break;
                case MemberAccessExpressionSyntax access when access.Expression == current
                    && access.Name.Identifier.ValueText == "ConfigureAwait"
                    && access.Parent is InvocationExpressionSyntax:
                    current = access.Parent;
                    break;
                default:
                    return null;
            }
        }
    }

    /// <summary>
    /// <c>using (var scope = app.Services.CreateScope()) { var db = scope...GetRequiredService&lt;AppDb&gt;(); db.Database.Migrate(); }</c>:
    /// the scope exists only to migrate, so the whole using statement goes. Null when the block does anything else.
    /// </summary>
    private static UsingStatementSyntax? ScopeOnlyFor(StatementSyntax migration) =>
        migration.Parent is BlockSyntax { Parent: UsingStatementSyntax usingStatement } block
        && block.Statements.All(s => s == migration || s is LocalDeclarationStatementSyntax { Declaration.Variables: var variables }
            && variables.All(v => v.Initializer?.Value is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetRequiredService" or "GetService" } }))
            ? usingStatement
            : null;

    internal static async Task<Document> RemoveAsync(Document document, StatementSyntax statement, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        // A statement that is the body of an if/else/loop cannot go away: it becomes an empty block.
        if (statement.Parent is not BlockSyntax and not GlobalStatementSyntax and not SwitchSectionSyntax)
        {
            return document.WithSyntaxRoot(root.ReplaceNode(statement, SyntaxFactory.Block().WithTriviaFrom(statement)));
        }

        SyntaxNode removed = statement.Parent is GlobalStatementSyntax global ? global : statement;

        // The statement's own comment lines (no blank line between them and it) go with it; blank lines, and comments
        // separated from it by one, stay (they separate or describe what follows).
        var leading = removed.GetLeadingTrivia();
        var lastEndOfLine = -1;
        var lineIsEmpty = true;
        for (var i = 0; i < leading.Count; i++)
        {
            if (leading[i].IsKind(SyntaxKind.EndOfLineTrivia))
            {
                if (lineIsEmpty)
                {
                    lastEndOfLine = i; // the end of a blank line
                }

                lineIsEmpty = true;
            }
            else if (!leading[i].IsKind(SyntaxKind.WhitespaceTrivia))
            {
                lineIsEmpty = false;
            }
        }

        var annotation = new SyntaxAnnotation();
        var next = removed.GetLastToken().GetNextToken();
        var annotated = root.ReplaceNode(removed, removed.WithAdditionalAnnotations(annotation));
        // A blank line above it and one below would leave two: keep only the one below.
        var keptIsBlank = leading.Take(lastEndOfLine + 1).All(t => t.IsKind(SyntaxKind.EndOfLineTrivia) || t.IsKind(SyntaxKind.WhitespaceTrivia));
        var blankBelow = next != default && next.LeadingTrivia.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        if (lastEndOfLine >= 0 && next != default && !(keptIsBlank && blankBelow))
        {
            var kept = leading.Take(lastEndOfLine + 1);
            var nextToken = annotated.FindToken(next.SpanStart);
            annotated = annotated.ReplaceToken(nextToken, nextToken.WithLeadingTrivia(kept.Concat(nextToken.LeadingTrivia)));
        }

        var target = annotated.GetAnnotatedNodes(annotation).Single();
        var newRoot = annotated.RemoveNode(target, SyntaxRemoveOptions.KeepUnbalancedDirectives | SyntaxRemoveOptions.KeepDirectives);
        if (newRoot is null)
        {
            return document;
        }

        // The block's first statement gone: what follows does not open the block with a blank line.
        var after = newRoot.FindToken(target.FullSpan.Start);
        if (after.GetPreviousToken().IsKind(SyntaxKind.OpenBraceToken))
        {
            var leadingTrivia = after.LeadingTrivia;
            var blankLinesEnd = -1;
            for (var i = 0; i < leadingTrivia.Count && (leadingTrivia[i].IsKind(SyntaxKind.EndOfLineTrivia) || leadingTrivia[i].IsKind(SyntaxKind.WhitespaceTrivia)); i++)
            {
                if (leadingTrivia[i].IsKind(SyntaxKind.EndOfLineTrivia))
                {
                    blankLinesEnd = i;
                }
            }

            newRoot = newRoot.ReplaceToken(after, after.WithLeadingTrivia(leadingTrivia.Skip(blankLinesEnd + 1)));
        }

        return document.WithSyntaxRoot(newRoot);
    }
}
