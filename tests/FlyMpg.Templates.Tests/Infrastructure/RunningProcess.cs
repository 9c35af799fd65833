using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace FlyMpg.Templates.Tests.Infrastructure;

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
