using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace FlyMpg.Analyzers;

/// <summary>
/// Code under a condition that picks a command or an environment: an <c>if</c>/<c>switch</c>/<c>?:</c> whose condition reads
/// the command line (<c>args</c>), <c>RELEASE_COMMAND</c>, a <c>"migrate"</c> string or <c>IsDevelopment()</c>. What runs there
/// is not unconditional web startup (<c>if (args is ["migrate"]) { db.Database.Migrate(); return; }</c> is a migrate command).
/// </summary>
internal static class StartupConditions
{
    public static bool IsGuarded(SyntaxNode node)
    {
        foreach (var ancestor in node.Ancestors())
        {
            var condition = ancestor switch
            {
                IfStatementSyntax ifStatement => ifStatement.Condition,
                SwitchStatementSyntax switchStatement => switchStatement.Expression,
                SwitchExpressionSyntax switchExpression => switchExpression.GoverningExpression,
                ConditionalExpressionSyntax conditional => conditional.Condition,
                _ => null,
            };
            if (condition is not null && IsCommandOrEnvironmentCondition(condition))
            {
                return true;
            }

            // A top-level statement's ancestors end at its GlobalStatement; members end the search too.
            if (ancestor is MemberDeclarationSyntax and not GlobalStatementSyntax)
            {
                break;
            }
        }

        return false;
    }

    private static bool IsCommandOrEnvironmentCondition(ExpressionSyntax condition) =>
        condition.DescendantNodesAndSelf().Any(n => n switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText is "args" or "IsDevelopment",
            LiteralExpressionSyntax literal => literal.Token.ValueText.IndexOf("migrate", StringComparison.OrdinalIgnoreCase) >= 0
                || literal.Token.ValueText == "RELEASE_COMMAND",
            _ => false,
        });
}
