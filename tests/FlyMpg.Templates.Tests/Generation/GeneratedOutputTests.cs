using System.Text;
using System.Text.RegularExpressions;
using FlyMpg.Telemetry;
using FlyMpg.Templates.Tests.Infrastructure;
using Tomlyn;
using Tomlyn.Model;

namespace FlyMpg.Templates.Tests.Generation;

/// <summary>What a snapshot cannot express, checked on the output of every scenario.</summary>
public partial class GeneratedOutputTests
{
    [Theory]
    [MemberData(nameof(Scenarios.AllAsTheoryData), MemberType = typeof(Scenarios))]
    public async Task Fly_toml_parses_and_agrees_with_the_Dockerfile_and_the_entrypoints(string[] args)
    {
        var project = await GeneratedOutput.GetAsync(args);
        var flyToml = File.ReadAllText(project.File("fly.toml"));
        var dockerfile = File.ReadAllText(project.File("Dockerfile"));
        var fly = TomlSerializer.Deserialize<TomlTable>(flyToml)!;
        var http = (TomlTable)fly["http_service"];
        var deploy = (TomlTable)fly["deploy"];
        var hangfire = args.Contains("hangfire");

        var exposed = int.Parse(ExposePattern().Match(dockerfile).Groups[1].Value);
        var listening = int.Parse(HttpPortsPattern().Match(dockerfile).Groups[1].Value);
        Assert.Equal(exposed, Convert.ToInt32(http["internal_port"]));
        Assert.Equal(exposed, listening);
        Assert.Equal("migrate", deploy["release_command"]);
        Assert.Matches(@"ENTRYPOINT \[""dotnet"", ""[A-Za-z_][A-Za-z0-9_.]*\.dll""\]", dockerfile);
        Assert.Equal(["app"], ((TomlArray)http["processes"]).Select(p => (string)p!));
        Assert.Equal("/healthz", ((TomlTable)((TomlTableArray)http["checks"])[0])["path"]);
        Assert.Matches("^[a-z0-9][a-z0-9-]*[a-z0-9]$", (string)fly["app"]);

        if (hangfire)
        {
            var processes = (TomlTable)fly["processes"];
            Assert.Equal(["app", "worker"], processes.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("worker", processes["worker"]);
            Assert.Equal(["app", "worker"], ((TomlTableArray)fly["vm"]).SelectMany(vm => ((TomlArray)vm["processes"]).Select(p => (string)p!)).Order());
        }
        else
        {
            Assert.False(fly.ContainsKey("processes"), "Without a worker, fly.toml has no [processes].");
            Assert.DoesNotContain(project.Files(), f => f.Contains("Jobs/", StringComparison.Ordinal) || f.Contains("Worker", StringComparison.Ordinal));
            Assert.DoesNotContain(project.Files(), f => File.ReadAllText(Path.Combine(project.Directory, f)).Contains("Hangfire", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios.AllAsTheoryData), MemberType = typeof(Scenarios))]
    public async Task Fly_toml_scrapes_metrics_from_every_process_on_the_port_and_path_FlyMpg_Telemetry_serves(string[] args)
    {
        var project = await GeneratedOutput.GetAsync(args);
        var fly = TomlSerializer.Deserialize<TomlTable>(File.ReadAllText(project.File("fly.toml")))!;
        var appsettings = File.ReadAllText(project.File("appsettings.json"));

        Assert.True(fly.TryGetValue("metrics", out var declared) && declared is TomlTable, "fly.toml has no [metrics] table.");
        var metrics = (TomlTable)declared;
        Assert.Equal(new FlyMetricsSettings().Port, Convert.ToInt32(metrics["port"]));
        Assert.Equal(FlyMetricsSettings.Path, metrics["path"]);
        // No processes list: Fly scrapes every process group, the worker's pool included.
        Assert.False(metrics.ContainsKey("processes"), "[metrics] is limited to some process groups.");
        // The port is the library's default, not a setting of the generated service that fly.toml could drift from.
        Assert.DoesNotContain("\"Metrics\"", appsettings, StringComparison.Ordinal);
        // No public service routes to the metrics port.
        Assert.NotEqual(Convert.ToInt32(metrics["port"]), Convert.ToInt32(((TomlTable)fly["http_service"])["internal_port"]));
        Assert.False(fly.ContainsKey("services"), "fly.toml has a [[services]] entry, which could expose the metrics port.");
    }

    [Theory]
    [MemberData(nameof(Scenarios.AllAsTheoryData), MemberType = typeof(Scenarios))]
    public async Task Every_namespace_starts_with_the_project_namespace(string[] args)
    {
        var project = await GeneratedOutput.GetAsync(args);
        var rootNamespace = RootNamespacePattern().Match(File.ReadAllText(Directory.GetFiles(project.Directory, "*.csproj").Single())).Groups[1].Value;

        var namespaces = project.Files()
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal))
            .SelectMany(f => NamespacePattern().Matches(File.ReadAllText(Path.Combine(project.Directory, f))).Select(m => (File: f, Namespace: m.Groups[1].Value)))
            .ToList();

        Assert.NotEmpty(namespaces);
        Assert.All(namespaces, n => Assert.True(
            n.Namespace == rootNamespace || n.Namespace.StartsWith(rootNamespace + ".", StringComparison.Ordinal),
            $"{n.File}: namespace {n.Namespace} is not under {rootNamespace}"));
    }

    [Theory]
    [MemberData(nameof(Scenarios.AllAsTheoryData), MemberType = typeof(Scenarios))]
    public async Task Generated_text_files_are_utf8_without_BOM_with_LF_endings_and_hold_no_secret(string[] args)
    {
        var project = await GeneratedOutput.GetAsync(args);

        Assert.All(project.Files(), file =>
        {
            var bytes = File.ReadAllBytes(Path.Combine(project.Directory, file));
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble), $"{file} starts with a BOM");
            Assert.False(text.Contains('\r'), $"{file} has CR characters");
            foreach (Match url in UrlWithPasswordPattern().Matches(text))
            {
                // Only placeholders, and the throwaway password of the local compose database.
                Assert.True(url.Groups["password"].Value is "PASSWORD" or "PW" or "local", $"{file} holds a password in a URL: {url.Value}");
            }

            // Npgsql-style "Password=..." in a connection string (code such as `builder.Password = x` is fine).
            Assert.DoesNotMatch(@"(?im)(?:^|[;""])\s*password\s*=\s*(?!\.\.\.|PASSWORD\b)[^;""'\s]+", text);
            Assert.DoesNotContain("PRIVATE KEY", text);
        });
    }

    [GeneratedRegex(@"^EXPOSE (\d+)$", RegexOptions.Multiline)]
    private static partial Regex ExposePattern();

    [GeneratedRegex(@"^ENV ASPNETCORE_HTTP_PORTS=(\d+)$", RegexOptions.Multiline)]
    private static partial Regex HttpPortsPattern();

    [GeneratedRegex(@"<RootNamespace>([^<]+)</RootNamespace>")]
    private static partial Regex RootNamespacePattern();

    [GeneratedRegex(@"^namespace ([A-Za-z_][A-Za-z0-9_.]*)", RegexOptions.Multiline)]
    private static partial Regex NamespacePattern();

    [GeneratedRegex(@"postgres(?:ql)?://[^:/@\s]+:(?<password>[^@\s]+)@")]
    private static partial Regex UrlWithPasswordPattern();
}
