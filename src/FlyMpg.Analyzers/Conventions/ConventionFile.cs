using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace FlyMpg.Analyzers.Conventions;

/// <summary>
/// A file the templates write beside the project (fly.toml, Dockerfile, .dockerignore, local/pgbouncer-mpg.ini), read as
/// an additional file of the compilation: its lines, the location of each, and the keep markers it holds.
/// </summary>
internal sealed class ConventionFile
{
    /// <summary>A comment holding <c>flympg:keep NAME</c> (a reason may follow) keeps the difference NAME on purpose: it is not reported.</summary>
    public const string KeepMarker = "flympg:keep";

    private static readonly char[] Blanks = [' ', '\t'];

    private readonly SourceText _text;
    private readonly HashSet<string> _kept;

    public ConventionFile(string path, string name, SourceText text, char commentStart)
    {
        Path = path;
        Name = name;
        CommentStart = commentStart;
        _text = text;
        var lines = new List<string>(text.Lines.Count);
        foreach (var line in text.Lines)
        {
            lines.Add(line.ToString());
        }

        Lines = lines;
        _kept = KeptNames(lines, commentStart);
    }

    public string Path { get; }

    /// <summary>The name the pack gives the file, e.g. <c>local/pgbouncer-mpg.ini</c>.</summary>
    public string Name { get; }

    /// <summary>The character that starts a comment in this file: <c>#</c>, or <c>;</c> in PgBouncer's ini files.</summary>
    public char CommentStart { get; }

    public IReadOnlyList<string> Lines { get; }

    /// <summary>The line after which a missing line belongs: the last one that is not blank (0 in an empty file).</summary>
    public int LastLine
    {
        get
        {
            for (var i = Lines.Count - 1; i >= 0; i--)
            {
                if (Lines[i].Trim().Length > 0)
                {
                    return i;
                }
            }

            return 0;
        }
    }

    public bool Keeps(string name) => _kept.Contains(name);

    /// <summary>The comment that keeps <paramref name="name"/>, as the diagnostics print it.</summary>
    public string Marker(string name) => CommentStart + " " + KeepMarker + " " + name;

    /// <summary>The location of line <paramref name="index"/> (0-based), without its indentation.</summary>
    public Location LineLocation(int index)
    {
        var line = _text.Lines[Math.Min(Math.Max(index, 0), _text.Lines.Count - 1)];
        var content = line.ToString();
        var start = content.Length - content.TrimStart().Length;
        var end = content.TrimEnd().Length;
        var span = end > start ? TextSpan.FromBounds(line.Start + start, line.Start + end) : line.Span;
        return Location.Create(Path, span, _text.Lines.GetLinePositionSpan(span));
    }

    private static HashSet<string> KeptNames(IReadOnlyList<string> lines, char commentStart)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var marker = line.IndexOf(KeepMarker, StringComparison.Ordinal);
            var comment = line.IndexOf(commentStart);
            if (marker < 0 || comment < 0 || comment > marker)
            {
                continue;
            }

            var rest = line.Substring(marker + KeepMarker.Length).Trim();
            var end = rest.IndexOfAny(Blanks);
            var name = (end < 0 ? rest : rest.Substring(0, end)).TrimEnd(':', ',');
            if (name.Length > 0)
            {
                names.Add(name);
            }
        }

        return names;
    }
}
