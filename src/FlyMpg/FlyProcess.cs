namespace FlyMpg;

/// <summary>
/// The command this process runs, set by <see cref="FlyCommandLine.RunFlyAsync(Microsoft.AspNetCore.Builder.WebApplication, string[])"/> before anything resolves a
/// connection: one host is built for every command, and the worker's services pick the worker's connection.
/// </summary>
internal sealed class FlyProcess
{
    public FlyCommand Command { get; set; } = FlyCommand.Web;
}
