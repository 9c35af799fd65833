using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FlyMpg.Analyzers.CodeFixes;

/// <summary>Adds <c>using FlyMpg;</c> (or another namespace) to a file that has neither it nor a global one: after the System usings, in ordinal order among the others (the .NET convention).</summary>
internal static class FlyMpgNamespaceImport
{
    public static SyntaxNode Ensure(SyntaxNode root, SemanticModel? semanticModel, string namespaceName = "FlyMpg")
    {
        if (root is not CompilationUnitSyntax unit
            || unit.Usings.Any(u => u.Name?.ToString() == namespaceName && u.Alias is null && u.StaticKeyword.IsKind(SyntaxKind.None))
            || IsGloballyImported(semanticModel, namespaceName))
        {
            return root;
        }

        var directive = SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(" " + namespaceName))
            .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed);
        if (unit.Usings.Count == 0)
        {
            // Before the first member, keeping the file's leading comments above it, and a blank line after it.
            var first = unit.Members.FirstOrDefault();
            var leading = first?.GetLeadingTrivia() ?? default;
            directive = directive.WithLeadingTrivia(leading).WithTrailingTrivia(SyntaxFactory.EndOfLine("\n"), SyntaxFactory.EndOfLine("\n"));
            var stripped = first is null ? unit : unit.ReplaceNode(first, first.WithLeadingTrivia());
            return stripped.WithUsings(SyntaxFactory.SingletonList(directive));
        }

        var usings = unit.Usings;
        var index = 0;
        while (index < usings.Count && usings[index].Alias is null && usings[index].StaticKeyword.IsKind(SyntaxKind.None)
            && (IsSystem(usings[index]) || string.CompareOrdinal(usings[index].Name?.ToString(), namespaceName) < 0))
        {
            index++;
        }

        var newline = usings[0].GetTrailingTrivia().LastOrDefault(t => t.IsKind(SyntaxKind.EndOfLineTrivia));
        directive = directive.WithTrailingTrivia(newline.IsKind(SyntaxKind.None) ? SyntaxFactory.EndOfLine("\n") : newline);
        if (index == 0)
        {
            // The first directive carries the file's leading trivia (comments, #nullable): keep it first.
            directive = directive.WithLeadingTrivia(usings[0].GetLeadingTrivia());
            usings = usings.Replace(usings[0], usings[0].WithLeadingTrivia());
        }

        return unit.WithUsings(usings.Insert(index, directive));
    }

    private static bool IsSystem(UsingDirectiveSyntax directive) =>
        directive.Name?.ToString() is { } name && (name == "System" || name.StartsWith("System.", System.StringComparison.Ordinal));

    private static bool IsGloballyImported(SemanticModel? semanticModel, string namespaceName) =>
        semanticModel?.Compilation.SyntaxTrees
            .Select(tree => tree.GetRoot())
            .OfType<CompilationUnitSyntax>()
            .SelectMany(unit => unit.Usings)
            .Any(u => u.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword) && u.Name?.ToString() == namespaceName) == true;
}
