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
/// FLYMPG010: replaces <c>builder.Services.AddDbContext&lt;T&gt;(o =&gt; o.UseNpgsql(connectionString))</c> with
/// <c>builder.AddFlyPostgres&lt;T&gt;()</c> (or, in a Startup class, <c>services.AddFlyPostgres&lt;T&gt;(Configuration)</c>) and
/// adds <c>using FlyMpg;</c>. Offered only when the analyzer found the options to be that one call. A connection string
/// nothing reads afterwards goes too (<see cref="Leftovers"/>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddFlyPostgresCodeFixProvider)), Shared]
public sealed class AddFlyPostgresCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(FlyMpgDiagnostics.OwnDbContextRegistrationId);

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
            if (!diagnostic.Properties.TryGetValue(DbContextRegistrationAnalyzer.ReplacementProperty, out var replacement) || replacement is null
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax invocation)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Register the context with AddFlyPostgres", ct => FixAsync(context.Document, invocation, replacement, ct), equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }

    private static async Task<Document> FixAsync(Document document, InvocationExpressionSyntax invocation, string replacement, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var expression = SyntaxFactory.ParseExpression(replacement).WithTriviaFrom(invocation);
        var newRoot = FlyMpgNamespaceImport.Ensure(root.ReplaceNode(invocation, expression), semanticModel);
        return await Leftovers.RemoveUnreadConnectionStringsAsync(document.WithSyntaxRoot(newRoot), cancellationToken).ConfigureAwait(false);
    }
}
