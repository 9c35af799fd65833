using System.Text;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>Added, missing and changed files between a verified and a received tree.</summary>
public sealed class SnapshotComparison
{
    private SnapshotComparison(
        IReadOnlyDictionary<string, SnapshotFile> verified,
        IReadOnlyDictionary<string, SnapshotFile> received,
        IReadOnlyList<string> added,
        IReadOnlyList<string> missing,
        IReadOnlyList<string> changed)
    {
        Verified = verified;
        Received = received;
        Added = added;
        Missing = missing;
        Changed = changed;
    }

    public IReadOnlyDictionary<string, SnapshotFile> Verified { get; }

    public IReadOnlyDictionary<string, SnapshotFile> Received { get; }

    /// <summary>In received, not in verified.</summary>
    public IReadOnlyList<string> Added { get; }

    /// <summary>In verified, not in received.</summary>
    public IReadOnlyList<string> Missing { get; }

    public IReadOnlyList<string> Changed { get; }

    public bool IsMatch => Added.Count == 0 && Missing.Count == 0 && Changed.Count == 0;

    public static SnapshotComparison Compare(IReadOnlyDictionary<string, SnapshotFile> verified, IReadOnlyDictionary<string, SnapshotFile> received) => new(
        verified,
        received,
        received.Keys.Except(verified.Keys).Order(StringComparer.Ordinal).ToList(),
        verified.Keys.Except(received.Keys).Order(StringComparer.Ordinal).ToList(),
        received.Keys.Intersect(verified.Keys).Where(k => !received[k].SameAs(verified[k])).Order(StringComparer.Ordinal).ToList());

    /// <summary>The failure message: file lists, then a unified diff per changed (and added) file, capped in length.</summary>
    public string Describe(string snapshotName, string verifiedDir, string receivedDir, bool noVerifiedYet, string? context = null)
    {
        const int maxMessageLines = 1500;
        var sb = new StringBuilder();
        sb.Append("Snapshot mismatch: ").Append(snapshotName).Append('\n');
        if (noVerifiedYet)
        {
            sb.Append("There is no verified snapshot yet (").Append(verifiedDir).Append(").\n");
        }

        sb.Append("Received tree written to: ").Append(receivedDir).Append('\n');
        if (context is not null)
        {
            sb.Append(context.Replace("\r\n", "\n", StringComparison.Ordinal)).Append('\n');
        }

        AppendList(sb, "Added files (received, not verified)", '+', Added);
        AppendList(sb, "Missing files (verified, not received)", '-', Missing);
        AppendList(sb, "Changed files", '~', Changed);

        foreach (var path in Changed.Concat(noVerifiedYet ? [] : Added))
        {
            sb.Append('\n');
            Verified.TryGetValue(path, out var before);
            var after = Received[path];
            if (before is { IsText: false } || !after.IsText)
            {
                sb.Append("Binary file ").Append(path).Append(" differs.\n");
                continue;
            }

            sb.Append(LineDiff.Unified(before?.Text ?? string.Empty, after.Text!, before is null ? "/dev/null" : "verified/" + path, "received/" + path));
        }

        var lines = sb.ToString().Split('\n');
        var message = lines.Length <= maxMessageLines
            ? sb.ToString()
            : string.Join('\n', lines.Take(maxMessageLines)) + $"\n[... message cut; compare the folders: diff -ru '{verifiedDir}' '{receivedDir}' ...]\n";
        return message
            + "\nIf the received output is right: review it, then run build/accept-snapshots.sh"
            + $" (or rerun the tests with {SnapshotVerifier.AcceptVariable}=1).\n";
    }

    private static void AppendList(StringBuilder sb, string title, char marker, IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            return;
        }

        sb.Append(title).Append(" (").Append(paths.Count).Append("):\n");
        foreach (var path in paths)
        {
            sb.Append("  ").Append(marker).Append(' ').Append(path).Append('\n');
        }
    }
}
