using System.Text.RegularExpressions;
using FlyMpg.Templates.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// The template's compose.yaml is a local MPG: its PgBouncer must run the policy the pack's own tests run
/// (local/pgbouncer-mpg.ini on this machine's PgBouncer), prepared-statement behaviour included, whatever image
/// version it pins. Read from the files: no Docker engine is needed (nor assumed).
/// </summary>
public partial class LocalComposeTests
{
    // Plumbing compose's main ini may set itself: where to listen, who may log in, where the servers are.
    private static readonly string[] PlumbingKeys = ["listen_addr", "listen_port", "auth_type", "auth_file", "admin_users", "stats_users"];

    private static readonly string TemplateRoot = Path.Combine(TestPaths.TemplatesRoot, Scenarios.Template);

    [Fact]
    public async Task Compose_runs_the_policy_the_tests_run_with_the_same_prepared_statement_behaviour()
    {
        var pgbouncer = ComposeService("pgbouncer");
        var image = ((YamlScalarNode)pgbouncer.Children[new YamlScalarNode("image")]).Value!;
        var imageVersion = PinnedVersion(image);
        var mounts = ((YamlSequenceNode)pgbouncer.Children[new YamlScalarNode("volumes")])
            .Select(v => ((YamlScalarNode)v).Value!.Split(':'))
            .ToDictionary(parts => parts[1], parts => Path.Combine(TemplateRoot, parts[0]), StringComparer.Ordinal);
        string HostFile(string containerPath) =>
            mounts.TryGetValue(containerPath, out var hostFile) ? hostFile : throw new Xunit.Sdk.XunitException($"compose.yaml mounts nothing at {containerPath}");

        var composeSettings = PgBouncerIni.ReadPgBouncerSection(HostFile("/etc/pgbouncer/pgbouncer.ini"), HostFile);
        var policy = PgBouncerIni.ReadPgBouncerSection(Path.Combine(TemplateRoot, "local", "pgbouncer-mpg.ini"), _ => throw new Xunit.Sdk.XunitException("the policy includes nothing"), fragmentOf: "pgbouncer");
        var testsVersion = await PgBouncerVersionOfTheTestsAsync();

        Assert.NotEmpty(policy);
        Assert.All(policy, setting => Assert.True(
            composeSettings.TryGetValue(setting.Key, out var value) && value == setting.Value,
            $"compose's PgBouncer has {setting.Key} = {value ?? "(unset)"}, the tests' policy {setting.Value}"));
        var composeOnly = composeSettings.Keys.Except(policy.Keys).Except(PlumbingKeys).ToList();
        Assert.True(composeOnly.SequenceEqual(["max_prepared_statements"]), $"compose's PgBouncer sets more than plumbing beside the policy: {string.Join(", ", composeOnly)}");
        Assert.Equal(PreparedStatementsTracked(testsVersion, policy), PreparedStatementsTracked(imageVersion, composeSettings));
        // MPG's pooler does not track named prepared statements (Fly: turn them off in transaction mode).
        Assert.Equal(0, PreparedStatementsTracked(imageVersion, composeSettings));
    }

    [Fact]
    public void The_pgbouncer_image_is_pinned_to_a_version()
    {
        var image = ((YamlScalarNode)ComposeService("pgbouncer").Children[new YamlScalarNode("image")]).Value!;

        Assert.True(PinnedVersion(image) >= new Version(1, 18), image);
    }

    [Fact]
    public void The_Postgres_health_check_connects_over_TCP_so_the_first_start_temporary_server_does_not_pass_it()
    {
        var healthcheck = (YamlMappingNode)ComposeService("postgres").Children[new YamlScalarNode("healthcheck")];
        var test = ((YamlSequenceNode)healthcheck.Children[new YamlScalarNode("test")]).Select(n => ((YamlScalarNode)n).Value).ToList();

        Assert.Equal("pg_isready", test[1]);
        var host = test.IndexOf("-h");
        Assert.True(host > 0 && test[host + 1] == "127.0.0.1", $"pg_isready should check 127.0.0.1, is: {string.Join(' ', test)}");
    }

    // PgBouncer 1.21 added max_prepared_statements (default 0); 1.24 made the default 200.
    private static int PreparedStatementsTracked(Version version, IReadOnlyDictionary<string, string> settings) =>
        version < new Version(1, 21) ? 0
        : settings.TryGetValue("max_prepared_statements", out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
        : version >= new Version(1, 24) ? 200 : 0;

    private static Version PinnedVersion(string image)
    {
        var match = ImageVersion().Match(image);
        Assert.True(match.Success, $"compose.yaml's image '{image}' is not pinned to a version (e.g. edoburu/pgbouncer:v1.25.1-p0)");
        return Version.Parse(match.Groups["version"].Value);
    }

    private static YamlMappingNode ComposeService(string name)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(TemplateRoot, "compose.yaml")))
        {
            yaml.Load(reader);
        }

        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode).Children[new YamlScalarNode("services")];
        return (YamlMappingNode)services.Children[new YamlScalarNode(name)];
    }

    // The PgBouncer build/mpg-local.sh starts for the tests: $PGBOUNCER, else pgbouncer on PATH, else Debian's /usr/sbin.
    private static async Task<Version> PgBouncerVersionOfTheTestsAsync()
    {
        var executable = Environment.GetEnvironmentVariable("PGBOUNCER") is { Length: > 0 } configured ? configured
            : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
                .Select(directory => Path.Combine(directory, "pgbouncer"))
                .Append("/usr/sbin/pgbouncer")
                .FirstOrDefault(File.Exists)
              ?? throw new Xunit.Sdk.XunitException("no pgbouncer on this machine: build/test.sh installs it (apps layer)");
        var result = (await new ProcessRunner(executable).WithArguments("--version").RunAsync()).EnsureSuccess();
        var match = PgBouncerVersionLine().Match(result.StdOut);
        Assert.True(match.Success, $"unexpected `pgbouncer --version` output: {result.StdOut}");
        return Version.Parse(match.Groups["version"].Value);
    }

    // edoburu/pgbouncer tags: v1.25.1-p0 (PgBouncer 1.25.1, image patch 0).
    [GeneratedRegex(@":v?(?<version>\d+\.\d+\.\d+)(-p\d+)?$")]
    private static partial Regex ImageVersion();

    [GeneratedRegex(@"^PgBouncer (?<version>\d+\.\d+\.\d+)", RegexOptions.Multiline)]
    private static partial Regex PgBouncerVersionLine();
}
