using System.Collections.Concurrent;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// A corpus service copied into the sandbox as a fresh clone has it (never restored), then brought onto MPG with exactly
/// the commands the pack's README gives (<see cref="RestoreCommand"/>, <see cref="AddCommand"/>, <see cref="FormatCommand"/>),
/// run a second time, and built with warnings as errors. The service as it was is built from a second copy, so the
/// scaffolded one meets the README's first command unrestored. Done once per shape per test run; every test of the shape
/// shares it. Each step's result and the files' hashes between the steps are kept for the assertions.
/// </summary>
public sealed class ScaffoldedService
{
    /// <summary>
    /// <c>dotnet restore</c>, first: the template engine reads the project (its ASP.NET Core capability, its assembly name
    /// for fly.toml and the Dockerfile) only once it is restored, and a fresh clone is not.
    /// </summary>
    public static readonly string[] RestoreCommand = ["restore"];

    /// <summary><c>dotnet new flympg-add</c>, in the service's folder (plus the shape's <see cref="CorpusShape.AddArguments"/>).</summary>
    public static readonly string[] AddCommand = ["flympg-add"];

    /// <summary>The code changes <c>dotnet new</c> cannot make, applied by the FlyMpg analyzers' code fixes.</summary>
    public static readonly string[] FormatCommand = ["format", "analyzers", "--diagnostics", "FLYMPG006", "FLYMPG010", "FLYMPG011", "FLYMPG012", "FLYMPG013", "FLYMPG014", "FLYMPG015", "FLYMPG016", "FLYMPG017", "FLYMPG018", "--severity", "info"];

    private static readonly ConcurrentDictionary<string, Lazy<Task<ScaffoldedService>>> Scaffolded = new();
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    private ScaffoldedService(CorpusShape shape, string directory) => (Shape, Directory) = (shape, directory);

    public CorpusShape Shape { get; }

    /// <summary>The service's folder in the sandbox.</summary>
    public string Directory { get; }

    /// <summary>The service as it was, built from a copy of its own into <c>bin/before</c> (warnings allowed: it did not reference FlyMpg yet).</summary>
    public GeneratedApp AppBefore { get; private set; } = null!;

    public FileHashes Before { get; private set; } = null!;

    /// <summary>The README's first command, on the unrestored copy.</summary>
    public ProcessResult Restore { get; private set; } = null!;

    public ProcessResult Add { get; private set; } = null!;

    public ProcessResult Format { get; private set; } = null!;

    public FileHashes After { get; private set; } = null!;

    /// <summary>The same <c>dotnet new flympg-add</c> again: refused, since its files exist.</summary>
    public ProcessResult AddAgain { get; private set; } = null!;

    /// <summary><c>dotnet new flympg-add --force</c>, then the format command again.</summary>
    public ProcessResult AddAgainForced { get; private set; } = null!;

    public ProcessResult FormatAgain { get; private set; } = null!;

    /// <summary><c>dotnet format ... --verify-no-changes</c>: the check-only mode CI runs.</summary>
    public ProcessResult Verify { get; private set; } = null!;

    public FileHashes AfterSecondRun { get; private set; } = null!;

    /// <summary>The scaffolded service built with warnings as errors into <c>bin/app</c>, ready to run.</summary>
    public GeneratedApp App { get; private set; } = null!;

    public static Task<ScaffoldedService> GetAsync(CorpusShape shape) =>
        Scaffolded.GetOrAdd(shape.Folder, _ => new Lazy<Task<ScaffoldedService>>(() => CreateAsync(shape))).Value;

    private static async Task<ScaffoldedService> CreateAsync(CorpusShape shape)
    {
        var package = await TemplatePackage.GetAsync();
        var directory = package.Sandbox.CreateProjectDirectory($"scaffold/{shape.Folder}");
        var beforeDirectory = package.Sandbox.CreateProjectDirectory($"scaffold/{shape.Folder}.before");
        // The corpus folder as a team's checkout: copied whole (it holds no build output), twice.
        var copy = (await Copy(shape.SourceDirectory, directory).RunAsync()).EnsureSuccess();
        var beforeCopy = (await Copy(shape.SourceDirectory, beforeDirectory).RunAsync()).EnsureSuccess();
        var service = new ScaffoldedService(shape, directory);
        service.Before = FileHashes.Of(directory);

        // Built as the team has it, from the second copy: the first stays as unrestored as a fresh clone.
        service.AppBefore = await GeneratedApp.BuildIntoAsync(new GeneratedProject("corpus", [shape.Folder], beforeDirectory, beforeCopy), "before");
        service.AppBefore.Build.EnsureSuccess();
        if (System.IO.Directory.Exists(Path.Combine(directory, "obj")))
        {
            throw copy.Failure($"the copy to scaffold was restored before the README's first command: {directory}/obj exists");
        }

        service.Restore = await package.Sandbox.DotNet(directory, RestoreCommand).WithTimeout(StepTimeout).RunAsync();
        service.Restore.EnsureSuccess();
        string[] add = [.. AddCommand, .. shape.AddArguments];
        service.Add = await New(package, directory, add).RunAsync();
        service.Add.EnsureSuccess();
        service.Format = await package.Sandbox.DotNet(directory, FormatCommand).WithTimeout(StepTimeout).RunAsync();
        service.Format.EnsureSuccess();
        service.After = FileHashes.Of(directory);

        service.AddAgain = await New(package, directory, add).RunAsync();
        service.AddAgainForced = await New(package, directory, [.. add, "--force"]).RunAsync();
        service.FormatAgain = await package.Sandbox.DotNet(directory, FormatCommand).WithTimeout(StepTimeout).RunAsync();
        service.Verify = await package.Sandbox.DotNet(directory, [.. FormatCommand, "--verify-no-changes"]).WithTimeout(StepTimeout).RunAsync();
        service.AfterSecondRun = FileHashes.Of(directory);

        var project = new GeneratedProject("flympg-add", add, directory, service.Add);
        service.App = await GeneratedApp.BuildAsync(project);
        return service;
    }

    private static ProcessRunner Copy(string from, string to) => new ProcessRunner("cp").WithArguments("-R", from + "/.", to);

    private static ProcessRunner New(TemplatePackage package, string directory, string[] arguments) =>
        DotNet.New(package.Hive, arguments).InDirectory(directory).WithTimeout(StepTimeout);
}
