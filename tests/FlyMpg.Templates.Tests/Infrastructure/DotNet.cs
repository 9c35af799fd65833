namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>Builds <see cref="ProcessRunner"/>s for the <c>dotnet</c> CLI with a quiet, reproducible environment.</summary>
public static class DotNet
{
    /// <summary>The <c>dotnet</c> that runs the tests (<c>DOTNET_HOST_PATH</c>), else the one on PATH.</summary>
    public static string Executable { get; } =
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Set for every dotnet call.</summary>
    public static IReadOnlyDictionary<string, string> DefaultEnvironment { get; } = new Dictionary<string, string>
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        // English CLI messages, so std-streams snapshots don't depend on the machine's locale.
        ["DOTNET_CLI_UI_LANGUAGE"] = "en",
    };

    /// <summary>
    /// A <c>dotnet</c> command. Refuses <c>dotnet new</c>: use <see cref="New"/>, which always
    /// targets an isolated template hive.
    /// </summary>
    public static ProcessRunner Command(params string[] arguments)
    {
        if (arguments.Length > 0 && string.Equals(arguments[0], "new", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                "`dotnet new` must run against an isolated template hive: use DotNet.New(hive, ...) instead of DotNet.Command(\"new\", ...).");
        }

        return Base().WithArguments(arguments);
    }

    /// <summary>
    /// <c>dotnet new &lt;arguments&gt; --debug:custom-hive &lt;hive&gt;</c>. Throws without a hive. Its post actions restore
    /// (<c>dotnet add package</c>) into the run's packages folder: <see cref="InRunPackagesFolder"/>.
    /// </summary>
    public static ProcessRunner New(string customHive, params string[] arguments)
    {
        if (string.IsNullOrWhiteSpace(customHive))
        {
            throw new InvalidOperationException(
                "Refusing to run `dotnet new` without --debug:custom-hive: it would read and change the user's own template installs.");
        }

        if (arguments.Any(a => a.StartsWith("--debug:custom-hive", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException("Pass the hive as customHive, not in the arguments.", nameof(arguments));
        }

        return InRunPackagesFolder(Base())
            .WithArguments("new")
            .WithArguments(arguments)
            .WithArguments("--debug:custom-hive", Path.GetFullPath(customHive))
            .WithTimeout(TimeSpan.FromMinutes(2));
    }

    /// <summary>
    /// Restores below the run root use the packages folders build/pack.sh wrote into <c>&lt;run root&gt;/nuget.config</c>
    /// (<see cref="LocalFeed.PackagesFolder"/>): <c>NUGET_PACKAGES</c>, which would override them, is not passed on.
    /// </summary>
    public static ProcessRunner InRunPackagesFolder(ProcessRunner runner) => runner.WithoutEnvironment("NUGET_PACKAGES");

    private static ProcessRunner Base() => new ProcessRunner(Executable).WithEnvironment(DefaultEnvironment);
}
