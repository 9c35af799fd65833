using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace FlyMpg.Analyzers.Conventions;

/// <summary>
/// The build stages of a Dockerfile, enough to read what the image runs: instructions joined across <c>\</c> line
/// continuations, comments skipped, and the final stage followed back through the stages it is built <c>FROM</c>.
/// </summary>
internal sealed class DockerfileDocument
{
    private static readonly char[] Blanks = [' ', '\t'];

    private DockerfileDocument(List<DockerStage> stages) => Stages = stages;

    public IReadOnlyList<DockerStage> Stages { get; }

    public static DockerfileDocument Parse(IReadOnlyList<string> lines)
    {
        var stages = new List<DockerStage>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var first = i;
            var text = new StringBuilder();
            while (line.EndsWith("\\", StringComparison.Ordinal) && i + 1 < lines.Count)
            {
                text.Append(line, 0, line.Length - 1).Append(' ');
                i++;
                line = lines[i].Trim();
                while (line.Length > 0 && line[0] == '#' && i + 1 < lines.Count)
                {
                    i++;
                    line = lines[i].Trim();
                }
            }

            text.Append(line);
            var instruction = text.ToString().Trim();
            var space = instruction.IndexOfAny(Blanks);
            var keyword = (space < 0 ? instruction : instruction.Substring(0, space)).ToUpperInvariant();
            var arguments = space < 0 ? string.Empty : instruction.Substring(space + 1).Trim();
            var parsed = new DockerInstruction(keyword, arguments, first);
            if (keyword == "FROM")
            {
                var words = arguments.Split(Blanks, StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
                var name = words.Count >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : null;
                stages.Add(new DockerStage(parsed, words.Count > 0 ? words[0] : string.Empty, name));
            }
            else if (stages.Count > 0)
            {
                stages[stages.Count - 1].Instructions.Add(parsed);
            }
        }

        return new DockerfileDocument(stages);
    }

    /// <summary>The stage the image is: the last one.</summary>
    public DockerStage? FinalStage => Stages.Count > 0 ? Stages[Stages.Count - 1] : null;

    /// <summary>
    /// The last <paramref name="keyword"/> the final image inherits: from the final stage, else from the stage it is
    /// built <c>FROM</c> (<c>FROM base AS final</c>), and so on.
    /// </summary>
    public DockerInstruction? InFinalImage(string keyword)
    {
        var index = Stages.Count - 1;
        var visited = new HashSet<int>();
        while (index >= 0 && visited.Add(index))
        {
            var stage = Stages[index];
            var found = stage.Instructions.LastOrDefault(x => x.Keyword == keyword);
            if (found is not null)
            {
                return found;
            }

            index = EarlierStageNamed(stage.BaseName, index);
        }

        return null;
    }

    private int EarlierStageNamed(string name, int before)
    {
        for (var i = before - 1; i >= 0; i--)
        {
            if (string.Equals(Stages[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
