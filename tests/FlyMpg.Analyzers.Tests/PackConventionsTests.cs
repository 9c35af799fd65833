using System.Text.RegularExpressions;
using FlyMpg.Analyzers.Conventions;
using FlyMpg.Analyzers.Tests.Infrastructure;

namespace FlyMpg.Analyzers.Tests;

/// <summary>
/// What FLYMPG040-044 compare a service with comes from the templates themselves: every convention resolves from the
/// files the analyzer embeds, those are the repository's template files, the numbers the budget assumes are the
/// library's, and every file the templates generate (the reviewed snapshots) passes its own conventions.
/// </summary>
public sealed class PackConventionsTests
{
    private static PackConventions Pack => PackConventions.Current;

    public static TheoryData<string> GeneratedOutputs { get; } = new(
        Directory.GetDirectories(RepoFiles.Path("tests/FlyMpg.Templates.Tests/Snapshots"), "*.verified")
            .Where(d => File.Exists(Path.Combine(d, "fly.toml")))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)!);

    [Fact]
    public void Every_convention_resolves_from_the_templates()
    {
        Assert.Equal("migrate", Pack.ReleaseCommand);
        Assert.Equal("/healthz", Pack.HealthCheckPath);
        Assert.Equal("$APP_UID", Pack.DockerUser);
        Assert.Equal($"[\"dotnet\", \"{PackConventions.TemplateAssemblyName}.dll\"]", Pack.DockerEntrypoint);
        Assert.Contains("**/.env", Pack.DockerIgnorePatterns);
        Assert.Equal("transaction", Pack.PgBouncerPolicy.Last("pool_mode")?.Value);
        foreach (var budget in new[] { "max_client_conn", "max_db_connections", "reserve_pool_size" })
        {
            Assert.True(int.TryParse(Pack.PgBouncerPolicy.Last(budget)?.Value, out _), $"the policy has no number for {budget}, which FLYMPG044 budgets with");
        }

        Assert.All(Pack.PgBouncerPolicy.Entries, e => Assert.False(string.IsNullOrEmpty(e.Comment), $"{e.Key} has no comment above it: FLYMPG043 gives it as the reason"));
    }

    [Theory]
    [InlineData("fly.toml")]
    [InlineData("Dockerfile")]
    [InlineData(".dockerignore")]
    [InlineData("local/pgbouncer-mpg.ini")]
    public void The_embedded_conventions_are_the_flympg_web_templates_files(string file) =>
        Assert.Equal(RepoFiles.Read("templates/flympg-web/" + file), PackConventions.Template(file));

    [Fact]
    public void The_assembly_name_the_template_Dockerfile_carries_is_its_sourceName() =>
        Assert.Contains($"\"sourceName\": \"{PackConventions.TemplateAssemblyName}\"", RepoFiles.Read("templates/flympg-web/.template.config/template.json"));

    [Fact]
    public void The_budget_uses_the_librarys_migrate_pool_size_range_and_doctors_Machine_counts()
    {
        Assert.Matches($@"Migrate \{{ get; set; \}} = new\(\) \{{ MaxPoolSize = {PoolBudgetConventions.DefaultMigratePoolSize},", RepoFiles.Read("src/FlyMpg/FlyPostgresSettings.cs"));
        Assert.Contains($"settings.Pooled.MaxPoolSize, 1, {PoolBudgetConventions.MaxPoolSize});", RepoFiles.Read("src/FlyMpg/FlyPostgresConnections.cs"));
        Assert.Contains($"new DoctorOptions({PoolBudgetConventions.WebMachines}, {PoolBudgetConventions.WorkerMachines}, ", RepoFiles.Read("src/FlyMpg/Doctor/DoctorOptions.cs"));
    }

    [Theory]
    [MemberData(nameof(GeneratedOutputs))]
    public Task Every_generated_service_passes_its_own_conventions(string snapshot)
    {
        var folder = RepoFiles.Path("tests/FlyMpg.Templates.Tests/Snapshots/" + snapshot);
        var files = new[] { "fly.toml", "Dockerfile", ".dockerignore", "local/pgbouncer-mpg.ini" }
            .Where(f => File.Exists(Path.Combine(folder, f)))
            .Select(f => (f, File.ReadAllText(Path.Combine(folder, f))))
            .ToArray();
        Assert.True(files.Length >= 3, $"{snapshot}: fewer convention files than a generated service has");
        return ConventionFiles.VerifyAsync(files);
    }

    [Fact]
    public void A_template_without_a_convention_yields_none_rather_than_a_wrong_one()
    {
        var bare = PackConventions.From("9.9.9", "app = \"x\"\n", "FROM scratch\n", "", "");

        Assert.Null(bare.ReleaseCommand);
        Assert.Null(bare.HealthCheckPath);
        Assert.Null(bare.DockerUser);
        Assert.Null(bare.DockerEntrypoint);
        Assert.Empty(bare.DockerIgnorePatterns);
        Assert.Empty(bare.PgBouncerPolicy.Entries);
    }
}
