namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>One service of the <see cref="TeamRepository"/>.</summary>
/// <param name="Folder">Its folder under the repository, e.g. <c>services/billing</c>.</param>
/// <param name="AssemblyName">What <c>dotnet &lt;AssemblyName&gt;.dll</c> runs.</param>
/// <param name="NewArguments">The <c>dotnet new flympg-web</c> options it was generated with; null for the existing service the scaffolder brought.</param>
/// <param name="ResourcePath">A collection it serves: POST creates one, GET lists them.</param>
/// <param name="NewResource">The JSON body of a valid POST.</param>
public sealed record TeamService(string Folder, string AssemblyName, IReadOnlyList<string>? NewArguments, string ResourcePath, object NewResource)
{
    public override string ToString() => NewArguments is null ? $"{Folder} (scaffolded)" : $"{Folder} (dotnet new flympg-web {string.Join(' ', NewArguments)})";
}
