namespace FlyMpg;

/// <summary>What this process was started as: <c>dotnet App.dll [migrate|doctor|worker]</c>.</summary>
internal enum FlyCommand
{
    Web,
    Migrate,
    Doctor,
    Worker,
}
