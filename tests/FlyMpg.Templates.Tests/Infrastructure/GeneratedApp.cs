using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// A generated service, restored and built once per scenario per test run (warnings are errors), shared by
/// every test that needs it. Runs its entrypoints as real processes: <c>dotnet &lt;App&gt;.dll [migrate|worker]</c>.
/// </summary>
public sealed class GeneratedApp
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<GeneratedApp>>> Built = new();
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private const string MetricsPortVariable = "FlyMpg__Metrics__Port";

    private GeneratedApp(GeneratedProject project, string outputDirectory, string assemblyName, ProcessResult build)
    {
        Project = project;
        OutputDirectory = outputDirectory;
        AssemblyName = assemblyName;
        Build = build;
    }

    public GeneratedProject Project { get; }

    /// <summary>Where <c>dotnet build -o</c> put the app.</summary>
    public string OutputDirectory { get; }

    public string AssemblyName { get; }

    public string AssemblyPath => Path.Combine(OutputDirectory, AssemblyName + ".dll");

    /// <summary>The <c>dotnet build</c> run.</summary>
    public ProcessResult Build { get; }

    /// <summary>The app references FlyMpg.Telemetry (every generated one does; a scaffolded existing service does not), so it has a metrics listener.</summary>
    public bool ServesMetrics => File.Exists(Path.Combine(OutputDirectory, "FlyMpg.Telemetry.dll"));

    /// <summary>Generates and builds the scenario the first time; later calls in this run share it.</summary>
    public static Task<GeneratedApp> GetAsync(params string[] args) =>
        Built.GetOrAdd(TemplatePackage.ScenarioName(args), _ => new Lazy<Task<GeneratedApp>>(() => CreateAsync(args))).Value;

    /// <summary>
    /// <c>dotnet &lt;App&gt;.dll &lt;args&gt;</c> in the build output, as Production, with neither database variable set
    /// unless <see cref="ProcessRunner.WithEnvironment(string, string)"/> adds it. Its metrics port is a free one, not
    /// 9091: tests (and other checkouts on this machine) run several services at once.
    /// </summary>
    public ProcessRunner Command(params string[] args) =>
        DotNet.Command([AssemblyPath, .. args])
            .InDirectory(OutputDirectory)
            .WithEnvironment(MetricsPortVariable, FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
            .WithoutEnvironment("DOTNET_ENVIRONMENT")
            .WithoutEnvironment("DATABASE_URL")
            .WithoutEnvironment("DIRECT_DATABASE_URL")
            .WithTimeout(TimeSpan.FromMinutes(2));

    /// <summary>Starts the web API on a free loopback port and waits until <c>/readyz</c> answers 200.</summary>
    public Task<RunningService> StartWebAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        StartAsync(environment, "/readyz", args);

    /// <summary>Starts the web app and waits until <paramref name="readyPath"/> answers 200: for a service without FlyMpg's health endpoints.</summary>
    public Task<RunningService> StartWebServingAsync(IReadOnlyDictionary<string, string> environment, string readyPath) =>
        StartAsync(environment, readyPath, []);

    /// <summary>Starts the web API and waits until <c>/healthz</c> answers 200: alive, whether or not its database is.</summary>
    public Task<RunningService> StartWebAliveAsync(IReadOnlyDictionary<string, string> environment) =>
        StartAsync(environment, "/healthz", []);

    private async Task<RunningService> StartAsync(IReadOnlyDictionary<string, string> environment, string readyPath, string[] args)
    {
        var port = FreeTcpPort();
        var metricsPort = FreeTcpPort();
        var process = Command([.. args, "--urls", $"http://127.0.0.1:{port}"])
            .WithEnvironment(MetricsPortVariable, metricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment(environment)
            .WithTimeout(TimeSpan.FromMinutes(10))
            .Start();
        var service = new RunningService(process, new Uri($"http://127.0.0.1:{port}"), new Uri($"http://127.0.0.1:{metricsPort}"));
        try
        {
            await service.WaitUntilReadyAsync(ReadyTimeout, readyPath);
            if (ServesMetrics)
            {
                // Metrics start once the app has answered a request: a moment after readyPath first answers.
                await service.WaitUntilMetricsServedAsync(TimeSpan.FromSeconds(10));
            }

            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Builds a generated project (perhaps edited by a test, or an existing service the scaffolder changed) into <c>bin/app</c> with warnings as errors, plus
    /// <paramref name="buildOptions"/>; the returned app carries the build's result, successful or not.
    /// </summary>
    public static Task<GeneratedApp> BuildAsync(GeneratedProject project, params string[] buildOptions) =>
        BuildIntoAsync(project, "app", ["-warnaserror", "-p:TreatWarningsAsErrors=true", .. buildOptions]);

    /// <summary>
    /// Builds a project into <c>bin/&lt;outputFolder&gt;</c> with <paramref name="buildOptions"/> only (no warnings as errors unless
    /// they say so): an existing service as its team builds it, before the scaffolder.
    /// </summary>
    public static async Task<GeneratedApp> BuildIntoAsync(GeneratedProject project, string outputFolder, params string[] buildOptions)
    {
        var package = await TemplatePackage.GetAsync();
        var csproj = Directory.GetFiles(project.Directory, "*.csproj").Single();
        // Generated projects name their assembly; an existing service's is usually its project file's name.
        var assemblyName = XDocument.Load(csproj).Descendants("AssemblyName").SingleOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(csproj);
        var output = Path.Combine(project.Directory, "bin", outputFolder);

        var build = await package.Sandbox.DotNet(project.Directory, ["build", "-c", "Release", "-o", output, "-nologo", .. buildOptions])
            .WithTimeout(BuildTimeout)
            .RunAsync();
        return new GeneratedApp(project, output, assemblyName, build);
    }

    /// <summary>A project some other command built (a solution build, say) into <paramref name="outputDirectory"/>.</summary>
    public static GeneratedApp FromBuild(GeneratedProject project, string outputDirectory, string assemblyName, ProcessResult build) =>
        new(project, outputDirectory, assemblyName, build);

    private static async Task<GeneratedApp> CreateAsync(string[] args)
    {
        var package = await TemplatePackage.GetAsync();
        var project = await package.DotNetNewIntoAsync($"apps/{TemplatePackage.ScenarioName(args)}", Scenarios.Template, [.. args, "--no-restore"]);
        var app = await BuildAsync(project);
        app.Build.EnsureSuccess();
        return app;
    }
}
