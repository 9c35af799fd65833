using System.Linq;

namespace FlyMpg.Analyzers.Conventions;

/// <summary>
/// FLYMPG040, the conventions of fly.toml: <c>[deploy] release_command</c> is the template's (<c>migrate</c>), and a
/// service with a public HTTP service has a check on the template's health path (<c>/healthz</c>).
/// </summary>
internal static class FlyTomlConventions
{
    public const string ReleaseCommandName = "release_command";
    public const string HealthCheckName = "health_check";

    public static void Check(ConventionFile file, TomlDocument toml, PackConventions pack, DriftReport report)
    {
        if (pack.ReleaseCommand is { } command)
        {
            CheckReleaseCommand(file, toml, command, report);
        }

        if (pack.HealthCheckPath is { } path)
        {
            CheckHealthCheck(file, toml, path, report);
        }
    }

    private static void CheckReleaseCommand(ConventionFile file, TomlDocument toml, string expected, DriftReport report)
    {
        var actual = toml.At("deploy.release_command").LastOrDefault();
        if (actual?.Value == expected)
        {
            return;
        }

        var deploy = toml.Table("deploy");
        report.Drift(
            FlyMpgDiagnostics.FlyTomlDrift,
            file,
            actual?.Line ?? deploy?.Line ?? 0,
            actual is null ? (deploy is null ? "no [deploy] release_command" : "[deploy] has no release_command") : $"release_command is \"{actual.Value}\"",
            $"'[deploy] release_command = \"{expected}\"'",
            $"Fly runs it once per deploy in a temporary Machine, before any Machine gets the new image; '{expected}' applies the migrations over DIRECT_DATABASE_URL, and a failure stops the deploy",
            ReleaseCommandName);
    }

    private static void CheckHealthCheck(ConventionFile file, TomlDocument toml, string expected, DriftReport report)
    {
        var service = toml.Table("http_service") ?? toml.Tables.FirstOrDefault(t => t.Name == "services");
        if (service is null)
        {
            return; // No public service (a worker-only app): nothing routes to it, nothing to check.
        }

        var checks = toml.At("http_service.checks.path").Concat(toml.At("services.http_checks.path")).ToList();
        if (checks.Any(c => c.Value == expected))
        {
            return;
        }

        report.Drift(
            FlyMpgDiagnostics.FlyTomlDrift,
            file,
            checks.Count > 0 ? checks[0].Line : service.Line,
            checks.Count > 0 ? $"the HTTP check asks for '{checks[0].Value}'" : $"[{service.Name}] has no HTTP check",
            $"'[[http_service.checks]]' with path = \"{expected}\"",
            $"Fly takes a Machine whose check fails out of routing; {expected} answers while the process serves, without touching the database, so a database blip does not take every Machine out",
            HealthCheckName);
    }
}
