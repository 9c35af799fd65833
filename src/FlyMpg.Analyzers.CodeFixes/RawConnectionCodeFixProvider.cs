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
/// FLYMPG014: in a scoped or transient registration, <c>_ =&gt; new NpgsqlConnection(connectionString)</c> becomes
/// <c>provider =&gt; provider.GetRequiredService&lt;NpgsqlDataSource&gt;().CreateConnection()</c>: the connection comes from the
/// pooled data source AddFlyPostgres registers, closed until Dapper (or the caller) opens it, as before.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RawConnectionCodeFixProvider)), Shared]
public sealed class RawConnectionCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(FlyMpgDiagnostics.RawConnectionId);

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
            if (diagnostic.Properties.ContainsKey(RawConnectionAnalyzer.RegistrationProperty)
                && root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<BaseObjectCreationExpressionSyntax>() is { Parent: LambdaExpressionSyntax lambda })
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Take the connection from FlyMpg's data source", ct => FixAsync(context.Document, lambda, ct), equivalenceKey: diagnostic.Id),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> FixAsync(Document document, LambdaExpressionSyntax lambda, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var parameter = lambda switch
        {
            SimpleLambdaExpressionSyntax simple => simple.Parameter,
            ParenthesizedLambdaExpressionSyntax parenthesized => parenthesized.ParameterList.Parameters[0],
            _ => null,
        };
        if (parameter is null)
        {
            return document;
        }

        // A discard (_ => ...) gets a name: the body now uses the provider.
        var name = parameter.Identifier.ValueText == "_" ? "provider" : parameter.Identifier.ValueText;
        var body = SyntaxFactory.ParseExpression($"{name}.GetRequiredService<NpgsqlDataSource>().CreateConnection()").WithTriviaFrom(lambda.ExpressionBody!);
        var newParameter = parameter.WithIdentifier(SyntaxFactory.Identifier(name).WithTriviaFrom(parameter.Identifier));
        var newLambda = lambda.ReplaceNodes(new SyntaxNode[] { parameter, lambda.ExpressionBody! }, (original, _) => original == parameter ? newParameter : body);
        var newRoot = root.ReplaceNode(lambda, newLambda);
        var semanticModel = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        newRoot = FlyMpgNamespaceImport.Ensure(newRoot, semanticModel, "Npgsql");
        newRoot = FlyMpgNamespaceImport.Ensure(newRoot, semanticModel, "Microsoft.Extensions.DependencyInjection");
        return await Leftovers.RemoveUnreadConnectionStringsAsync(document.WithSyntaxRoot(newRoot), cancellationToken).ConfigureAwait(false);
    }
}
