using System;
using System.Collections.Generic;
using System.Linq;

namespace FlyMpg.Analyzers.Conventions;

/// <summary>
/// FLYMPG042: every pattern the template's .dockerignore marks as a convention (the group under the comment naming
/// FLYMPG042: build output, local state, secrets) is in the service's; more lines are fine.
/// </summary>
internal static class DockerIgnoreConventions
{
    public static void Check(ConventionFile file, PackConventions pack, DriftReport report)
    {
        var present = new HashSet<string>(file.Lines.Select(Normalize), StringComparer.Ordinal);
        foreach (var pattern in pack.DockerIgnorePatterns)
        {
            if (!present.Contains(Normalize(pattern)))
            {
                report.Drift(
                    FlyMpgDiagnostics.DockerIgnoreDrift,
                    file,
                    file.LastLine,
                    $"'{pattern}' is missing",
                    $"the line '{pattern}'",
                    "the pack's .dockerignore keeps local state and secrets out of the image: build output, .env files, the local Postgres setup, .git",
                    pattern);
            }
        }
    }

    // 'bin/' and 'bin', '/bin' and 'bin' match the same paths.
    private static string Normalize(string pattern)
    {
        var text = pattern.Trim();
        if (text.StartsWith("./", StringComparison.Ordinal))
        {
            text = text.Substring(2);
        }

        return text.Trim('/');
    }
}
