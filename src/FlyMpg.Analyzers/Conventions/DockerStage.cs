using System.Collections.Generic;

namespace FlyMpg.Analyzers.Conventions;

/// <summary>A build stage of a Dockerfile: its <c>FROM</c>, the image or stage it starts from, its <c>AS</c> name, and its instructions.</summary>
internal sealed class DockerStage(DockerInstruction from, string baseName, string? name)
{
    public DockerInstruction From { get; } = from;

    public string BaseName { get; } = baseName;

    public string? Name { get; } = name;

    public List<DockerInstruction> Instructions { get; } = [];
}
