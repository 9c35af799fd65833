namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>One sample of a Prometheus scrape: a series name, its labels and its value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
