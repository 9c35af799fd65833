using System.Diagnostics;
using System.Text.RegularExpressions;
using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Infrastructure.Tests;

public class ProcessRunnerTests
{
    [Fact]
    public async Task A_failure_carries_command_directory_exit_code_and_both_streams()
    {
        var directory = Path.GetTempPath();
        var result = await Shell("echo to-out; echo to-err >&2; exit 3").InDirectory(directory).RunAsync();

        var ex = Assert.Throws<ProcessFailedException>(() => result.EnsureSuccess());

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("to-out\n", result.StdOut);
        Assert.Equal("to-err\n", result.StdErr);
        Assert.Contains("exited with code 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Command:           /bin/sh -c 'echo to-out; echo to-err >&2; exit 3'", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"Working directory: {Path.GetFullPath(directory)}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("---- stdout ----\nto-out\n", ex.Message.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("---- stderr ----\nto-err\n", ex.Message.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Same(result, ex.Result);
    }

    [Fact]
    public async Task Arguments_reach_the_process_verbatim()
    {
        string[] tricky = ["a b", "it's", "\"quoted\"", "$HOME", "*", "", "semi;colon"];

        var result = await new ProcessRunner("/bin/sh")
            .WithArguments(["-c", "for a in \"$@\"; do printf '[%s]' \"$a\"; done", "sh"])
            .WithArguments(tricky)
            .RunSuccessfullyAsync();

        Assert.Equal(string.Concat(tricky.Select(a => $"[{a}]")), result.StdOut);
    }

    [Fact]
    public async Task Environment_variables_are_set_and_removed()
    {
        Environment.SetEnvironmentVariable("FLYMPG_SPEC_INHERITED", "inherited");
        try
        {
            var result = await Shell("echo \"set=$FLYMPG_SPEC_SET removed=${FLYMPG_SPEC_INHERITED-unset}\"")
                .WithEnvironment("FLYMPG_SPEC_SET", "yes")
                .WithoutEnvironment("FLYMPG_SPEC_INHERITED")
                .RunSuccessfullyAsync();

            Assert.Equal("set=yes removed=unset\n", result.StdOut);
        }
        finally
        {
            Environment.SetEnvironmentVariable("FLYMPG_SPEC_INHERITED", null);
        }
    }

    [Fact]
    public async Task A_timeout_kills_the_whole_process_tree_and_fails_with_partial_output()
    {
        var runner = Shell("echo started; sleep 60 & echo $! ; wait").WithTimeout(TimeSpan.FromSeconds(2));
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<ProcessFailedException>(() => runner.RunAsync());

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        Assert.Contains("timed out after 00:00:02", ex.Message, StringComparison.Ordinal);
        Assert.Contains("started", ex.Message, StringComparison.Ordinal);
        var grandchild = int.Parse(ex.Result!.StdOut.Split('\n')[1], System.Globalization.CultureInfo.InvariantCulture);
        // The orphaned grandchild is reaped by init shortly after the kill.
        var deadline = Stopwatch.StartNew();
        while (IsAlive(grandchild) && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
        }

        Assert.False(IsAlive(grandchild), $"grandchild {grandchild} (sleep 60) survived the timeout");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(31 * 60)]
    public void Timeouts_are_bounded(int seconds)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProcessRunner("x").WithTimeout(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public async Task A_masked_secret_never_appears_in_failures_or_logs()
    {
        const string secret = "s3cr3t-Pa55";
        var logged = new List<string>();
        var result = await Shell($"echo postgresql://u:{secret}@db/x; echo {secret} >&2; exit 1")
            .WithEnvironment("DATABASE_URL", $"postgresql://u:{secret}@db/x")
            .Masking(secret)
            .WithOutputLogger(logged.Add)
            .RunAsync();

        var ex = Assert.Throws<ProcessFailedException>(() => result.EnsureSuccess());

        Assert.DoesNotContain(secret, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logged, line => line.Contains(secret, StringComparison.Ordinal));
        Assert.Contains("postgresql://u:***@db/x", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DATABASE_URL=postgresql://u:***@db/x", ex.Message, StringComparison.Ordinal);
        Assert.Contains(logged, line => line.Contains("postgresql://u:***@db/x", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Passwords_nobody_named_are_masked_by_their_shape_and_secrets_learned_from_the_output_afterwards()
    {
        // As mpg-local.sh start prints the passwords it generated: unknown to the runner until the output is read.
        var result = await Shell("echo APP_PASSWORD=gen3rated; echo DATABASE_URL=postgresql://app:gen3rated@127.0.0.1:6432/app; echo token gen3rated; exit 1")
            .RunAsync();

        var byShape = result.Describe();
        Assert.Contains("APP_PASSWORD=***", byShape, StringComparison.Ordinal);
        Assert.Contains("postgresql://app:***@127.0.0.1:6432/app", byShape, StringComparison.Ordinal);
        Assert.Contains("token gen3rated", byShape, StringComparison.Ordinal);

        var learned = Assert.Throws<ProcessFailedException>(() => result.Masking(["gen3rated"]).EnsureSuccess());
        Assert.DoesNotContain("gen3rated", learned.Message, StringComparison.Ordinal);
        Assert.Contains("token ***", learned.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_started_process_can_be_waited_on_for_output_and_stopped()
    {
        await using var running = Shell("echo 'Now listening on: http://127.0.0.1:43210'; sleep 60").Start();

        var match = await running.WaitForOutputAsync(new Regex(@"Now listening on: (?<url>\S+)"), TimeSpan.FromSeconds(20));
        var result = await running.StopAsync();

        Assert.Equal("http://127.0.0.1:43210", match.Groups["url"].Value);
        Assert.True(running.HasExited);
        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public async Task Waiting_for_output_that_never_comes_fails_with_context_when_the_process_exits()
    {
        await using var running = Shell("echo booting; exit 4").Start();

        var ex = await Assert.ThrowsAsync<ProcessFailedException>(() =>
            running.WaitForOutputAsync(new Regex("Now listening"), TimeSpan.FromSeconds(20)));

        Assert.Contains("exited before printing output matching /Now listening/", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Exit code:         4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("booting", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_executable_fails_with_the_command_line()
    {
        var ex = Assert.Throws<ProcessFailedException>(() => new ProcessRunner("/no/such/tool").WithArguments("--flag").Run());

        Assert.Contains("Could not start process", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/no/such/tool --flag", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dotnet_new_is_refused_without_a_hive()
    {
        var bypass = Assert.Throws<InvalidOperationException>(() => DotNet.Command("new", "console"));
        var noHive = Assert.Throws<InvalidOperationException>(() => DotNet.New(" ", "console"));

        Assert.Contains("custom-hive", noHive.Message, StringComparison.Ordinal);
        Assert.Contains("DotNet.New", bypass.Message, StringComparison.Ordinal);
        Assert.Equal(["new", "console", "--debug:custom-hive", Path.GetFullPath("/tmp/hive")], DotNet.New("/tmp/hive", "console").Arguments);
    }

    [Fact]
    public async Task Dotnet_commands_run_quietly_with_the_cli_environment()
    {
        var runner = DotNet.Command("--version");

        var result = await runner.RunSuccessfullyAsync();

        Assert.Matches(@"^\d+\.\d+\.\d+", result.StdOut);
        Assert.Equal("1", runner.EnvironmentChanges["DOTNET_CLI_TELEMETRY_OPTOUT"]);
        Assert.Equal("1", runner.EnvironmentChanges["DOTNET_NOLOGO"]);
        Assert.Equal("1", runner.EnvironmentChanges["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"]);
    }

    private static ProcessRunner Shell(string script) => new ProcessRunner("/bin/sh").WithArguments("-c", script);

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
