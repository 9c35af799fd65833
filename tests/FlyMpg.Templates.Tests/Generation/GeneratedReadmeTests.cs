using System.Text.RegularExpressions;
using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Generation;

/// <summary>
/// The generated README is a deploy guide a newcomer follows word for word: every file it names exists,
/// every `dotnet App.dll command` is an entrypoint of the app, every setting it names is one FlyMpg reads.
/// </summary>
public partial class GeneratedReadmeTests
{
    [Theory]
    [MemberData(nameof(Scenarios.AllAsTheoryData), MemberType = typeof(Scenarios))]
    public async Task Every_file_the_README_names_exists(string[] args)
    {
        var project = await GeneratedOutput.GetAsync(args);
        var readme = File.ReadAllText(project.File("README.md"));

        var named = FileName().Matches(readme).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.Contains("fly.toml", named);
        Assert.All(named, file => Assert.True(
            File.Exists(Path.Combine(project.Directory, file)),
            $"README.md names `{file}`, which the template did not generate. Generated: {string.Join(", ", project.Files())}"));
    }

    // `fly ssh console -C` starts its command in /, not in the image's WORKDIR (superfly/flyctl #1220, #1597).
    [Theory]
    [MemberData(nameof(Scenarios.AllAsTheoryData), MemberType = typeof(Scenarios))]
    public async Task Every_fly_ssh_command_gives_the_app_by_its_path_in_the_image(string[] args)
    {
        var project = await GeneratedOutput.GetAsync(args);
        var readme = File.ReadAllText(project.File("README.md"));
        var workdir = RuntimeWorkdir().Match(File.ReadAllText(project.File("Dockerfile"))).Groups["workdir"].Value;

        var sshCommands = FlySshCommand().Matches(readme).Select(m => m.Groups["command"].Value).ToList();

        Assert.Equal("/app", workdir);
        Assert.NotEmpty(sshCommands);
        Assert.All(sshCommands, command => Assert.StartsWith($"dotnet {workdir}/", command));
    }

    [Theory]
    [MemberData(nameof(Scenarios.AllAsTheoryData), MemberType = typeof(Scenarios))]
    public async Task Every_command_the_README_runs_is_an_entrypoint_of_the_app(string[] args)
    {
        var project = await GeneratedOutput.GetAsync(args);
        var readme = File.ReadAllText(project.File("README.md"));
        var program = File.ReadAllText(project.File("Program.cs"));
        var assembly = AssemblyName().Match(File.ReadAllText(Directory.GetFiles(project.Directory, "*.csproj").Single())).Groups[1].Value;

        var commands = DotNetCommand().Matches(readme).Select(m => (Assembly: m.Groups["assembly"].Value, Command: m.Groups["command"].Value)).ToList();

        Assert.Contains(commands, c => c.Command == "migrate");
        Assert.All(commands, c =>
        {
            Assert.Equal(assembly, c.Assembly);
            // FlyMpg's RunFlyAsync dispatches migrate and doctor, and worker when a worker (AddFlyHangfire) is registered.
            string[] dispatched = program.Contains("AddFlyHangfire()", StringComparison.Ordinal) ? ["", "migrate", "doctor", "worker"] : ["", "migrate", "doctor"];
            Assert.True(program.Contains("return await app.RunFlyAsync(args);", StringComparison.Ordinal) && dispatched.Contains(c.Command),
                $"README.md runs `dotnet {c.Assembly}.dll {c.Command}`, which Program.cs does not dispatch");
        });
    }

    [Theory]
    [MemberData(nameof(Scenarios.AllAsTheoryData), MemberType = typeof(Scenarios))]
    public async Task Every_setting_the_README_names_is_a_setting_of_FlyMpg(string[] args)
    {
        var project = await GeneratedOutput.GetAsync(args);
        var readme = File.ReadAllText(project.File("README.md"));

        var settings = SettingName().Matches(readme).Select(m => m.Value).Distinct().ToList();

        Assert.NotEmpty(settings);
        Assert.All(settings, setting => Assert.True(
            FlyMpgSetting.Exists(setting),
            $"README.md names the setting {setting}, which is no property of FlyPostgresSettings, FlyHangfireSettings or FlyMetricsSettings"));
    }

    [GeneratedRegex(@"`((?:[\w.-]+/)*(?:[\w.-]+\.(?:cs|json|toml|yaml|ini|txt)|Dockerfile))`")]
    private static partial Regex FileName();

    [GeneratedRegex(@"dotnet (?:/app/)?(?<assembly>[\w.]+)\.dll(?: (?<command>[a-z]+))?")]
    private static partial Regex DotNetCommand();

    [GeneratedRegex(@"fly ssh console -C ""(?<command>[^""]+)""")]
    private static partial Regex FlySshCommand();

    // The WORKDIR of the image's last stage, the one that runs.
    [GeneratedRegex(@"WORKDIR (?<workdir>\S+)(?![\s\S]*WORKDIR)")]
    private static partial Regex RuntimeWorkdir();

    [GeneratedRegex(@"\bFlyMpg__\w+?(?=[`=\s)])")]
    private static partial Regex SettingName();

    [GeneratedRegex(@"<AssemblyName>([^<]+)</AssemblyName>")]
    private static partial Regex AssemblyName();
}
