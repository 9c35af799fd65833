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
