namespace FlyMpg.Analyzers.Tests.Infrastructure;

/// <summary>Files of the repository this test assembly was built from, found by walking up from its folder.</summary>
internal static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(string relative) => System.IO.Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(Path(relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "FlyMpg.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no folder holding FlyMpg.slnx above {AppContext.BaseDirectory}");
    }
}
