namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>A NuGet package source: key (name), URL or folder, optional protocol version.</summary>
public sealed record PackageSource(string Key, string Value, string? ProtocolVersion);
