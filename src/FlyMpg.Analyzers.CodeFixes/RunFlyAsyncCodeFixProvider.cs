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
using Microsoft.CodeAnalysis.Simplification;

namespace FlyMpg.Analyzers.CodeFixes;

/// <summary>
/// FLYMPG011: replaces <c>app.Run();</c> / <c>await app.RunAsync();</c> with <c>return await app.RunFlyAsync(args);</c>
/// (in a static Main, which becomes <c>async Task&lt;int&gt;</c>, with Main's own parameter name), adds
/// <c>app.MapFlyHealthChecks();</c> before it when the project maps neither it nor a <c>/healthz</c> of its own (fly.toml's
/// check asks for <c>/healthz</c>), and adds <c>using FlyMpg;</c>.
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
                || invocation.FirstAncestorOrSelf<ExpressionStatementSyntax>() is not { } statement)
            {
                continue;
            }

            var mapHealth = diagnostic.Properties.ContainsKey(CommandDispatchAnalyzer.WebApplicationProperty);
            context.RegisterCodeFix(
                CodeAction.Create("Dispatch FlyMpg's commands with RunFlyAsync", ct => FixAsync(context.Document, statement, access.Expression, mapHealth, ct), equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }

    private static async Task<Document> FixAsync(Document document, ExpressionStatementSyntax statement, ExpressionSyntax app, bool mapHealth, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var main = statement.Parent is BlockSyntax { Parent: MethodDeclarationSyntax method } ? method : null;
        var argsName = main?.ParameterList.Parameters.FirstOrDefault()?.Identifier.ValueText ?? "args";
        var appText = app.WithoutTrivia().ToString();
        var mapsHealth = !mapHealth || (semanticModel?.Compilation is { } compilation
            ? HealthEndpoints.AreMapped(compilation, cancellationToken)
            : HealthEndpoints.AreMapped(root));

        var trailing = statement.GetTrailingTrivia();
        var newline = trailing.Any(t => t.IsKind(SyntaxKind.EndOfLineTrivia)) ? trailing : SyntaxFactory.TriviaList(SyntaxFactory.EndOfLine("\n"));
        var dispatch = SyntaxFactory.ParseStatement($"return await {appText}.RunFlyAsync({argsName});")
            .WithLeadingTrivia(statement.GetLeadingTrivia())
            .WithTrailingTrivia(trailing);
        // The health line takes the statement's place (blank lines and comments above it); the return follows it, indented alike.
        var leading = statement.GetLeadingTrivia();
        var lastEndOfLine = leading.Select((trivia, index) => trivia.IsKind(SyntaxKind.EndOfLineTrivia) ? index : -1).DefaultIfEmpty(-1).Max();
        var indentation = leading.Skip(lastEndOfLine + 1);
        var statements = mapsHealth
            ? new[] { dispatch }
            : new[]
            {
                SyntaxFactory.ParseStatement($"{appText}.MapFlyHealthChecks();").WithLeadingTrivia(leading).WithTrailingTrivia(newline),
                dispatch.WithLeadingTrivia(indentation),
            };

        SyntaxNode newRoot;
        if (main is null)
        {
            // Top-level statements: each statement is wrapped in a GlobalStatement.
            var global = (GlobalStatementSyntax)statement.Parent!;
            newRoot = root.ReplaceNode(global, statements.Select(s => (SyntaxNode)SyntaxFactory.GlobalStatement(s)));
        }
        else
        {
            var body = main.Body!;
            var index = body.Statements.IndexOf(statement);
            var newBody = body.WithStatements(body.Statements.RemoveAt(index).InsertRange(index, statements));
            // Fully qualified, then simplified by the code action: Task<int> where System.Threading.Tasks is imported.
            var returnType = SyntaxFactory.ParseTypeName("System.Threading.Tasks.Task<int>").WithTriviaFrom(main.ReturnType).WithAdditionalAnnotations(Simplifier.Annotation);
            var modifiers = main.Modifiers.Any(SyntaxKind.AsyncKeyword)
                ? main.Modifiers
                : main.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.AsyncKeyword).WithTrailingTrivia(SyntaxFactory.Space));
            newRoot = root.ReplaceNode(main, main.WithBody(newBody).WithReturnType(returnType).WithModifiers(modifiers));
        }

        return document.WithSyntaxRoot(FlyMpgNamespaceImport.Ensure(newRoot, semanticModel));
    }
}
