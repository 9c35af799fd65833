using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// `fly ssh console -C "dotnet /app/Orders.dll doctor"` starts in /, not in the image's WORKDIR: every entrypoint
/// reads its appsettings.json from the app's own folder, whatever the working directory.
/// </summary>
public class ContentRootTests
{
    // --pool-size 12 puts "Pooled": { "MaxPoolSize": 12 } in appsettings.json; without that file the pool is FlyMpg's 8.
    private static readonly string[] PoolSize12 = ["--app-name", "orders-prod", "--region", "ams", "--pool-size", "12"];

    [Fact]
    public async Task Doctor_started_in_the_root_directory_reads_the_apps_appsettings_json()
    {
        var app = await GeneratedApp.GetAsync(PoolSize12);
        Assert.Contains("\"MaxPoolSize\": 12", File.ReadAllText(Path.Combine(app.OutputDirectory, "appsettings.json")));

        // Servers nobody listens on: the budget lines need only the parsed URLs and the settings.
        var doctor = await app.Command("doctor")
            .InDirectory("/")
            .WithEnvironment("DATABASE_URL", "postgresql://app:pw@127.0.0.1:1/app")
            .WithEnvironment("DIRECT_DATABASE_URL", "postgresql://app:pw@127.0.0.1:2/app")
            .RunAsync();

        Assert.Contains("× pool 12 =", doctor.StdOut);
    }
}
