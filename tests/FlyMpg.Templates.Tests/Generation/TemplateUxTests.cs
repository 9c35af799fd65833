using System.Text.Json;
using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Generation;

/// <summary>What a user sees of the template before and after generating: help, list, next steps.</summary>
public class TemplateUxTests
{
    private static readonly string TemplateConfig = Path.Combine(TestPaths.TemplatesRoot, Scenarios.Template, ".template.config");

    [Fact]
    public async Task Help_shows_every_visible_option_with_its_description_and_default()
    {
        var package = await TemplatePackage.GetAsync();
        var help = (await DotNet.New(package.Hive, Scenarios.Template, "--help").RunAsync()).EnsureSuccess().StdOut;
        using var template = JsonDocument.Parse(File.ReadAllText(Path.Combine(TemplateConfig, "template.json")));
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(TemplateConfig, "dotnetcli.host.json")));
        var symbolInfo = host.RootElement.GetProperty("symbolInfo");

        var visible = symbolInfo.EnumerateObject()
            .Where(s => !(s.Value.TryGetProperty("isHidden", out var hidden) && hidden.GetBoolean()))
            .ToList();

        Assert.NotEmpty(visible);
        var flat = string.Join(' ', help.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));
        foreach (var option in visible)
        {
            var symbol = template.RootElement.GetProperty("symbols").GetProperty(option.Name);
            var description = string.Join(' ', symbol.GetProperty("description").GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"--{option.Value.GetProperty("longName").GetString()}", help);
            Assert.Contains(description, flat);
            if (symbol.TryGetProperty("defaultValue", out var defaultValue) && defaultValue.GetString() is { Length: > 0 } value)
            {
                Assert.Contains($"Default: {value}", flat);
            }
        }

        Assert.DoesNotContain("--pool-size-must-be-1-to-1000", help);
        Assert.DoesNotContain("--worker-pool-size-must-be-1-to-1000", help);
    }

    [Fact]
    public async Task List_shows_the_template_with_its_short_name_language_and_tags()
    {
        var package = await TemplatePackage.GetAsync();

        var list = (await DotNet.New(package.Hive, "list", "flympg").RunAsync()).EnsureSuccess().StdOut;

        Assert.Matches(@"ASP\.NET Core \+ EF Core service for Fly\.io Managed Postgres\s+flympg-web\s+\[C#\]\s+Web/Web API/API/Service/Cloud/Fly\.io/PostgreSQL", list);
    }

    [Fact]
    public async Task After_generating_the_console_prints_the_next_steps()
    {
        var project = await GeneratedOutput.GetAsync([]);

        Assert.Contains("docker compose up -d", project.Result.StdOut);
        Assert.Contains("dotnet run -- migrate", project.Result.StdOut);
    }

    [Fact]
    public void The_Visual_Studio_dialog_shows_every_visible_option()
    {
        using var cli = JsonDocument.Parse(File.ReadAllText(Path.Combine(TemplateConfig, "dotnetcli.host.json")));
        using var ide = JsonDocument.Parse(File.ReadAllText(Path.Combine(TemplateConfig, "ide.host.json")));
        var inDialog = ide.RootElement.GetProperty("symbolInfo").EnumerateArray()
            .Where(s => s.GetProperty("isVisible").GetBoolean())
            .Select(s => s.GetProperty("id").GetString())
            .ToHashSet();

        var userOptions = cli.RootElement.GetProperty("symbolInfo").EnumerateObject()
            .Where(s => !(s.Value.TryGetProperty("isHidden", out var hidden) && hidden.GetBoolean()))
            .Select(s => s.Name)
            .Except(["Framework", "skipRestore"]); // Visual Studio shows its own framework picker and always restores

        Assert.All(userOptions, option => Assert.Contains(option, inDialog));
    }
}
