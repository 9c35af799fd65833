using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// The compile-time text of a string argument: literals, constants, raw strings, concatenations and the constant parts of
/// interpolated strings (a hole becomes a neutral placeholder, as EF turns it into a parameter). Null when nothing is constant.
/// </summary>
internal static class ConstantText
{
    private const string Hole = " 0 ";

    public static string? Of(IOperation? operation)
    {
        var builder = new StringBuilder();
        return Append(operation, builder) ? builder.ToString() : null;
    }

    /// <summary>Appends the text of the operation; false when no part of it is constant.</summary>
    private static bool Append(IOperation? operation, StringBuilder builder)
    {
        switch (operation)
        {
            case null:
                return false;
            case { ConstantValue: { HasValue: true, Value: string text } }:
                builder.Append(text);
                return true;
            case IConversionOperation conversion:
                return Append(conversion.Operand, builder);
            case IInterpolatedStringOperation interpolated:
                var any = false;
                foreach (var part in interpolated.Parts)
                {
                    if (part is IInterpolatedStringTextOperation { Text.ConstantValue: { HasValue: true, Value: string literal } })
                    {
                        builder.Append(literal);
                        any = true;
                    }
                    else if (part is IInterpolationOperation { Expression.ConstantValue: { HasValue: true, Value: string constant } })
                    {
                        builder.Append(constant);
                        any = true;
                    }
                    else
                    {
                        builder.Append(Hole);
                    }
                }

                return any;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } binary when binary.Type?.SpecialType == SpecialType.System_String:
                var left = Append(binary.LeftOperand, builder);
                if (!left)
                {
                    builder.Append(Hole);
                }

                var right = Append(binary.RightOperand, builder);
                if (!right)
                {
                    builder.Append(Hole);
                }

                return left || right;
            default:
                return false;
        }
    }
}
