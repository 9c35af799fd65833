using System.Text;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>A file of a snapshot: UTF-8 text (normalized to LF, no BOM) or, if not valid UTF-8 or containing NUL, raw bytes.</summary>
public sealed record SnapshotFile(string? Text, byte[]? Bytes)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public bool IsText => Text is not null;

    public static SnapshotFile FromText(string text) => new(SnapshotVerifier.Normalize(text), null);

    public static SnapshotFile FromBytes(byte[] bytes)
    {
        if (Array.IndexOf(bytes, (byte)0) < 0)
        {
            try
            {
                return FromText(StrictUtf8.GetString(bytes));
            }
            catch (DecoderFallbackException)
            {
                // Not UTF-8: compare as bytes.
            }
        }

        return new SnapshotFile(null, bytes);
    }

    public bool SameAs(SnapshotFile other) =>
        IsText ? other.IsText && string.Equals(Text, other.Text, StringComparison.Ordinal)
               : !other.IsText && Bytes!.AsSpan().SequenceEqual(other.Bytes);
}
