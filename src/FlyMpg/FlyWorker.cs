using Microsoft.AspNetCore.Builder;

namespace FlyMpg;

/// <summary>
/// A background worker that <c>dotnet App.dll worker</c> runs on the direct connection, registered by an
/// integration such as FlyMpg.Hangfire: what it names in errors, and the endpoints only the worker serves.
/// </summary>
internal sealed record FlyWorker(string Name, Action<WebApplication> MapWorkerEndpoints);
