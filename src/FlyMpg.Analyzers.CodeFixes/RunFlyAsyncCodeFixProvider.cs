using System.Collections.Immutable;
using System.Linq;
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
/// FLYMPG011: replaces the top-level <c>app.Run();</c> / <c>await app.RunAsync();</c> with
/// <c>return await app.RunFlyAsync(args);</c>, adds <c>app.MapFlyHealthChecks();</c> before it when the project maps neither it
/// nor a <c>/healthz</c> of its own (fly.toml's check asks for <c>/healthz</c>), and adds <c>using FlyMpg;</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RunFlyAsyncCodeFixProvider)), Shared]
public sealed class RunFlyAsyncCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(FlyMpgDiagnostics.NoCommandDispatchId);

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
            if (!diagnostic.Properties.ContainsKey(CommandDispatchAnalyzer.FixableProperty)
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } invocation
                || invocation.FirstAncestorOrSelf<GlobalStatementSyntax>() is not { } statement)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Dispatch FlyMpg's commands with RunFlyAsync", ct => FixAsync(context.Document, statement, access.Expression, ct), equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }

    private static async Task<Document> FixAsync(Document document, GlobalStatementSyntax statement, ExpressionSyntax app, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var appText = app.WithoutTrivia().ToString();
        var trailing = statement.GetTrailingTrivia();
        var newline = trailing.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) ? trailing : SyntaxFactory.TriviaList(SyntaxFactory.EndOfLine("\n"));
        var dispatch = SyntaxFactory.GlobalStatement(SyntaxFactory.ParseStatement($"return await {appText}.RunFlyAsync(args);"))
            .WithLeadingTrivia(statement.GetLeadingTrivia())
            .WithTrailingTrivia(trailing);
        var trees = semanticModel?.Compilation.SyntaxTrees ?? ImmutableArray.Create(root.SyntaxTree);
        var mapsHealth = false;
        foreach (var tree in trees)
        {
            var text = (await tree.GetTextAsync(cancellationToken).ConfigureAwait(false)).ToString();
            mapsHealth |= text.Contains("MapFlyHealthChecks") || text.Contains("\"/healthz\"");
        }

        var replacements = mapsHealth
            ? new SyntaxNode[] { dispatch }
            : new SyntaxNode[]
            {
                SyntaxFactory.GlobalStatement(SyntaxFactory.ParseStatement($"{appText}.MapFlyHealthChecks();"))
                    .WithLeadingTrivia(statement.GetLeadingTrivia())
                    .WithTrailingTrivia(newline),
                dispatch.WithLeadingTrivia(),
            };
        var newRoot = FlyMpgNamespaceImport.Ensure(root.ReplaceNode(statement, replacements), semanticModel);
        return document.WithSyntaxRoot(newRoot);
    }
}
