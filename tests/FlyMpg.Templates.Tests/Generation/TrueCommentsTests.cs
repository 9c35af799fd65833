using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Generation;

/// <summary>
/// Comments in the generated files say what Fly and the images do (facts.md, "Fly.io"): the .NET 10 images are
/// Ubuntu, a failing check takes a Machine out of routing without restarting it, the worker's check is a top-level
/// [checks] check, and kill_timeout is one value for every process group.
/// </summary>
public class TrueCommentsTests
{
    [Theory]
    [MemberData(nameof(Scenarios.AllAsTheoryData), MemberType = typeof(Scenarios))]
    public async Task The_Dockerfile_names_the_images_Ubuntu_base(string[] args)
    {
        var project = await GeneratedOutput.GetAsync(args);

        var dockerfile = File.ReadAllText(project.File("Dockerfile"));

        Assert.DoesNotContain("Debian", dockerfile);
        Assert.Contains("Ubuntu 24.04 \"noble\"", dockerfile);
    }

    [Theory]
    [MemberData(nameof(Scenarios.AllAsTheoryData), MemberType = typeof(Scenarios))]
    public async Task Fly_toml_says_a_failing_check_takes_a_Machine_out_of_routing(string[] args)
    {
        var project = await GeneratedOutput.GetAsync(args);

        var flyToml = File.ReadAllText(project.File("fly.toml"));

        Assert.DoesNotContain("cycle", flyToml);
        Assert.Contains("A failing check takes a Machine out of routing (Fly does\n  # not restart it)", flyToml);
    }

    [Fact]
    public async Task With_the_worker_fly_toml_calls_its_check_a_top_level_check_and_kill_timeout_shared()
    {
        var project = await GeneratedOutput.GetAsync(["--worker", "hangfire"]);

        var flyToml = File.ReadAllText(project.File("fly.toml"));

        Assert.DoesNotContain("is a Machine check", flyToml);
        Assert.Contains("its health check is a top-level [checks] check", flyToml);
        Assert.Contains("# One kill_timeout for every process group", flyToml);
        Assert.DoesNotContain("# The worker gets up to 20 s", flyToml);
    }
}
