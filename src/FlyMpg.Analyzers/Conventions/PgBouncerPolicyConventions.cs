using System;
using System.Linq;

namespace FlyMpg.Analyzers.Conventions;

/// <summary>
/// FLYMPG043: local/pgbouncer-mpg.ini, the pooling policy of MPG the local pooler runs, has every setting of the
/// template's with the template's value, and none it lacks.
/// </summary>
internal static class PgBouncerPolicyConventions
{
    public static void Check(ConventionFile file, IniDocument policy, PackConventions pack, DriftReport report)
    {
        foreach (var expected in pack.PgBouncerPolicy.Entries)
        {
            var actual = policy.Last(expected.Key);
            if (actual is not null && string.Equals(actual.Value, expected.Value, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            report.Drift(
                FlyMpgDiagnostics.PgBouncerPolicyDrift,
                file,
                actual?.Line ?? file.LastLine,
                actual is null ? $"{expected.Key} is not set" : $"{expected.Key} = {actual.Value}",
                $"'{expected.Key} = {expected.Value}'",
                expected.Comment ?? "MPG's pooling policy",
                expected.Key);
        }

        foreach (var extra in policy.Entries.Where(e => pack.PgBouncerPolicy.Last(e.Key) is null))
        {
            report.Drift(
                FlyMpgDiagnostics.PgBouncerPolicyDrift,
                file,
                extra.Line,
                $"{extra.Key} = {extra.Value} is not in MPG's policy",
                $"no {extra.Key} line",
                "this file is the policy of MPG's pooler; a setting MPG does not have makes the local pooler behave unlike it",
                extra.Key);
        }
    }
}
