using System.Security.Cryptography;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>The SHA-256 of every file under a folder (bin/ and obj/ left out: build output), by '/'-separated relative path.</summary>
public sealed class FileHashes
{
    private FileHashes(IReadOnlyDictionary<string, string> hashes) => Hashes = hashes;

    public IReadOnlyDictionary<string, string> Hashes { get; }

    public static FileHashes Of(string directory) =>
        new(Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToDictionary(f => f, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, f))))));

    /// <summary>Files present in both whose bytes differ.</summary>
    public IReadOnlyList<string> ChangedIn(FileHashes after) =>
        Hashes.Keys.Where(f => after.Hashes.TryGetValue(f, out var hash) && hash != Hashes[f]).ToList();

    /// <summary>Files only in <paramref name="after"/>.</summary>
    public IReadOnlyList<string> AddedIn(FileHashes after) => after.Hashes.Keys.Where(f => !Hashes.ContainsKey(f)).ToList();

    /// <summary>Files only here.</summary>
    public IReadOnlyList<string> RemovedIn(FileHashes after) => Hashes.Keys.Where(f => !after.Hashes.ContainsKey(f)).ToList();
}
