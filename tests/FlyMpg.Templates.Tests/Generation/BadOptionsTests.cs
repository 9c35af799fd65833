using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Generation;

/// <summary>
/// Every bad option value is refused by `dotnet new` with a message that names the option and the rule (and nothing
/// is written), or made valid with a note in the generation output; never a generated service that cannot run.
/// </summary>
public class BadOptionsTests
{
    [Theory]
    [InlineData(new[] { "--worker", "bogus" }, "'bogus' is not a valid value for --worker")]
    [InlineData(new[] { "--pool-size", "eight" }, "Cannot parse argument 'eight' for option '--pool-size'")]
    [InlineData(new[] { "--framework", "net8.0" }, "'net8.0' is not a valid value for --framework")]
    // The template engine has no range check: a hidden option named after the rule is required when the rule is broken.
    [InlineData(new[] { "--pool-size", "0" }, "'--pool-size-must-be-1-to-1000'")]
    [InlineData(new[] { "--pool-size", "-2" }, "'--pool-size-must-be-1-to-1000'")]
    [InlineData(new[] { "--pool-size", "1001" }, "'--pool-size-must-be-1-to-1000'")]
    [InlineData(new[] { "--pool-size", "99999999999" }, "'--pool-size-must-be-1-to-1000'")]
    [InlineData(new[] { "--worker", "hangfire", "--worker-pool-size", "0" }, "'--worker-pool-size-must-be-1-to-1000'")]
    [InlineData(new[] { "--worker", "hangfire", "--worker-pool-size", "1001" }, "'--worker-pool-size-must-be-1-to-1000'")]
    // The guard's only valid value cannot be carried on a command line, so naming the guard with a value does not bypass it.
    [InlineData(new[] { "--pool-size", "0", "--pool-size-must-be-1-to-1000", "false" }, "'false' is not a valid value for --pool-size-must-be-1-to-1000")]
    [InlineData(new[] { "-n", "Orders", "--pool-size", "0", "--pool-size-must-be-1-to-1000" }, "'' is not a valid value for --pool-size-must-be-1-to-1000")]
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
    [InlineData("1")]
    [InlineData("1000")]
    public async Task The_pool_size_range_includes_its_bounds(string poolSize)
    {
        var package = await TemplatePackage.GetAsync();
        var project = await package.DotNetNewIntoAsync($"pool-sizes/{poolSize}", Scenarios.Template, "--pool-size", poolSize, "--no-restore");

        Assert.Contains($"\"Pooled\": {{ \"MaxPoolSize\": {poolSize} }}", File.ReadAllText(project.File("appsettings.json")));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("4")]
    public async Task Without_the_worker_any_worker_pool_size_is_ignored_alike(string workerPoolSize)
    {
        var package = await TemplatePackage.GetAsync();
        var project = await package.DotNetNewIntoAsync($"worker-pool-sizes/{workerPoolSize}", Scenarios.Template, "--worker-pool-size", workerPoolSize, "--no-restore");

        Assert.DoesNotContain("\"Worker\"", File.ReadAllText(project.File("appsettings.json")));
    }

    [Fact]
    public async Task Help_says_the_worker_pool_size_is_only_used_with_the_worker()
    {
        var package = await TemplatePackage.GetAsync();

        var help = (await DotNet.New(package.Hive, Scenarios.Template, "--help").RunAsync()).EnsureSuccess().StdOut;

        var flat = string.Join(' ', help.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("only with --worker hangfire.", flat);
        Assert.Contains("Enabled if: (BackgroundWorker == \"hangfire\")", flat);
    }

    [Theory]
    [InlineData("Orders_Prod", "orders-prod")]
    [InlineData("--My App--", "my-app")]
    // Nothing left of the name: the project name (Orders), never `app = ""`.
    [InlineData("___", "orders")]
    // Fly's limit is 63 characters; a hyphen left at the cut is dropped.
    [InlineData("a123456789b123456789c123456789d123456789e123456789f123456789xy-zzz", "a123456789b123456789c123456789d123456789e123456789f123456789xy")]
    public async Task An_app_name_is_made_valid_for_Fly_with_a_note(string appName, string expected)
    {
        var package = await TemplatePackage.GetAsync();
        var project = await package.DotNetNewIntoAsync($"app-names/{expected}", Scenarios.Template, "--app-name", appName, "--no-restore");

        Assert.Contains($"app = \"{expected}\"\n", File.ReadAllText(project.File("fly.toml")));
        Assert.Contains("--app-name: a Fly app name is lower-case letters, digits and single hyphens, at most 63 characters", project.Result.StdOut);
    }

    [Fact]
    public async Task An_app_name_taken_from_a_long_project_name_is_cut_to_63_characters()
    {
        const string projectName = "Orders.Fulfilment.Warehouse.Inventory.Reservations.Api.Service.Host";
        var package = await TemplatePackage.GetAsync();
        var project = await package.DotNetNewIntoAsync("app-names/from-long-project-name", Scenarios.Template, "-n", projectName, "--no-restore");

        // 67 characters once lowercased and hyphenated; the cut at 63 ends on a hyphen, which is dropped.
        Assert.Contains("app = \"orders-fulfilment-warehouse-inventory-reservations-api-service\"\n", File.ReadAllText(project.File("fly.toml")));
    }

    [Fact]
    public async Task A_valid_app_name_is_kept_without_a_note()
    {
        var package = await TemplatePackage.GetAsync();
        var project = await package.DotNetNewIntoAsync("app-names/valid", Scenarios.Template, "--app-name", "orders-prod-2", "--no-restore");

        Assert.Contains("app = \"orders-prod-2\"", File.ReadAllText(project.File("fly.toml")));
        Assert.DoesNotContain("--app-name:", project.Result.StdOut);
    }

    [Theory]
    [InlineData("Ams", "ams")]
    [InlineData(" fra\"", "fra")]
    [InlineData("__", "iad")]
    public async Task A_region_is_made_lower_case_letters_with_a_note(string region, string expected)
    {
        var package = await TemplatePackage.GetAsync();
        var project = await package.DotNetNewIntoAsync($"regions/{expected}", Scenarios.Template, "--region", region, "--no-restore");

        Assert.Contains($"primary_region = \"{expected}\"\n", File.ReadAllText(project.File("fly.toml")));
        Assert.Contains("--region: a Fly region is a code of three lower-case letters", project.Result.StdOut);
    }

    [Fact]
    public async Task A_valid_region_is_kept_without_a_note()
    {
        var package = await TemplatePackage.GetAsync();
        var project = await package.DotNetNewIntoAsync("regions/valid", Scenarios.Template, "--region", "ams", "--no-restore");

        Assert.Contains("primary_region = \"ams\"\n", File.ReadAllText(project.File("fly.toml")));
        Assert.DoesNotContain("--region:", project.Result.StdOut);
    }
}
