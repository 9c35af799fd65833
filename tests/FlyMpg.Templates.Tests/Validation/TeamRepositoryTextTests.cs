using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Validation;

/// <summary>README's "Many services in one repository" gives the commands the team repository spec runs, word for word.</summary>
public sealed class TeamRepositoryTextTests
{
    private static readonly string Readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));

    public static TheoryData<string> Commands { get; } = new(
        TeamRepository.Services.Where(s => s.NewArguments is not null)
            .Select(s => string.Join(' ', ["dotnet new flympg-web -n", s.AssemblyName, "-o", s.Folder, .. s.NewArguments!]))
            .Append("dotnet " + string.Join(' ', TeamRepository.CiBuild.Where(a => a != "-nologo")))
            .Append("dotnet new " + string.Join(' ', TeamRepository.TakeConventions)));

    [Theory]
    [MemberData(nameof(Commands))]
    public void The_README_gives_the_command(string command)
    {
        var section = Readme[Readme.IndexOf("## Many services in one repository", StringComparison.Ordinal)..Readme.IndexOf("## What you get", StringComparison.Ordinal)];

        Assert.Contains(command, section, StringComparison.Ordinal);
    }
}
