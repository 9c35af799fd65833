using System;
using System.Text.RegularExpressions;

namespace FlyMpg.Analyzers;

/// <summary>
/// Which column type changes Postgres makes without rewriting the table (so without holding its ACCESS EXCLUSIVE lock
/// for long): a varchar made longer, unbounded, or text; text to an unbounded varchar; a numeric given more precision at
/// the same scale, or made unconstrained.
/// </summary>
internal static class ColumnTypes
{
    private static readonly Regex Varchar = new(@"^(?:character varying|varchar)(?:\((\d+)\))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex Numeric = new(@"^(?:numeric|decimal)(?:\((\d+)(?:,(\d+))?\))?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>True when the types differ only in a way Postgres applies without a rewrite (or do not differ).</summary>
    public static bool ChangesWithoutRewrite(string oldType, string newType)
    {
        var from = Normalize(oldType);
        var to = Normalize(newType);
        if (string.Equals(from, to, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var fromVarchar = Varchar.Match(from);
        var fromText = string.Equals(from, "text", StringComparison.OrdinalIgnoreCase);
        var toVarchar = Varchar.Match(to);
        var toText = string.Equals(to, "text", StringComparison.OrdinalIgnoreCase);
        if (fromVarchar.Success || fromText)
        {
            if (toText)
            {
                return true;
            }

            if (toVarchar.Success)
            {
                // Unbounded to bounded needs every row checked; bounded to a longer or unbounded one does not.
                return !toVarchar.Groups[1].Success
                    || (fromVarchar.Success && fromVarchar.Groups[1].Success && int.Parse(toVarchar.Groups[1].Value) >= int.Parse(fromVarchar.Groups[1].Value));
            }
        }

        var fromNumeric = Numeric.Match(from);
        var toNumeric = Numeric.Match(to);
        if (fromNumeric.Success && toNumeric.Success)
        {
            if (!toNumeric.Groups[1].Success)
            {
                return true;
            }

            return fromNumeric.Groups[1].Success
                && Scale(fromNumeric) == Scale(toNumeric)
                && int.Parse(toNumeric.Groups[1].Value) >= int.Parse(fromNumeric.Groups[1].Value);
        }

        return false;
    }

    private static int Scale(Match numeric) => numeric.Groups[2].Success ? int.Parse(numeric.Groups[2].Value) : 0;

    private static string Normalize(string type) => Regex.Replace(type.Trim(), @"\s*([(),])\s*", "$1");
}
