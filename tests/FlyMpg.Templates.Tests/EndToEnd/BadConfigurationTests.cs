using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// A malformed DATABASE_URL stops the service at startup with a message that names the variable and the
/// problem, and the password appears in no output.
/// </summary>
[Collection("mpg")]
public class BadConfigurationTests(MpgStandIn mpg)
{
    public static TheoryData<string, string> BadUrls() => new()
    {
        { "postgresql://app:{password}@/app", "DATABASE_URL has no host" },
        { "postgresql://app:{password}@127.0.0.1:99999/app", "DATABASE_URL has the port '99999'" },
        { "postgresql://app:{password}%G1@127.0.0.1/app", "DATABASE_URL has a malformed percent-encoding in its password" },
        { "mysql://app:{password}@127.0.0.1/app", "DATABASE_URL has the scheme 'mysql://'" },
        { "Host=127.0.0.1;Password={password};Pooling", "DATABASE_URL is neither a postgresql:// URL nor a valid Npgsql connection string" },
        { "", "DATABASE_URL is not set" },
    };

    [Theory]
    [MemberData(nameof(BadUrls))]
    public async Task A_malformed_DATABASE_URL_stops_the_service_at_startup_naming_the_variable(string url, string message)
    {
        var app = await GeneratedApp.GetAsync();

        var result = await app.Command("--urls", $"http://127.0.0.1:{GeneratedApp.FreeTcpPort()}")
            .WithEnvironment("DATABASE_URL", url.Replace("{password}", mpg.Password, StringComparison.Ordinal))
            .WithTimeout(TimeSpan.FromSeconds(60))
            .RunAsync();

        Assert.True(result.ExitCode != 0, $"the service started with a bad DATABASE_URL{Environment.NewLine}{mpg.Mask(result.Describe())}");
        Assert.Contains(message, result.StdErr);
        Assert.DoesNotContain(mpg.Password, result.StdOut + result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr); // a message, not a stack trace
    }
}
