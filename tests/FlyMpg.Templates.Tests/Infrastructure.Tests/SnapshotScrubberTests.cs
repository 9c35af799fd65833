using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Infrastructure.Tests;

public class SnapshotScrubberTests
{
    [Fact]
    public void Guids_get_the_same_number_in_every_file_of_a_verification()
    {
        var scrubbers = new Scrubbers().AddGuidScrubber();
        var context = new ScrubContext();
        const string first = "3F2504E0-4F89-11D3-9A0C-0305E82C3301";
        const string second = "b1c8d6a2-93e1-4b7f-8f0e-2d4c6a8e0f13";

        var csproj = scrubbers.Apply("App.csproj", $"<UserSecretsId>{first}</UserSecretsId> {second}", context);
        var sln = scrubbers.Apply("App.sln", $"Project(\"{{{second.ToUpperInvariant()}}}\") {first.ToLowerInvariant()}", context);

        Assert.Equal("<UserSecretsId>{GUID-1}</UserSecretsId> {GUID-2}", csproj);
        Assert.Equal("Project(\"{GUID-2}\") {GUID-1}", sln);
    }

    [Fact]
    public void Guid_scrubber_leaves_longer_hex_runs_alone()
    {
        var text = "sha 3F2504E0-4F89-11D3-9A0C-0305E82C3301AA and 00000000-0000-0000-0000-000000000000";

        var scrubbed = new Scrubbers().AddGuidScrubber().Apply("x.txt", text, new ScrubContext());

        Assert.Equal("sha 3F2504E0-4F89-11D3-9A0C-0305E82C3301AA and {GUID-1}", scrubbed);
    }

    [Fact]
    public void Random_launch_settings_ports_are_scrubbed_everywhere_and_fixed_ports_stay()
    {
        var scrubbers = new Scrubbers().AddLocalhostPortScrubber();
        var context = new ScrubContext();
        const string launch = """{ "applicationUrl": "https://localhost:7123;http://localhost:5123", "sslPort": 44321, "other": "http://127.0.0.1:5123" }""";
        const string readme = "curl localhost:5123/readyz\nPgBouncer on localhost:6432, Postgres on localhost:5432\n";
        scrubbers.Prepare([("README.md", readme), ("Properties/launchSettings.json", launch)], context);

        var scrubbedReadme = scrubbers.Apply("README.md", readme, context);
        var scrubbedLaunch = scrubbers.Apply("Properties/launchSettings.json", launch, context);
        var scrubbedSettings = scrubbers.Apply("appsettings.json", "Host=localhost:5432", context);

        Assert.Equal("""{ "applicationUrl": "https://localhost:{PORT-1};http://localhost:{PORT-2}", "sslPort": "{PORT-3}", "other": "http://127.0.0.1:{PORT-2}" }""", scrubbedLaunch);
        Assert.Equal("curl localhost:{PORT-2}/readyz\nPgBouncer on localhost:6432, Postgres on localhost:5432\n", scrubbedReadme);
        Assert.Equal("Host=localhost:5432", scrubbedSettings);
    }

    [Fact]
    public void Generated_looking_secrets_are_scrubbed_and_placeholders_kept()
    {
        var scrubbers = new Scrubbers().AddSecretScrubber();

        var text = scrubbers.Apply(
            "compose.yaml",
            "POSTGRES_PASSWORD: postgres\nHost=db;Password=Xq7Lr2Vb9Nc4Md8K;Pooling=true\n\"ApiKey\": \"changeme\"\ntoken=${FLY_API_TOKEN}\n",
            new ScrubContext());

        Assert.Equal(
            "POSTGRES_PASSWORD: postgres\nHost=db;Password={SECRET-1};Pooling=true\n\"ApiKey\": \"changeme\"\ntoken=${FLY_API_TOKEN}\n",
            text);
    }

    [Fact]
    public void Rules_apply_by_extension_and_by_path_glob_in_the_order_added()
    {
        var scrubbers = new Scrubbers()
            .AddScrubberByExtension("cs", text => text.Replace("A", "B", StringComparison.Ordinal))
            .AddScrubberByPath("Database/**/*.cs", text => text.Replace("B", "C", StringComparison.Ordinal))
            .AddScrubber(text => text + "!");
        var context = new ScrubContext();

        Assert.Equal("C!", scrubbers.Apply("Database/Migrations/Initial.cs", "A", context));
        Assert.Equal("B!", scrubbers.Apply("Program.cs", "A", context));
        Assert.Equal("A!", scrubbers.Apply("README.md", "A", context));
    }

    [Theory]
    [InlineData("**/*.cs", "Program.cs", true)]
    [InlineData("**/*.cs", "a/b/Program.cs", true)]
    [InlineData("*.cs", "a/Program.cs", false)]
    [InlineData("Jobs/**", "Jobs/CleanupJob.cs", true)]
    [InlineData("Jobs/**", "Jobsite.cs", false)]
    [InlineData("**/[Bb]in/**", "src/Bin/x.dll", true)]
    [InlineData("Commands/WorkerCommand.cs", "Commands/WorkerCommand.cs", true)]
    [InlineData("./Program.cs", "Program.cs", true)]
    [InlineData("Program.c?", "Program.cs", true)]
    [InlineData("Program.c?", "Program.csx", false)]
    public void Globs_match_like_the_template_engine(string glob, string path, bool expected)
    {
        Assert.Equal(expected, Glob.IsMatch(glob, path));
    }
}
