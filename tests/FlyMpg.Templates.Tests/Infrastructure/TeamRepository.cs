using System.Xml.Linq;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// A team's repository in the sandbox, as teams keep many services: central package management
/// (<c>Directory.Packages.props</c>), a <c>Directory.Build.props</c> with warnings as errors, and <c>Team.slnx</c>, with
/// an existing service in it (the scaffolder corpus's minimal API, its versions moved to the central file). Once per test
/// run, each step recorded for the specs: two services generated with different options, the existing one scaffolded with
/// the README's commands, the solution built as CI builds it; then the drift the issue names (a fly.toml without
/// release_command and with an over-budget pool size, a Dockerfile running as root), the same build failing on it, the
/// files taken again with the documented command, and the build passing. The services run from that last build.
/// </summary>
public sealed class TeamRepository
{
    public const string Solution = "Team.slnx";

    /// <summary>The team's own build setting every project must get, as its Directory.Build.props gives it.</summary>
    public const string TeamCompany = "Team Co";

    /// <summary>The CI step the README gives: the whole solution, every warning an error.</summary>
    public static readonly string[] CiBuild = ["build", Solution, "-c", "Release", "-warnaserror", "-nologo"];

    /// <summary>The documented command that takes the pack's files again (README, "Many services in one repository").</summary>
    public static readonly string[] TakeConventions = ["flympg-add", "--force"];

    public static readonly TeamService Existing = new("services/orders", "Orders.Api", null, "/orders", new { customer = "Ada", total = 12.5m });

    public static readonly TeamService Billing = new("services/billing", "Billing", [], "/todos", new { title = "Send the invoice" });

    public static readonly TeamService Shipping = new("services/shipping", "Shipping", ["--worker", "hangfire", "--pool-size", "12", "--region", "ams"], "/todos", new { title = "Ship it" });

    public static readonly IReadOnlyList<TeamService> Services = [Existing, Billing, Shipping];

    private static readonly Lazy<Task<TeamRepository>> SharedLazy = new(CreateAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(10);

    private readonly Sandbox _sandbox;

    private TeamRepository(string root, Sandbox sandbox) => (Root, _sandbox) = (root, sandbox);

    public string Root { get; }

    /// <summary>The solution with only the existing service, built as the team had it (also its restore, which flympg-add needs).</summary>
    public ProcessResult BuildBefore { get; private set; } = null!;

    /// <summary><c>dotnet new flympg-web</c> of each generated service, in the repository's root.</summary>
    public IReadOnlyDictionary<TeamService, ProcessResult> Generated { get; private set; } = null!;

    public ProcessResult Add { get; private set; } = null!;

    public ProcessResult Format { get; private set; } = null!;

    /// <summary><see cref="CiBuild"/> with every service in place.</summary>
    public ProcessResult Build { get; private set; } = null!;

    /// <summary>The drift made by hand: each edited file with the 1-based line the build must name, and the id.</summary>
    public IReadOnlyList<(string File, int Line, string Id)> Drift { get; private set; } = null!;

    /// <summary><see cref="CiBuild"/> after the drift.</summary>
    public ProcessResult DriftBuild { get; private set; } = null!;

    /// <summary><see cref="TakeConventions"/> in each drifted service's folder.</summary>
    public IReadOnlyDictionary<TeamService, ProcessResult> Retaken { get; private set; } = null!;

    /// <summary><see cref="CiBuild"/> after the documented command: the build the apps run from.</summary>
    public ProcessResult BuildAfterRetaking { get; private set; } = null!;

    /// <summary>The scaffolded service's files before the drift, to compare with what the documented command wrote back.</summary>
    public FileHashes ExistingBeforeDrift { get; private set; } = null!;

    public FileHashes ExistingAfterRetaking { get; private set; } = null!;

    public static Task<TeamRepository> GetAsync() => SharedLazy.Value;

    public string PathOf(TeamService service, string file = "") => Path.GetFullPath(Path.Combine(Root, service.Folder, file));

    /// <summary>The service as <see cref="BuildAfterRetaking"/> built it.</summary>
    public GeneratedApp App(TeamService service) =>
        GeneratedApp.FromBuild(
            new GeneratedProject(service.NewArguments is null ? "flympg-add" : "flympg-web", service.NewArguments ?? [], PathOf(service), BuildAfterRetaking),
            PathOf(service, Path.Combine("bin", "Release", "net10.0")),
            service.AssemblyName,
            BuildAfterRetaking);

    private static async Task<TeamRepository> CreateAsync()
    {
        var package = await TemplatePackage.GetAsync();
        var team = new TeamRepository(package.Sandbox.CreateProjectDirectory("team"), package.Sandbox);
        var existing = Directory.CreateDirectory(team.PathOf(Existing)).FullName;
        (await new ProcessRunner("cp").WithArguments("-R", CorpusShape.MinimalApi.SourceDirectory + "/.", existing).RunAsync()).EnsureSuccess();
        team.WriteRepositoryFiles(Path.Combine(existing, "Orders.Api.csproj"));
        (await team.InRepository(team.Root, "sln", Solution, "add", Path.Combine(Existing.Folder, "Orders.Api.csproj")).RunAsync()).EnsureSuccess();
        team.BuildBefore = (await team.InRepository(team.Root, "build", Solution, "-c", "Release", "-nologo").RunAsync()).EnsureSuccess();

        var generated = new Dictionary<TeamService, ProcessResult>();
        foreach (var service in new[] { Billing, Shipping })
        {
            generated[service] = await DotNet.New(package.Hive, ["flympg-web", "-n", service.AssemblyName, "-o", service.Folder, .. service.NewArguments!])
                .InDirectory(team.Root).WithTimeout(StepTimeout).RunAsync();
        }

        team.Generated = generated;
        team.Add = (await DotNet.New(package.Hive, ScaffoldedService.AddCommand).InDirectory(existing).WithTimeout(StepTimeout).RunAsync()).EnsureSuccess();
        team.Format = (await team.InRepository(existing, ScaffoldedService.FormatCommand).RunAsync()).EnsureSuccess();
        team.Build = await team.InRepository(team.Root, CiBuild).RunAsync();
        team.ExistingBeforeDrift = FileHashes.Of(existing);

        team.Drift = team.MakeDrift();
        team.DriftBuild = await team.InRepository(team.Root, CiBuild).RunAsync();

        team.Retaken = new Dictionary<TeamService, ProcessResult>
        {
            [Existing] = await DotNet.New(package.Hive, TakeConventions).InDirectory(existing).WithTimeout(StepTimeout).RunAsync(),
            [Billing] = await DotNet.New(package.Hive, TakeConventions).InDirectory(team.PathOf(Billing)).WithTimeout(StepTimeout).RunAsync(),
        };
        team.ExistingAfterRetaking = FileHashes.Of(existing);
        team.BuildAfterRetaking = await team.InRepository(team.Root, CiBuild).RunAsync();
        return team;
    }

    // The repository as the team keeps it; the existing service's versions move to the central file, as CPM wants them.
    private void WriteRepositoryFiles(string existingProject)
    {
        var project = XDocument.Load(existingProject);
        var versions = new List<string>();
        foreach (var reference in project.Descendants("PackageReference"))
        {
            versions.Add($"    <PackageVersion Include=\"{reference.Attribute("Include")!.Value}\" Version=\"{reference.Attribute("Version")!.Value}\" />");
            reference.Attribute("Version")!.Remove();
        }

        project.Save(existingProject);
        File.WriteAllText(Path.Combine(Root, "Directory.Packages.props"), $"""
            <Project>
              <PropertyGroup>
                <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
            {string.Join("\n", versions)}
              </ItemGroup>
            </Project>

            """);
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <Company>{TeamCompany}</Company>
              </PropertyGroup>
            </Project>

            """);
        File.WriteAllText(Path.Combine(Root, Solution), "<Solution>\n</Solution>\n");
    }

    // The issue's drift: the scaffolded service's fly.toml loses release_command and gets a pool size two Machines cannot
    // fit in the Basic plan; a generated service's Dockerfile runs as root.
    private List<(string File, int Line, string Id)> MakeDrift()
    {
        var flyToml = PathOf(Existing, "fly.toml");
        var fly = File.ReadAllLines(flyToml).Where(l => l.Trim() != "release_command = \"migrate\"")
            .Select(l => l.Trim() == "FlyMpg__Pooled__MaxPoolSize = \"8\"" ? "  FlyMpg__Pooled__MaxPoolSize = \"300\"" : l)
            .ToList();
        File.WriteAllText(flyToml, string.Join("\n", fly) + "\n");

        var dockerfile = PathOf(Billing, "Dockerfile");
        var docker = File.ReadAllLines(dockerfile).Select(l => l == "USER $APP_UID" ? "USER root" : l).ToList();
        File.WriteAllText(dockerfile, string.Join("\n", docker) + "\n");

        return
        [
            (flyToml, fly.IndexOf("[deploy]") + 1, "FLYMPG040"),
            (flyToml, fly.IndexOf("  FlyMpg__Pooled__MaxPoolSize = \"300\"") + 1, "FLYMPG044"),
            (dockerfile, docker.IndexOf("USER root") + 1, "FLYMPG041"),
        ];
    }

    private ProcessRunner InRepository(string directory, params string[] arguments) =>
        _sandbox.DotNet(directory, arguments).WithTimeout(StepTimeout);
}
