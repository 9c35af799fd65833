using System.Text;
using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Infrastructure.Tests;

public sealed class SnapshotVerifierTests : IDisposable
{
    private const string Name = "Spec.flympg-web.--worker#hangfire";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "flympg-verifier-specs", Guid.NewGuid().ToString("N"));

    public SnapshotVerifierTests() => Directory.CreateDirectory(_root);

    private string VerifiedDir => Path.Combine(_root, Name + ".verified");

    private string ReceivedDir => Path.Combine(_root, Name + ".received");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_changed_character_fails_with_a_diff_that_shows_it_and_writes_the_received_tree()
    {
        WriteVerified(("Program.cs", "var a = 1;\nvar b = 2;\nvar c = 3;\n"), ("README.md", "# Orders\n"));

        var ex = Assert.Throws<SnapshotMismatchException>(() => Verify(("Program.cs", "var a = 1;\nvar b = 3;\nvar c = 3;\n"), ("README.md", "# Orders\n")));

        Assert.Contains("Changed files (1):\n  ~ Program.cs\n", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--- verified/Program.cs\n+++ received/Program.cs\n", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-var b = 2;\n+var b = 3;\n", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("README.md", ex.Message, StringComparison.Ordinal);
        Assert.Contains(ReceivedDir, ex.Message, StringComparison.Ordinal);
        // The received twin is the whole tree, not only the changed file, so accepting it is a plain move.
        Assert.Equal("var a = 1;\nvar b = 3;\nvar c = 3;\n", File.ReadAllText(Path.Combine(ReceivedDir, "Program.cs")));
        Assert.Equal("# Orders\n", File.ReadAllText(Path.Combine(ReceivedDir, "README.md")));
        Assert.Equal("var a = 1;\nvar b = 2;\nvar c = 3;\n", File.ReadAllText(Path.Combine(VerifiedDir, "Program.cs")));
    }

    [Fact]
    public void Added_and_missing_files_are_listed()
    {
        WriteVerified(("Program.cs", "x\n"), ("Jobs/CleanupJob.cs", "job\n"));

        var ex = Assert.Throws<SnapshotMismatchException>(() => Verify(("Program.cs", "x\n"), ("Commands/WorkerCommand.cs", "worker\n")));

        Assert.Contains("Added files (received, not verified) (1):\n  + Commands/WorkerCommand.cs\n", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Missing files (verified, not received) (1):\n  - Jobs/CleanupJob.cs\n", ex.Message, StringComparison.Ordinal);
        Assert.Contains("+++ received/Commands/WorkerCommand.cs\n@@ -0,0 +1,1 @@\n+worker\n", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(ReceivedDir, "Jobs", "CleanupJob.cs")));
    }

    [Fact]
    public void A_first_run_without_a_verified_folder_fails_and_says_so()
    {
        var ex = Assert.Throws<SnapshotMismatchException>(() => Verify(("Program.cs", "x\n")));

        Assert.Contains("There is no verified snapshot yet", ex.Message, StringComparison.Ordinal);
        Assert.Contains("build/accept-snapshots.sh", ex.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(ReceivedDir, "Program.cs")));
        Assert.False(Directory.Exists(VerifiedDir));
    }

    [Fact]
    public void A_match_passes_ignoring_crlf_and_bom_in_the_checkout_and_removes_a_stale_received_folder()
    {
        WriteVerified(("Program.cs", "\uFEFFline 1\r\nline 2\r\n"));
        Directory.CreateDirectory(ReceivedDir);

        Verify(("Program.cs", "line 1\nline 2\n"));

        Assert.False(Directory.Exists(ReceivedDir));
    }

    [Fact]
    public void A_missing_final_newline_is_a_difference()
    {
        WriteVerified(("Program.cs", "x\n"));

        var ex = Assert.Throws<SnapshotMismatchException>(() => Verify(("Program.cs", "x")));

        Assert.Contains("\\ No newline at end of file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_mode_writes_the_verified_folder_as_utf8_without_bom_and_lf()
    {
        WriteVerified(("Old.cs", "old\n"));

        SnapshotVerifier.Verify(_root, Name, Files(("Program.cs", "é\r\nx\n")), new SnapshotMode(Accept: true, IsCi: false));

        Assert.False(File.Exists(Path.Combine(VerifiedDir, "Old.cs")));
        Assert.Equal(Encoding.UTF8.GetBytes("é\nx\n"), File.ReadAllBytes(Path.Combine(VerifiedDir, "Program.cs")));
        Assert.False(Directory.Exists(ReceivedDir));
    }

    [Fact]
    public void Accept_mode_is_refused_on_ci()
    {
        WriteVerified(("Program.cs", "old\n"));

        var ex = Assert.Throws<SnapshotMismatchException>(() =>
            SnapshotVerifier.Verify(_root, Name, Files(("Program.cs", "new\n")), new SnapshotMode(Accept: true, IsCi: true)));

        Assert.StartsWith("FLYMPG_ACCEPT_SNAPSHOTS=1 is ignored because CI=true", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-old\n+new\n", ex.Message, StringComparison.Ordinal);
        Assert.Equal("old\n", File.ReadAllText(Path.Combine(VerifiedDir, "Program.cs")));
        Assert.Equal("new\n", File.ReadAllText(Path.Combine(ReceivedDir, "Program.cs")));
    }

    [Fact]
    public void Binary_files_are_compared_by_bytes()
    {
        Directory.CreateDirectory(VerifiedDir);
        File.WriteAllBytes(Path.Combine(VerifiedDir, "favicon.ico"), [0, 1, 2]);
        var received = new Dictionary<string, SnapshotFile> { ["favicon.ico"] = SnapshotFile.FromBytes([0, 1, 3]) };

        var ex = Assert.Throws<SnapshotMismatchException>(() => SnapshotVerifier.Verify(_root, Name, received, SnapshotMode.Compare));

        Assert.Contains("Binary file favicon.ico differs.", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new byte[] { 0, 1, 3 }, File.ReadAllBytes(Path.Combine(ReceivedDir, "favicon.ico")));
    }

    [Fact]
    public void Reading_an_output_tree_skips_bin_and_obj_keeps_dot_files_and_scrubs()
    {
        var output = Path.Combine(_root, "output");
        WriteFile(output, "Program.cs", "// 3F2504E0-4F89-11D3-9A0C-0305E82C3301\n");
        WriteFile(output, ".dockerignore", "bin/\n");
        WriteFile(output, "bin/Debug/app.dll", "x");
        WriteFile(output, "src/obj/project.assets.json", "{}");
        WriteFile(output, "Properties/launchSettings.json", "http://localhost:5123\n");

        var tree = SnapshotVerifier.ReadTree(output, Scrubbers.Default(), new ScrubContext());

        Assert.Equal([".dockerignore", "Program.cs", "Properties/launchSettings.json"], tree.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("// {GUID-1}\n", tree["Program.cs"].Text);
        Assert.Equal("http://localhost:{PORT-1}\n", tree["Properties/launchSettings.json"].Text);
    }

    [Theory]
    [InlineData(new string[0], "T.flympg-web._")]
    [InlineData(new[] { "-n", "Orders" }, "T.flympg-web.-n#Orders")]
    [InlineData(new[] { "--app-name", "orders-prod", "--region", "ams" }, "T.flympg-web.--app-name#orders-prod#--region#ams")]
    [InlineData(new[] { "-n", "a/b:c" }, "T.flympg-web.-n#abc")]
    public void Snapshot_names_follow_template_verifier(string[] args, string expected)
    {
        Assert.Equal(expected, SnapshotVerifier.SnapshotName("T", "flympg-web", args));
    }

    private void Verify(params (string Path, string Text)[] received) =>
        SnapshotVerifier.Verify(_root, Name, Files(received), SnapshotMode.Compare);

    private static Dictionary<string, SnapshotFile> Files(params (string Path, string Text)[] files) =>
        files.ToDictionary(f => f.Path, f => SnapshotFile.FromText(f.Text), StringComparer.Ordinal);

    private void WriteVerified(params (string Path, string Text)[] files)
    {
        foreach (var (path, text) in files)
        {
            WriteFile(VerifiedDir, path, text);
        }
    }

    private static void WriteFile(string root, string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, new UTF8Encoding(false));
    }
}
