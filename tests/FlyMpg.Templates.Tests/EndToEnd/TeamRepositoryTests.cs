using System.Net;
using System.Net.Http.Json;
using System.Xml.Linq;
using FlyMpg.Templates.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// Many services in one repository (<see cref="TeamRepository"/>): with central package management, the team's
/// Directory.Build.props and a solution, two generated services and a scaffolded one build on the first try with the
/// team's warnings as errors, each migrates over the direct URL and serves through PgBouncer; drift in their files fails
/// the CI build at each line, and the documented command takes the pack's files again.
/// </summary>
[Collection("mpg")]
public sealed class TeamRepositoryTests(MpgStandIn mpg, ITestOutputHelper output)
{
    public static TheoryData<string> ServiceFolders { get; } = new(TeamRepository.Services.Select(s => s.Folder));

    [Fact]
    public async Task Generated_services_reference_packages_without_versions_and_the_central_file_gets_the_packs_versions()
    {
        var team = await TeamRepository.GetAsync();
        foreach (var (service, result) in team.Generated)
        {
            Assert.True(result.ExitCode == 0 && string.IsNullOrWhiteSpace(result.StdErr), $"dotnet new flympg-web for {service}{Environment.NewLine}{result}");
        }

        foreach (var service in TeamRepository.Services)
        {
            var references = XDocument.Load(Directory.GetFiles(team.PathOf(service), "*.csproj").Single()).Descendants("PackageReference").ToList();
            Assert.True(references.Count > 0 && references.All(r => r.Attribute("Version") is null), $"{service}: a PackageReference with a Version fails restore with NU1008 here");
        }

        var central = XDocument.Load(Path.Combine(team.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .GroupBy(v => v.Attribute("Include")!.Value)
            .ToDictionary(g => g.Key, g => g.Select(v => v.Attribute("Version")!.Value).ToList());
        foreach (var package in new[] { "FlyMpg", "FlyMpg.Telemetry", "FlyMpg.Hangfire" })
        {
            Assert.True(central.TryGetValue(package, out var versions) && versions.SequenceEqual([LocalFeed.Version]), $"Directory.Packages.props: {package} {string.Join(", ", versions ?? [])}, expected once at {LocalFeed.Version}");
        }

        Assert.Equal(["10.0.15"], central["Microsoft.EntityFrameworkCore.Design"]);
    }

    [Fact]
    public async Task The_solution_lists_every_service_and_each_builds_with_the_teams_Directory_Build_props()
    {
        var team = await TeamRepository.GetAsync();
        var solution = XDocument.Load(Path.Combine(team.Root, TeamRepository.Solution)).Descendants("Project").Select(p => p.Attribute("Path")!.Value).Order().ToList();

        Assert.Equal(TeamRepository.Services.Select(s => $"{s.Folder}/{s.AssemblyName}.csproj").Order(), solution);
        Assert.True(team.Build.ExitCode == 0, $"the team's CI build{Environment.NewLine}{team.Build}");
        foreach (var service in TeamRepository.Services)
        {
            var properties = await TeamProperties(team, service);
            Assert.True(properties.Contains($"\"Company\": \"{TeamRepository.TeamCompany}\"", StringComparison.Ordinal), $"{service} does not import the team's Directory.Build.props{Environment.NewLine}{properties}");
            Assert.Contains("\"TreatWarningsAsErrors\": \"true\"", properties, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(ServiceFolders))]
    public async Task Each_service_migrates_over_the_direct_url_and_serves_a_request_through_PgBouncer(string folder)
    {
        var team = await TeamRepository.GetAsync();
        var service = TeamRepository.Services.Single(s => s.Folder == folder);
        team.BuildAfterRetaking.EnsureSuccess();
        var app = team.App(service);
        var db = await mpg.CreateFreshDatabaseAsync($"team_{service.AssemblyName.ToLowerInvariant().Replace('.', '_')}");

        var migrate = await app.Command("migrate").WithEnvironment("DATABASE_URL", db.PooledUrl).WithEnvironment("DIRECT_DATABASE_URL", db.DirectUrl).Masking(mpg.Password).RunAsync();
        Assert.True(migrate.ExitCode == 0 && migrate.StdOut.Contains("Applying 1 migration(s)", StringComparison.Ordinal), $"{service}: {migrate}");

        await using var web = await app.StartWebAsync(new Dictionary<string, string> { ["DATABASE_URL"] = db.PooledUrl, ["DIRECT_DATABASE_URL"] = db.DirectUrl });
        using var created = await web.Http.PostAsJsonAsync(service.ResourcePath, service.NewResource);
        using var listed = await web.Http.GetAsync(service.ResourcePath);
        Assert.True(created.StatusCode == HttpStatusCode.Created && listed.StatusCode == HttpStatusCode.OK, $"{service}: POST {(int)created.StatusCode}, GET {(int)listed.StatusCode}{Environment.NewLine}{mpg.Mask(web.Output)}");
        Assert.Contains((await mpg.ShowClientsAsync()).Select(c => c.Database), d => d == db.Name);
        output.WriteLine($"{service}: migrated, POST and GET {service.ResourcePath} through PgBouncer");
    }

    [Fact]
    public async Task Drift_fails_the_CI_build_naming_each_file_and_line_and_the_documented_command_takes_the_pack_files_again()
    {
        var team = await TeamRepository.GetAsync();
        var reported = team.DriftBuild.StdOut.Split('\n').Where(l => l.Contains(": error FLYMPG04", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToList();
        output.WriteLine(string.Join(Environment.NewLine, reported));
        output.WriteLine($"CI build {team.Build.Duration:m\\:ss}, with the drift {team.DriftBuild.Duration:m\\:ss}, after the documented command {team.BuildAfterRetaking.Duration:m\\:ss}");

        Assert.True(team.DriftBuild.ExitCode != 0, $"the CI build passed with the drift{Environment.NewLine}{team.DriftBuild}");
        foreach (var (file, line, id) in team.Drift)
        {
            Assert.True(reported.Any(r => r.StartsWith($"{file}({line},", StringComparison.Ordinal) && r.Contains($"error {id}:", StringComparison.Ordinal)), $"{id} at {file}:{line} is not reported:{Environment.NewLine}{string.Join(Environment.NewLine, reported)}");
        }

        Assert.True(reported.Count == team.Drift.Count, $"expected exactly the {team.Drift.Count} differences made:{Environment.NewLine}{string.Join(Environment.NewLine, reported)}");
        Assert.All(reported.Where(r => !r.Contains("FLYMPG044", StringComparison.Ordinal)), r => Assert.Contains("take the pack's files with 'dotnet new flympg-add --force'", r, StringComparison.Ordinal));

        foreach (var (service, result) in team.Retaken)
        {
            Assert.True(result.ExitCode == 0, $"dotnet new {string.Join(' ', TeamRepository.TakeConventions)} in {service}{Environment.NewLine}{result}");
        }

        Assert.True(team.BuildAfterRetaking.ExitCode == 0 && !team.BuildAfterRetaking.StdOut.Contains("FLYMPG04", StringComparison.Ordinal), $"the CI build after the documented command{Environment.NewLine}{team.BuildAfterRetaking}");
        var changed = team.ExistingBeforeDrift.ChangedIn(team.ExistingAfterRetaking).Concat(team.ExistingBeforeDrift.AddedIn(team.ExistingAfterRetaking)).ToList();
        Assert.True(changed.Count == 0, $"the scaffolded service's files differ from before the drift: {string.Join(", ", changed)}");
        Assert.Contains("\nUSER $APP_UID\n", File.ReadAllText(team.PathOf(TeamRepository.Billing, "Dockerfile")), StringComparison.Ordinal);
    }

    private static async Task<string> TeamProperties(TeamRepository team, TeamService service) =>
        (await (await TemplatePackage.GetAsync()).Sandbox.DotNet(team.PathOf(service), "msbuild", "-getProperty:Company", "-getProperty:TreatWarningsAsErrors")
            .WithTimeout(TimeSpan.FromMinutes(2)).RunAsync()).EnsureSuccess().StdOut;
}
