using System.Text.RegularExpressions;
using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Generation;

/// <summary>
/// The generated README is a deploy guide a newcomer follows word for word: every file it names exists,
/// every `dotnet App.dll command` is an entrypoint of the app, every setting it names is read by the code.
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
            Assert.True(c.Command.Length == 0 || program.Contains($"[\"{c.Command}\"", StringComparison.Ordinal),
                $"README.md runs `dotnet {c.Assembly}.dll {c.Command}`, which Program.cs does not dispatch");
        });
    }

    [Theory]
    [MemberData(nameof(Scenarios.AllAsTheoryData), MemberType = typeof(Scenarios))]
    public async Task Every_setting_the_README_names_is_read_by_the_code(string[] args)
    {
        var project = await GeneratedOutput.GetAsync(args);
        var readme = File.ReadAllText(project.File("README.md"));
        var code = string.Join('\n', project.Files().Where(f => f.EndsWith(".cs", StringComparison.Ordinal)).Select(f => File.ReadAllText(Path.Combine(project.Directory, f))));

        var settings = SettingName().Matches(readme).Select(m => m.Value).Distinct().ToList();

        Assert.NotEmpty(settings);
        Assert.All(settings, setting =>
        {
            // Database__Pooled__MaxPoolSize is read as GetSection("Database:Pooled") + GetValue("MaxPoolSize") or as "Database:Pooled:MaxPoolSize".
            var parts = setting.Split("__");
            var key = parts[^1];
            var section = string.Join(':', parts[..^1]);
            Assert.True(
                code.Contains($"\"{section}:{key}\"", StringComparison.Ordinal) ||
                (code.Contains($"\"{section}\"", StringComparison.Ordinal) && code.Contains($"\"{key}\"", StringComparison.Ordinal)),
                $"README.md names the setting {setting}, which no code reads");
        });
    }

    [GeneratedRegex(@"`((?:[\w.-]+/)*(?:[\w.-]+\.(?:cs|json|toml|yaml|ini|txt)|Dockerfile))`")]
    private static partial Regex FileName();

    [GeneratedRegex(@"dotnet (?<assembly>[\w.]+)\.dll(?: (?<command>[a-z]+))?")]
    private static partial Regex DotNetCommand();

    [GeneratedRegex(@"\b(?:Database|Jobs)__\w+?(?=[`=\s)])")]
    private static partial Regex SettingName();

    [GeneratedRegex(@"<AssemblyName>([^<]+)</AssemblyName>")]
    private static partial Regex AssemblyName();
}
