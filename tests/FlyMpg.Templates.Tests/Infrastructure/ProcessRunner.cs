using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// An immutable, fluent description of a process to run. Every failure it reports carries the
/// command line, working directory, environment changes, exit code and both output streams, with
/// every <see cref="Masking">masked</see> secret replaced by <c>***</c>.
/// </summary>
/// <example>
/// <code>
/// var result = await new ProcessRunner("dotnet")
///     .WithArguments("build", "-warnaserror")
///     .InDirectory(project.Directory)
///     .WithEnvironment("DATABASE_URL", url)
///     .Masking(password)
///     .WithTimeout(TimeSpan.FromMinutes(3))
///     .RunAsync();
/// result.EnsureSuccess();
/// </code>
/// </example>
public sealed class ProcessRunner
{
    /// <summary>Used when <see cref="WithTimeout"/> is not called.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>No process may run longer than this: a hung test should fail, not stall the run.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(30);

    private readonly ImmutableList<string> _arguments;
    private readonly ImmutableDictionary<string, string?> _environment; // null value = remove
    private readonly ImmutableList<string> _secrets;
    private readonly Action<string>? _log;

    public ProcessRunner(string executable)
        : this(executable, [], null, ImmutableDictionary<string, string?>.Empty.WithComparers(EnvComparer), [], DefaultTimeout, null)
    {
        if (string.IsNullOrWhiteSpace(executable))
        {
            throw new ArgumentException("An executable is required.", nameof(executable));
        }
    }

    private ProcessRunner(
        string executable,
        ImmutableList<string> arguments,
        string? workingDirectory,
        ImmutableDictionary<string, string?> environment,
        ImmutableList<string> secrets,
        TimeSpan timeout,
        Action<string>? log)
    {
        Executable = executable;
        _arguments = arguments;
        WorkingDirectory = workingDirectory;
        _environment = environment;
        _secrets = secrets;
        Timeout = timeout;
        _log = log;
    }

    private static StringComparer EnvComparer => OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    public string Executable { get; }

    public IReadOnlyList<string> Arguments => _arguments;

    /// <summary>Null means the test process's current directory.</summary>
    public string? WorkingDirectory { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Variables set (non-null value) or removed (null value) for the child process.</summary>
    public IReadOnlyDictionary<string, string?> EnvironmentChanges => _environment;

    /// <summary>The command line as shown in failures and logs: POSIX-quoted, secrets masked.</summary>
    public string CommandLine => Mask(FormatCommandLine(Executable, _arguments));

    /// <summary>Appends arguments. Each one reaches the process verbatim: no shell, no quoting rules.</summary>
    public ProcessRunner WithArguments(params string[] arguments) => WithArguments((IEnumerable<string>)arguments);

    public ProcessRunner WithArguments(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var list = arguments.ToList();
        if (list.Any(a => a is null))
        {
            throw new ArgumentException("Arguments must not be null.", nameof(arguments));
        }

        return With(arguments: _arguments.AddRange(list));
    }

    public ProcessRunner InDirectory(string workingDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workingDirectory);
        return With(workingDirectory: Path.GetFullPath(workingDirectory));
    }

    public ProcessRunner WithEnvironment(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        return With(environment: _environment.SetItem(name, value));
    }

    public ProcessRunner WithEnvironment(IEnumerable<KeyValuePair<string, string>> variables)
    {
        var runner = this;
        foreach (var (name, value) in variables)
        {
            runner = runner.WithEnvironment(name, value);
        }

        return runner;
    }

    /// <summary>Removes a variable the child would otherwise inherit from the test process.</summary>
    public ProcessRunner WithoutEnvironment(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return With(environment: _environment.SetItem(name, null));
    }

    /// <summary>Bounded: must be positive and at most <see cref="MaxTimeout"/>. On timeout the whole process tree is killed.</summary>
    public ProcessRunner WithTimeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero || timeout > MaxTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, $"A timeout must be positive and at most {MaxTimeout}.");
        }

        return With(timeout: timeout);
    }

    /// <summary>Replaces <paramref name="secret"/> with <c>***</c> in every message, log line and failure. Null or empty is ignored.</summary>
    public ProcessRunner Masking(string? secret) =>
        string.IsNullOrEmpty(secret) || _secrets.Contains(secret) ? this : With(secrets: _secrets.Add(secret));

    /// <summary>Streams each output line (masked) to a logger, e.g. <c>ITestOutputHelper.WriteLine</c>.</summary>
    public ProcessRunner WithOutputLogger(Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(log);
        return With(log: log);
    }

    /// <summary>Runs to completion. Throws <see cref="ProcessFailedException"/> only if the process cannot start or times out; check the exit code with <see cref="ProcessResult.EnsureSuccess"/>.</summary>
    public async Task<ProcessResult> RunAsync(CancellationToken cancellationToken = default)
    {
        await using var running = Start();
        return await running.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs to completion and throws with full context unless the exit code is 0.</summary>
    public async Task<ProcessResult> RunSuccessfullyAsync(CancellationToken cancellationToken = default) =>
        (await RunAsync(cancellationToken).ConfigureAwait(false)).EnsureSuccess();

    /// <summary>Synchronous <see cref="RunAsync"/>.</summary>
    public ProcessResult Run() => RunAsync().GetAwaiter().GetResult();

    /// <summary>
    /// Starts a long-running process (a web app under test). Dispose it to kill its process tree; the
    /// <see cref="Timeout"/> still bounds its life.
    /// </summary>
    public RunningProcess Start()
    {
        var startInfo = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in _arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (WorkingDirectory is not null)
        {
            if (!Directory.Exists(WorkingDirectory))
            {
                throw new ProcessFailedException(
                    $"Working directory does not exist.{Environment.NewLine}{DescribeInvocation()}", result: null);
            }

            startInfo.WorkingDirectory = WorkingDirectory;
        }

        foreach (var (name, value) in _environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        _log?.Invoke($"> {CommandLine}    (in {WorkingDirectory ?? Environment.CurrentDirectory})");
        return new RunningProcess(this, startInfo);
    }

    internal string Mask(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        // Longest first, so a secret that contains another is masked whole.
        foreach (var secret in _secrets.OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return MaskPasswordPatterns(text);
    }

    /// <summary>Masks passwords no secret list knows (yet): a <c>postgres://</c> URL's, and <c>KEY_PASSWORD=value</c> lines.</summary>
    private static string MaskPasswordPatterns(string text)
    {
        text = Regex.Replace(text, @"(postgres(?:ql)?://[^:/@\s]+:)[^@\s]+@", "$1***@");
        return Regex.Replace(text, @"(?m)^([A-Z_]*PASSWORD=).+$", "$1***");
    }

    internal void Log(string line) => _log?.Invoke(Mask(line));

    internal string DescribeInvocation()
    {
        var sb = new StringBuilder();
        sb.Append("Command:           ").AppendLine(CommandLine);
        sb.Append("Working directory: ").AppendLine(WorkingDirectory ?? Environment.CurrentDirectory);
        if (!_environment.IsEmpty)
        {
            sb.Append("Environment:       ").AppendLine(string.Join(' ', _environment
                .OrderBy(e => e.Key, StringComparer.Ordinal)
                .Select(e => e.Value is null ? $"-{e.Key}" : Mask($"{e.Key}={QuoteIfNeeded(e.Value)}"))));
        }

        sb.Append("Timeout:           ").Append(Timeout);
        return sb.ToString();
    }

    /// <summary>POSIX-shell quoting, for display only (the process itself gets an argument list).</summary>
    public static string FormatCommandLine(string executable, IEnumerable<string> arguments) =>
        string.Join(' ', arguments.Prepend(executable).Select(QuoteIfNeeded));

    private static string QuoteIfNeeded(string argument) =>
        argument.Length > 0 && Regex.IsMatch(argument, @"^[A-Za-z0-9_@%+=:,./#-]+$")
            ? argument
            : "'" + argument.Replace("'", @"'\''", StringComparison.Ordinal) + "'";

    private ProcessRunner With(
        ImmutableList<string>? arguments = null,
        string? workingDirectory = null,
        ImmutableDictionary<string, string?>? environment = null,
        ImmutableList<string>? secrets = null,
        TimeSpan? timeout = null,
        Action<string>? log = null) =>
        new(
            Executable,
            arguments ?? _arguments,
            workingDirectory ?? WorkingDirectory,
            environment ?? _environment,
            secrets ?? _secrets,
            timeout ?? Timeout,
            log ?? _log);
}

/// <summary>A started process. Disposing it kills the whole tree if it is still running.</summary>
public sealed class RunningProcess : IAsyncDisposable
{
    // After the process exits, grandchildren (build servers) may still hold the output pipes open.
    private static readonly TimeSpan StreamDrainGrace = TimeSpan.FromSeconds(5);

    private readonly ProcessRunner _runner;
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly object _gate = new();
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _clock;
    private readonly CancellationTokenSource _lifetime;
    private ProcessResult? _result;
    private string? _killReason;

    internal RunningProcess(ProcessRunner runner, ProcessStartInfo startInfo)
    {
        _runner = runner;
        _process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        _process.Exited += (_, _) => _exited.TrySetResult();
        try
        {
            _process.Start();
        }
        catch (Exception ex)
        {
            _process.Dispose();
            throw new ProcessFailedException(
                $"Could not start process: {ex.Message}{Environment.NewLine}{runner.DescribeInvocation()}", result: null, ex);
        }

        _clock = Stopwatch.StartNew();
        _process.StandardInput.Close();
        _stdoutPump = PumpAsync(_process.StandardOutput, _stdout);
        _stderrPump = PumpAsync(_process.StandardError, _stderr);

        _lifetime = new CancellationTokenSource(runner.Timeout);
        _lifetime.Token.Register(() => Kill($"timed out after {runner.Timeout}; the process tree was killed"));
        if (_process.HasExited)
        {
            _exited.TrySetResult();
        }
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _exited.Task.IsCompleted;

    public string CommandLine => _runner.CommandLine;

    /// <summary>Output so far (unmasked; failure messages mask it).</summary>
    public string StdOut
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StdErr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>
    /// Waits until stdout or stderr has a line matching <paramref name="pattern"/> and returns the match.
    /// Fails with full context if the process exits first or <paramref name="timeout"/> passes.
    /// </summary>
    public async Task<Match> WaitForOutputAsync(Regex pattern, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var match = pattern.Match(StdOut);
            if (!match.Success)
            {
                match = pattern.Match(StdErr);
            }

            if (match.Success)
            {
                return match;
            }

            if (HasExited)
            {
                // One last look once the streams are drained.
                var result = await WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                match = pattern.Match(result.StdOut);
                if (match.Success)
                {
                    return match;
                }

                throw result.Failure($"The process exited before printing output matching /{pattern}/.");
            }

            if (deadline.Elapsed > timeout)
            {
                var result = await StopAsync().ConfigureAwait(false);
                throw result.Failure($"No output matching /{pattern}/ within {timeout}; the process was stopped.");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits for the process to exit (bounded by the runner's timeout) and returns its result.</summary>
    /// <exception cref="ProcessFailedException">The process timed out.</exception>
    public async Task<ProcessResult> WaitForExitAsync(CancellationToken cancellationToken = default)
    {
        using var registration = cancellationToken.Register(() => Kill("the test cancelled the wait; the process tree was killed"));
        await _exited.Task.ConfigureAwait(false);
        var result = await CompleteAsync().ConfigureAwait(false);
        if (_killReason is not null)
        {
            throw result.Failure(_killReason);
        }

        return result;
    }

    /// <summary>Kills the process tree (if still running) and returns what it printed. Never throws for the kill itself.</summary>
    public async Task<ProcessResult> StopAsync()
    {
        if (!HasExited)
        {
            Kill("stopped by the test");
        }

        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return await CompleteAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!HasExited)
            {
                Kill("disposed while running");
                await _exited.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            }
        }
        catch (TimeoutException)
        {
            // Nothing more can be done; the kill was requested.
        }
        finally
        {
            _lifetime.Dispose();
            _process.Dispose();
        }
    }

    private void Kill(string reason)
    {
        if (HasExited)
        {
            return;
        }

        _killReason ??= reason;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited in the meantime.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exited in the meantime, or a grandchild was already gone.
        }
    }

    private async Task<ProcessResult> CompleteAsync()
    {
        if (_result is not null)
        {
            return _result;
        }

        try
        {
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(StreamDrainGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A grandchild still holds a pipe; keep what arrived.
        }

        _clock.Stop();
        _result = new ProcessResult(
            _process.ExitCode, StdOut, StdErr, _runner.CommandLine, _runner.WorkingDirectory ?? Environment.CurrentDirectory, _clock.Elapsed, _runner);
        return _result;
    }

    private async Task PumpAsync(StreamReader reader, StringBuilder sink)
    {
        var buffer = new char[4096];
        var line = new StringBuilder();
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            lock (_gate)
            {
                sink.Append(buffer, 0, read);
            }

            for (var i = 0; i < read; i++)
            {
                if (buffer[i] == '\n')
                {
                    _runner.Log(line.ToString().TrimEnd('\r'));
                    line.Clear();
                }
                else
                {
                    line.Append(buffer[i]);
                }
            }
        }

        if (line.Length > 0)
        {
            _runner.Log(line.ToString());
        }
    }
}

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

public sealed class ProcessFailedException : Exception
{
    public ProcessFailedException(string message, ProcessResult? result, Exception? inner = null)
        : base(message, inner)
    {
        Result = result;
    }

    /// <summary>Null when the process never started.</summary>
    public ProcessResult? Result { get; }
}
