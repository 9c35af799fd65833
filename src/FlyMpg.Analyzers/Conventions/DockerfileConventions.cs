using System;

namespace FlyMpg.Analyzers.Conventions;

/// <summary>
/// FLYMPG041, the conventions of the Dockerfile, read in the final image (a stage built <c>FROM</c> another inherits it):
/// it runs as a non-root <c>USER</c>, as the template's <c>USER $APP_UID</c> does, and its <c>ENTRYPOINT</c> is in exec
/// form, as the template's <c>["dotnet", "App.dll"]</c> is, so fly.toml's release_command reaches the program.
/// </summary>
internal static class DockerfileConventions
{
    public const string UserName = "USER";
    public const string EntrypointName = "ENTRYPOINT";

    public static void Check(ConventionFile file, string assemblyName, PackConventions pack, DriftReport report)
    {
        var dockerfile = DockerfileDocument.Parse(file.Lines);
        if (dockerfile.FinalStage is not { } final)
        {
            return;
        }

        if (pack.DockerUser is { } user)
        {
            CheckUser(file, dockerfile, final, user, report);
        }

        if (pack.DockerEntrypoint is { } entrypoint)
        {
            CheckEntrypoint(file, dockerfile, final, entrypoint.Replace(PackConventions.TemplateAssemblyName, assemblyName), report);
        }
    }

    private static void CheckUser(ConventionFile file, DockerfileDocument dockerfile, DockerStage final, string expected, DriftReport report)
    {
        var user = dockerfile.InFinalImage("USER");
        var name = user?.Arguments.Split(':')[0].Trim();
        if (user is not null && !string.Equals(name, "root", StringComparison.OrdinalIgnoreCase) && name != "0")
        {
            return;
        }

        report.Drift(
            FlyMpgDiagnostics.DockerfileDrift,
            file,
            user?.Line ?? final.From.Line,
            user is null ? "the final image sets no USER, so it runs as root" : $"'USER {user.Arguments}' runs the service as root",
            $"'USER {expected}'",
            "the .NET images run as root unless told otherwise; $APP_UID is the unprivileged user they ship, so a compromised process cannot change the container",
            UserName);
    }

    private static void CheckEntrypoint(ConventionFile file, DockerfileDocument dockerfile, DockerStage final, string expected, DriftReport report)
    {
        var entrypoint = dockerfile.InFinalImage("ENTRYPOINT");
        if (entrypoint is not null && entrypoint.Arguments.StartsWith("[", StringComparison.Ordinal))
        {
            return;
        }

        report.Drift(
            FlyMpgDiagnostics.DockerfileDrift,
            file,
            entrypoint?.Line ?? final.From.Line,
            entrypoint is null ? "the final image has no ENTRYPOINT" : $"'ENTRYPOINT {entrypoint.Arguments}' is in shell form",
            $"'ENTRYPOINT {expected}'",
            "fly.toml's release_command and [processes] replace CMD and pass their words to the ENTRYPOINT, so release_command = \"migrate\" runs the program with 'migrate'; a shell-form ENTRYPOINT ignores them, and without one 'migrate' itself would be run",
            EntrypointName);
    }
}
