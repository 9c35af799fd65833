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
using Microsoft.CodeAnalysis.Formatting;

namespace FlyMpg.Analyzers.CodeFixes;

/// <summary>
/// FLYMPG015: makes a context that configures itself take FlyMpg's options. <c>OnConfiguring</c>'s <c>UseNpgsql(...)</c> runs only
/// when nothing configured the context (<c>if (!optionsBuilder.IsConfigured)</c>: <c>dotnet ef</c> and code that makes one by
/// hand keep working), and the constructor takes <c>DbContextOptions&lt;T&gt;</c> and passes it to <c>base</c>: added as the
/// first parameter of the one constructor (a primary constructor too), or a constructor of its own when there was none.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ContextConfigurationCodeFixProvider)), Shared]
public sealed class ContextConfigurationCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(FlyMpgDiagnostics.ContextConfiguresItselfId);

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
            if (diagnostic.Properties.ContainsKey(ContextConfigurationAnalyzer.FixableProperty)
                && root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<MethodDeclarationSyntax>() is { Parent: ClassDeclarationSyntax type } method)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Take FlyMpg's options; configure Npgsql only when nothing did", ct => FixAsync(context.Document, type, method, ct), equivalenceKey: diagnostic.Id),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> FixAsync(Document document, ClassDeclarationSyntax type, MethodDeclarationSyntax onConfiguring, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || model.GetDeclaredSymbol(type, cancellationToken) is not { } contextType)
        {
            return document;
        }

        var builder = onConfiguring.ParameterList.Parameters[0].Identifier.ValueText;
        var name = type.Identifier.ValueText;
        var options = $"DbContextOptions<{name}>";
        var newType = type.ReplaceNode(onConfiguring, Guarded(onConfiguring, builder));

        var takesOptions = contextType.InstanceConstructors.Any(c => !c.IsImplicitlyDeclared && c.Parameters.Any(p => ContextConfigurationAnalyzer.IsOptions(p.Type, contextType)));
        if (!takesOptions)
        {
            var constructor = newType.Members.OfType<ConstructorDeclarationSyntax>().FirstOrDefault(c => !c.Modifiers.Any(SyntaxKind.StaticKeyword));
            if (constructor is not null)
            {
                var parameters = constructor.ParameterList.Parameters.Insert(0, SyntaxFactory.Parameter(SyntaxFactory.Identifier("options")).WithType(SyntaxFactory.ParseTypeName(options + " ")));
                var initializer = SyntaxFactory.ConstructorInitializer(SyntaxKind.BaseConstructorInitializer, SyntaxFactory.ParseArgumentList("(options)"));
                newType = newType.ReplaceNode(constructor, constructor
                    .WithParameterList(constructor.ParameterList.WithParameters(parameters))
                    .WithInitializer(initializer)
                    .WithAdditionalAnnotations(Formatter.Annotation));
            }
            else if (newType.ParameterList is { } primary && newType.BaseList?.Types.FirstOrDefault() is SimpleBaseTypeSyntax baseType)
            {
                var parameters = primary.Parameters.Insert(0, SyntaxFactory.Parameter(SyntaxFactory.Identifier("options")).WithType(SyntaxFactory.ParseTypeName(options + " ")));
                var withArguments = SyntaxFactory.PrimaryConstructorBaseType(baseType.Type.WithoutTrailingTrivia(), SyntaxFactory.ParseArgumentList("(options)"))
                    .WithTrailingTrivia(baseType.GetTrailingTrivia());
                newType = newType.ReplaceNode(baseType, withArguments);
                newType = newType.WithParameterList(primary.WithParameters(parameters));
            }
            else
            {
                // No constructor: one that takes the options, first among the members.
                var added = SyntaxFactory.ParseMemberDeclaration($"public {name}({options} options)\n    : base(options)\n{{\n}}")!
                    .WithTrailingTrivia(SyntaxFactory.EndOfLine("\n"), SyntaxFactory.EndOfLine("\n"))
                    .WithAdditionalAnnotations(Formatter.Annotation);
                newType = newType.WithMembers(newType.Members.Insert(0, added));
            }
        }

        var newRoot = FlyMpgNamespaceImport.Ensure(root.ReplaceNode(type, newType), model, "Microsoft.EntityFrameworkCore");
        return document.WithSyntaxRoot(newRoot);
    }

    /// <summary>The body, now <c>if (!options.IsConfigured) { ... }</c> (an expression body becomes a block).</summary>
    private static MethodDeclarationSyntax Guarded(MethodDeclarationSyntax method, string builder)
    {
        var statements = method.ExpressionBody is { Expression: var expression }
            ? SyntaxFactory.SingletonList<StatementSyntax>(SyntaxFactory.ExpressionStatement(expression.WithoutTrivia()))
            : method.Body!.Statements;
        var guard = SyntaxFactory.IfStatement(SyntaxFactory.ParseExpression($"!{builder}.IsConfigured"), SyntaxFactory.Block(statements));
        return method
            .WithExpressionBody(null)
            .WithSemicolonToken(default)
            .WithParameterList(method.ParameterList.WithoutTrailingTrivia())
            .WithBody(SyntaxFactory.Block(guard))
            .WithAdditionalAnnotations(Formatter.Annotation);
    }
}
