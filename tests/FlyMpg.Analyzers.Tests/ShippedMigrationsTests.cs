using FlyMpg.Analyzers.Tests.Infrastructure;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.MigrationSafetyAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>
/// The migrations this repository ships or tests with create their tables (the generated service's Initial, the
/// scaffolder corpus's): none of the migration safety rules (FLYMPG020-034) reports anything in them, as written by
/// <c>dotnet ef migrations add</c>.
/// </summary>
public sealed class ShippedMigrationsTests
{
    public static TheoryData<string> Migrations { get; } = new(ShippedMigrations());

    [Theory]
    [MemberData(nameof(Migrations))]
    public async Task A_migration_that_creates_its_tables_reports_nothing(string path) =>
        await Verifier.NoDiagnosticsAsync(await File.ReadAllTextAsync(Path.Combine(RepoRoot(), path)));

    [Fact]
    public void The_generated_service_and_the_corpus_are_among_them() =>
        Assert.Contains("templates/flympg-web/Database/Migrations/20261124000000_Initial.cs", ShippedMigrations());

    // Every migration file (not its Designer half) under templates/ and the scaffolder corpus.
    private static IEnumerable<string> ShippedMigrations()
    {
        var root = RepoRoot();
        return new[] { "templates", Path.Combine("tests", "FlyMpg.Templates.Tests", "Scaffolder", "Corpus") }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => Path.GetFileName(Path.GetDirectoryName(file)) == "Migrations"
                && !file.EndsWith(".Designer.cs", StringComparison.Ordinal)
                && !file.EndsWith("ModelSnapshot.cs", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(root, file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Templates.csproj")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("No Templates.csproj above " + AppContext.BaseDirectory);
    }
}
