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
/// FLYMPG012: replaces <c>builder.Services.AddHangfire(... UsePostgreSqlStorage ...);</c> with <c>builder.AddFlyHangfire();</c>,
/// removes the file's <c>AddHangfireServer(...);</c> statements (FlyMpg.Hangfire runs the server only in the worker), and
/// adds <c>using FlyMpg.Hangfire;</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddFlyHangfireCodeFixProvider)), Shared]
public sealed class AddFlyHangfireCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(FlyMpgDiagnostics.OwnHangfireStorageId);

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
            if (!diagnostic.Properties.TryGetValue(HangfireRegistrationAnalyzer.BuilderProperty, out var builder) || builder is null
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { } statement)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Register Hangfire with AddFlyHangfire", ct => FixAsync(context.Document, statement, builder, ct), equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }

    private static async Task<Document> FixAsync(Document document, ExpressionStatementSyntax statement, string builder, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var servers = root.DescendantNodes()
            .OfType<ExpressionStatementSyntax>()
            .Where(s => s.Expression is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "AddHangfireServer" } })
            .Select(s => s.Parent is GlobalStatementSyntax global ? (SyntaxNode)global : s)
            .ToList();
        var replacement = SyntaxFactory.ParseStatement($"{builder}.AddFlyHangfire();").WithTriviaFrom(statement);
        var newRoot = root.TrackNodes(servers.Append(statement));
        newRoot = newRoot.ReplaceNode(newRoot.GetCurrentNode(statement)!, replacement);
        foreach (var server in servers)
        {
            newRoot = newRoot.RemoveNode(newRoot.GetCurrentNode(server)!, SyntaxRemoveOptions.KeepNoTrivia)!;
        }

        var fixedDocument = document.WithSyntaxRoot(FlyMpgNamespaceImport.Ensure(newRoot, await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false), "FlyMpg.Hangfire"));
        return await Leftovers.RemoveUnreadConnectionStringsAsync(fixedDocument, cancellationToken).ConfigureAwait(false);
    }
}
