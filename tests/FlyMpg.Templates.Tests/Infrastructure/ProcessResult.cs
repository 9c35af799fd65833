using System.Text;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>What a finished process did. <see cref="StdOut"/> and <see cref="StdErr"/> are raw; messages built from them are masked.</summary>
public sealed class ProcessResult
{
    private readonly ProcessRunner _runner;

    internal ProcessResult(int exitCode, string stdOut, string stdErr, string commandLine, string workingDirectory, TimeSpan duration, ProcessRunner runner)
    {
        ExitCode = exitCode;
        StdOut = stdOut;
        StdErr = stdErr;
        CommandLine = commandLine;
        WorkingDirectory = workingDirectory;
        Duration = duration;
        _runner = runner;
    }

    public int ExitCode { get; }

    public string StdOut { get; }

    public string StdErr { get; }

    /// <summary>Masked, POSIX-quoted.</summary>
    public string CommandLine { get; }

    public string WorkingDirectory { get; }

    public TimeSpan Duration { get; }

    /// <summary>Throws <see cref="ProcessFailedException"/> with full context unless the exit code is 0.</summary>
    public ProcessResult EnsureSuccess() =>
        ExitCode == 0 ? this : throw Failure($"The process exited with code {ExitCode}.");

    /// <summary>Throws unless the process printed nothing (but whitespace) on stderr.</summary>
    public ProcessResult EnsureNoStdErr() =>
        string.IsNullOrWhiteSpace(StdErr) ? this : throw Failure("The process wrote to stderr.");

    /// <summary>This result, with <paramref name="secrets"/> learned from its own output masked as well in every message.</summary>
    public ProcessResult Masking(IEnumerable<string?> secrets) =>
        new(ExitCode, StdOut, StdErr, CommandLine, WorkingDirectory, Duration, secrets.Aggregate(_runner, (runner, secret) => runner.Masking(secret)));

    /// <summary>An exception for a check of your own, carrying this result's full context.</summary>
    public ProcessFailedException Failure(string reason) => new($"{reason}{Environment.NewLine}{Describe()}", this);

    /// <summary>Command, directory, exit code, duration and both streams, masked.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.AppendLine(_runner.DescribeInvocation());
        sb.Append("Exit code:         ").AppendLine(ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        sb.Append("Duration:          ").AppendLine(Duration.ToString(@"m\:ss\.fff", System.Globalization.CultureInfo.InvariantCulture));
        AppendStream(sb, "stdout", StdOut);
        AppendStream(sb, "stderr", StdErr);
        return sb.ToString();
    }

    public override string ToString() => Describe();

    private void AppendStream(StringBuilder sb, string name, string content)
    {
        const int limit = 20_000;
        if (string.IsNullOrEmpty(content))
        {
            sb.Append("---- ").Append(name).AppendLine(" (empty) ----");
            return;
        }

        var text = _runner.Mask(content);
        sb.Append("---- ").Append(name).AppendLine(" ----");
        if (text.Length > limit)
        {
            // The end of a build log is where the error usually is.
            sb.Append("[... ").Append(text.Length - limit).AppendLine(" earlier characters cut ...]");
            text = text[^limit..];
        }

        sb.AppendLine(text.TrimEnd());
        sb.Append("---- end of ").Append(name).AppendLine(" ----");
    }
}
