using Microsoft.CodeAnalysis;

namespace FlyMpg.Analyzers;

/// <summary>Database work a startup call reaches: which API (e.g. <c>Migrate</c>), where, and the hosted service it runs in, if any.</summary>
internal sealed class StartupFinding
{
    public StartupFinding(StartupWork work, IMethodSymbol api, Location location, ITypeSymbol? hostedService)
    {
        Work = work;
        Api = api;
        Location = location;
        HostedService = hostedService;
    }

    public StartupWork Work { get; }

    public IMethodSymbol Api { get; }

    public Location Location { get; }

    public ITypeSymbol? HostedService { get; }

    public StartupFinding InHostedService(ITypeSymbol service) =>
        HostedService is null ? new StartupFinding(Work, Api, Location, service) : this;

    /// <summary>"Database.Migrate()": the API, as a reader knows it.</summary>
    public string What => Api.ContainingType?.Name is "DatabaseFacade" or "RelationalDatabaseFacadeExtensions" ? "Database." + Api.Name + "()" : Api.Name + "()";

    /// <summary>"Database.Migrate() (Seed.cs:17)": what and where, for a message.</summary>
    public string Describe()
    {
        var line = Location.GetLineSpan();
        var where = System.IO.Path.GetFileName(line.Path) + ":" + (line.StartLinePosition.Line + 1);
        return HostedService is null ? $"{What} ({where})" : $"{What} ({where}) in the hosted service {HostedService.Name}";
    }
}
