using System.Text;
using System.Text.RegularExpressions;
using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Hygiene;

/// <summary>
/// Byte-level rules for what the pack ships (templates/) and what the snapshots record: UTF-8 without BOM,
/// LF line endings, a final newline, no tabs in C# and JSON, and nothing that looks like a real secret.
/// </summary>
public partial class TemplateFileHygieneTests
{
    private static readonly string[] BinaryExtensions = [".png", ".ico", ".jpg", ".jpeg", ".gif", ".webp", ".dll", ".exe", ".pdb", ".zip", ".nupkg", ".snk", ".pfx"];

    [Fact]
    public void Text_files_have_no_byte_order_mark()
    {
        var offenders = TextFiles(includeSnapshots: true).Where(f => f.Bytes.AsSpan().StartsWith("\uFEFF"u8)).Select(f => f.Display).ToList();

        AssertNone(offenders, "start with a UTF-8 byte order mark (save as UTF-8 without BOM)");
    }

    [Fact]
    public void Text_files_are_valid_utf8()
    {
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        var offenders = TextFiles(includeSnapshots: true).Where(f => !IsUtf8(strict, f.Bytes)).Select(f => f.Display).ToList();

        AssertNone(offenders, "are not valid UTF-8");
    }

    [Fact]
    public void Text_files_use_lf_line_endings()
    {
        var offenders = TextFiles(includeSnapshots: true)
            .Where(f => Array.IndexOf(f.Bytes, (byte)'\r') >= 0)
            .Select(f => $"{f.Display} (first CR on line {LineOf(f.Bytes, Array.IndexOf(f.Bytes, (byte)'\r'))})")
            .ToList();

        AssertNone(offenders, "contain CR characters (CRLF line endings); the repo and the generated projects use LF");
    }

    [Fact]
    public void Template_text_files_end_with_a_newline()
    {
        var offenders = TextFiles(includeSnapshots: false)
            .Where(f => f.Bytes.Length > 0 && f.Bytes[^1] != (byte)'\n')
            .Select(f => f.Display)
            .ToList();

        AssertNone(offenders, "do not end with a newline (.editorconfig: insert_final_newline)");
    }

    [Fact]
    public void Csharp_and_json_files_are_indented_with_spaces()
    {
        string[] extensions = [".cs", ".json", ".csproj", ".props", ".targets"];
        var offenders = TextFiles(includeSnapshots: true)
            .Where(f => extensions.Contains(Path.GetExtension(f.Path), StringComparer.OrdinalIgnoreCase))
            .Where(f => Array.IndexOf(f.Bytes, (byte)'\t') >= 0)
            .Select(f => $"{f.Display} (first tab on line {LineOf(f.Bytes, Array.IndexOf(f.Bytes, (byte)'\t'))})")
            .ToList();

        AssertNone(offenders, "contain tab characters");
    }

    [Fact]
    public void Template_files_hold_no_secret_looking_values()
    {
        var findings = new List<string>();
        foreach (var file in TextFiles(includeSnapshots: false))
        {
            var lines = Encoding.UTF8.GetString(file.Bytes).Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                findings.AddRange(SecretFindings(lines[i]).Select(reason => $"{file.Display}:{i + 1}: {reason}: {lines[i].Trim()}"));
            }
        }

        AssertNone(findings, "look like they hold a real secret (use a placeholder such as <password>, ${VAR} or PW)");
    }

    [Fact]
    public void Generated_toml_and_json_in_snapshots_parse()
    {
        var verified = Directory.Exists(TestPaths.SnapshotsRoot) ? Directory.GetDirectories(TestPaths.SnapshotsRoot, "*.verified") : [];
        var files = verified.SelectMany(v => Directory.EnumerateFiles(v, "*", SearchOption.AllDirectories))
            .Where(f => Path.GetExtension(f) is ".toml" or ".json")
            .Order(StringComparer.Ordinal)
            .ToList();
        var problems = new List<string>();

        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var display = Path.GetRelativePath(TestPaths.RepoRoot, file);
            if (file.EndsWith(".toml", StringComparison.Ordinal))
            {
                var document = Tomlyn.Parsing.SyntaxParser.Parse(text, display, true);
                problems.AddRange(document.Diagnostics.Where(d => d.Kind == Tomlyn.Syntax.DiagnosticMessageKind.Error).Select(d => d.ToString()));
            }
            else
            {
                // appsettings*.json may carry comments: ASP.NET Core configuration reads them.
                try
                {
                    System.Text.Json.JsonDocument.Parse(text, new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip }).Dispose();
                }
                catch (System.Text.Json.JsonException e)
                {
                    problems.Add($"{display}: {e.Message}");
                }
            }
        }

        Assert.True(verified.Length > 0, $"no verified snapshot under {TestPaths.SnapshotsRoot}: generate and accept them (build/accept-snapshots.sh)");
        Assert.True(files.Any(f => f.EndsWith("fly.toml", StringComparison.Ordinal)), "no fly.toml in any snapshot");
        Assert.True(problems.Count == 0, $"generated TOML/JSON does not parse:\n  {string.Join("\n  ", problems)}");
    }

    [Theory]
    [InlineData("postgresql://fly-user:PW@pgbouncer.example.flympg.net/fly-db", false)]
    [InlineData("postgresql://postgres:postgres@localhost:5432/app", false)]
    [InlineData("postgres://app:${POSTGRES_PASSWORD}@db/app", false)]
    [InlineData("postgresql://user:<password>@host/db", false)]
    [InlineData("Host=localhost;Username=app;Password=postgres", false)]
    [InlineData("builder.Password = Uri.UnescapeDataString(parts[1]);", false)]
    [InlineData("\"Password\": \"\"", false)]
    [InlineData("postgresql://app:app@localhost:6432/app", false)]
    [InlineData("// Npgsql's message can quote the password: leave it out.", false)]
    [InlineData("  POSTGRES_PASSWORD: postgres", false)]
    [InlineData("  POSTGRES_PASSWORD: Zr8LqT2vW", true)]
    [InlineData("postgresql://app:Zr8LqT2vW@localhost:15432/app", true)]
    [InlineData("postgresql://fly-user:q8XK2vLr9ZbT@pgbouncer.abc.flympg.net/fly-db", true)]
    [InlineData("postgres://u:hunter2@db/x", true)]
    [InlineData("Host=db;Password=Sup3rS3cret!;", true)]
    [InlineData("\"ApiKey\": \"k_live_51HxYz0123456789\"", true)]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----", true)]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----", true)]
    [InlineData("FLY_API_TOKEN=FlyV1 fm2_lJPECAAAAAAAB", true)]
    [InlineData("token: ghp_0123456789abcdefghijABCDEFGHIJ012345", true)]
    public void The_secret_detector_tells_placeholders_from_secrets(string line, bool secret)
    {
        var findings = SecretFindings(line).ToList();

        Assert.True(secret == findings.Count > 0, $"'{line}': expected {(secret ? "a finding" : "none")}, got [{string.Join("; ", findings)}]");
    }

    internal static IEnumerable<string> SecretFindings(string line)
    {
        if (PrivateKey().IsMatch(line))
        {
            yield return "private key";
        }

        if (KnownTokenShape().Match(line) is { Success: true } token)
        {
            yield return $"token '{token.Value[..Math.Min(8, token.Value.Length)]}...'";
        }

        foreach (Match m in UrlCredentials().Matches(line))
        {
            // user:user (app:app, postgres:postgres) is the local-development convention, not a secret. A strong
            // password on localhost is not exempt: `fly proxy` makes the production database localhost too.
            if (!IsPlaceholder(m.Groups["secret"].Value) && m.Groups["secret"].Value != m.Groups["user"].Value)
            {
                yield return "password in a connection URL";
            }
        }

        foreach (Match m in SecretAssignment().Matches(line))
        {
            if (!IsPlaceholder(m.Groups["secret"].Value))
            {
                yield return $"value of '{m.Groups["key"].Value}'";
            }
        }
    }

    internal static bool IsPlaceholder(string value) => value.Length == 0 || Placeholder().IsMatch(value);

    private static IEnumerable<TextFile> TextFiles(bool includeSnapshots)
    {
        var roots = new List<string> { TestPaths.TemplatesRoot };
        if (includeSnapshots && Directory.Exists(TestPaths.SnapshotsRoot))
        {
            roots.AddRange(Directory.GetDirectories(TestPaths.SnapshotsRoot, "*.verified"));
        }

        var files = roots
            .SelectMany(root => Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
            .Where(path => !Path.GetRelativePath(TestPaths.RepoRoot, path).Replace('\\', '/').Split('/').Any(s => s is "bin" or "obj"))
            .Where(path => !BinaryExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .Select(path => new TextFile(path, Path.GetRelativePath(TestPaths.RepoRoot, path).Replace('\\', '/'), File.ReadAllBytes(path)))
            .Where(file => Array.IndexOf(file.Bytes, (byte)0) < 0)
            .ToList();

        Assert.True(files.Any(f => f.Path.StartsWith(TestPaths.TemplatesRoot, StringComparison.Ordinal)), $"no template files found under {TestPaths.TemplatesRoot}");
        return files;
    }

    private static bool IsUtf8(UTF8Encoding strict, byte[] bytes)
    {
        try
        {
            strict.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static int LineOf(byte[] bytes, int index) => bytes.AsSpan(0, index).Count((byte)'\n') + 1;

    private static void AssertNone(IReadOnlyList<string> offenders, string problem) =>
        Assert.True(offenders.Count == 0, $"{offenders.Count} file(s) {problem}:\n  {string.Join("\n  ", offenders)}");

    [GeneratedRegex(@"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"\b(?:FlyV1 fm\d_[A-Za-z0-9_+/=-]{8,}|fo1_[A-Za-z0-9_-]{20,}|gh[pousr]_[A-Za-z0-9]{30,}|AKIA[0-9A-Z]{16}|sk_live_[A-Za-z0-9]{16,}|xox[baprs]-[A-Za-z0-9-]{10,})")]
    private static partial Regex KnownTokenShape();

    [GeneratedRegex(@"(?i)\b(?:postgres(?:ql)?|mysql|redis|amqps?|mongodb(?:\+srv)?)://(?<user>[^:/@\s]+):(?<secret>[^@\s]+)@")]
    private static partial Regex UrlCredentials();

    // Connection-string style (Password=x, no spaces), JSON ("Password": "x") and YAML/env at the start of a line (API_KEY: x).
    [GeneratedRegex(@"(?i)(?:\b(?<key>password|pwd)=(?<secret>[^;""'\s]*)|""(?<key>[a-z_]*(?:password|secret|api[_-]?key|access[_-]?token)[a-z_]*)""\s*:\s*""(?<secret>[^""]*)""|^\s*(?<key>[a-z_]*(?:password|secret|api[_-]?key|access[_-]?token)[a-z_]*)\s*:\s*[""']?(?<secret>[^""'\s,}#]*))")]
    private static partial Regex SecretAssignment();

    // What the repo writes in place of a secret: <password>, ${VAR}, $VAR, {0}/{password}, %VAR%, ***, xxx, PW, or a
    // well-known local-development value.
    [GeneratedRegex(@"(?i)^(?:<[^>]*>|\$\{?[a-z_][a-z0-9_]*\}?|\{[^}]*\}|%[^%]+%|\*+|x+|\.\.\.|pw|password|pass|changeme|change-me|postgres|secret|example|dev|local|test)$")]
    private static partial Regex Placeholder();

    private sealed record TextFile(string Path, string Display, byte[] Bytes);
}
