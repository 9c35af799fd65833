using System.ComponentModel;
using System.Runtime.InteropServices;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// Signals for processes the tests started, by process id: SIGTERM is what Fly sends on stop
/// (fly.toml <c>kill_signal</c>), SIGKILL is a lost Machine.
/// </summary>
public static class Signals
{
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM: the .NET host stops gracefully (and flushes its logs).</summary>
    public static void Terminate(int processId)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            throw new PlatformNotSupportedException("SIGTERM needs a POSIX system.");
        }

        if (Kill(processId, SigTerm) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({processId}, SIGTERM) failed");
        }
    }

    /// <summary>Sends SIGKILL to the process only (not its children): no handler runs, nothing is flushed.</summary>
    public static void KillHard(int processId)
    {
        using var process = System.Diagnostics.Process.GetProcessById(processId);
        process.Kill(entireProcessTree: false);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
