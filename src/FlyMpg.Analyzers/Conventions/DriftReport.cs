using System;
using Microsoft.CodeAnalysis;

namespace FlyMpg.Analyzers.Conventions;

/// <summary>Reports one difference from the pack's conventions at a line of a file, unless the file keeps it on purpose.</summary>
internal sealed class DriftReport(Action<Diagnostic> report, string version)
{
    /// <param name="descriptor">FLYMPG040-043.</param>
    /// <param name="file">The service's file.</param>
    /// <param name="line">Where the difference is, or where the missing line belongs (0-based).</param>
    /// <param name="what">What the file has, e.g. <c>release_command is "db-migrate"</c>.</param>
    /// <param name="convention">What the template has, e.g. <c>'[deploy] release_command = "migrate"'</c>.</param>
    /// <param name="why">Why it matters on MPG.</param>
    /// <param name="keep">The name a keep marker gives this difference.</param>
    public void Drift(DiagnosticDescriptor descriptor, ConventionFile file, int line, string what, string convention, string why, string keep)
    {
        if (!file.Keeps(keep))
        {
            report(Diagnostic.Create(descriptor, file.LineLocation(line), file.Name + ": " + what, version, convention, why, file.Marker(keep)));
        }
    }

    /// <summary>FLYMPG044: a pool size of fly.toml's <c>[env]</c> that does not fit, unless kept.</summary>
    public void OverBudget(ConventionFile file, TomlEntry setting, string why)
    {
        if (!file.Keeps(setting.Key))
        {
            report(Diagnostic.Create(FlyMpgDiagnostics.PoolOverBudget, file.LineLocation(setting.Line), setting.Key, setting.Value, why, file.Marker(setting.Key)));
        }
    }
}
