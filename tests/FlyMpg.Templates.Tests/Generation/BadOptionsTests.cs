using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Generation;

/// <summary>`dotnet new` refuses bad options with a message, and writes nothing.</summary>
public class BadOptionsTests
{
    [Theory]
    [InlineData(new[] { "--worker", "bogus" }, "'bogus' is not a valid value for --worker")]
    [InlineData(new[] { "--pool-size", "eight" }, "Cannot parse argument 'eight' for option '--pool-size'")]
    [InlineData(new[] { "--pool-size", "0" }, "--pool-sizes-must-be-at-least-1")]
    [InlineData(new[] { "--worker-pool-size", "-2" }, "--pool-sizes-must-be-at-least-1")]
    [InlineData(new[] { "--framework", "net8.0" }, "'net8.0' is not a valid value for --framework")]
    public async Task Bad_options_are_refused_with_a_message_and_no_output(string[] args, string message)
    {
        var package = await TemplatePackage.GetAsync();
        var output = package.Sandbox.CreateProjectDirectory($"bad-options/{TemplatePackage.ScenarioName(args)}");

        var result = await package.NewCommand(Scenarios.Template, output, args).RunAsync();

        Assert.True(result.ExitCode != 0, $"dotnet new accepted {string.Join(' ', args)}.{Environment.NewLine}{result.Describe()}");
        Assert.Contains(message, result.StdOut + result.StdErr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(output));
    }

    [Theory]
    [InlineData("Orders_Prod", "orders-prod")]
    [InlineData("--My App--", "my-app")]
    public async Task An_app_name_is_made_valid_for_Fly_since_dotnet_new_cannot_check_patterns(string appName, string expected)
    {
        var package = await TemplatePackage.GetAsync();
        var project = await package.DotNetNewIntoAsync($"app-names/{expected}", Scenarios.Template, "--app-name", appName, "--no-restore");

        Assert.Contains($"app = \"{expected}\"", File.ReadAllText(project.File("fly.toml")));
    }
}
