using System.ComponentModel;
using System.Runtime.InteropServices;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// Signals for processes the tests started, by process id: SIGTERM is what Fly sends on stop
/// (fly.toml <c>kill_signal</c>), SIGKILL is a lost Machine, SIGSTOP and SIGCONT a Machine that stalls (a long GC
/// pause, a starved host) and goes on.
/// </summary>
public static class Signals
{
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM: the .NET host stops gracefully (and flushes its logs).</summary>
    public static void Terminate(int processId) => Send(processId, SigTerm, "SIGTERM");

    /// <summary>Sends SIGSTOP: the process stops running until <see cref="Continue"/>; its sockets stay open.</summary>
    public static void Stop(int processId) => Send(processId, OperatingSystem.IsMacOS() ? 17 : 19, "SIGSTOP");

    /// <summary>Sends SIGCONT to a process stopped by <see cref="Stop"/>.</summary>
    public static void Continue(int processId) => Send(processId, OperatingSystem.IsMacOS() ? 19 : 18, "SIGCONT");

    /// <summary>Sends SIGKILL to the process only (not its children): no handler runs, nothing is flushed.</summary>
    public static void KillHard(int processId)
    {
        using var process = System.Diagnostics.Process.GetProcessById(processId);
        process.Kill(entireProcessTree: false);
    }

    private static void Send(int processId, int signal, string name)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            throw new PlatformNotSupportedException($"{name} needs a POSIX system.");
        }

        if (Kill(processId, signal) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({processId}, {name}) failed");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
