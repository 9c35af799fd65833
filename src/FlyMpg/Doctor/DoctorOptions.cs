using System.Globalization;

namespace FlyMpg.Doctor;

/// <summary><c>doctor</c>'s command line: how many Machines share the cluster, and its plan.</summary>
internal sealed record DoctorOptions(int Machines, int WorkerMachines, string Plan)
{
    public static string Usage(string app, bool hasWorker) => string.Join(Environment.NewLine,
    [
        $"usage: {app} doctor [--machines N] [--plan {string.Join('|', DoctorPlan.All.Select(p => p.Id))}]{(hasWorker ? " [--worker-machines N]" : "")}",
        "Checks DATABASE_URL and DIRECT_DATABASE_URL as this process sees them, read-only. Exit code 1 when a check fails.",
        "  --machines N          web Machines sharing the cluster, for the connection budget (default 2, as `fly launch` creates)",
        "  --plan NAME           the cluster's plan, for its connection limits (default basic)",
        .. hasWorker ? ["  --worker-machines N   worker Machines, for the connection budget (default 1)"] : Array.Empty<string>(),
    ]);

    /// <summary>Null options and a null error: help was asked for.</summary>
    public static (DoctorOptions? Options, string? Error) Parse(IReadOnlyList<string> args, bool hasWorker)
    {
        var options = new DoctorOptions(2, 1, "basic");
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : null;
            switch (args[i])
            {
                case "-h" or "--help":
                    return (null, null);
                case "--machines" when Count(value) is { } machines:
                    options = options with { Machines = machines };
                    i++;
                    break;
                case "--worker-machines" when hasWorker && Count(value) is { } workers:
                    options = options with { WorkerMachines = workers };
                    i++;
                    break;
                case "--plan" when DoctorPlan.All.Any(p => p.Id == value?.ToLowerInvariant()):
                    options = options with { Plan = value!.ToLowerInvariant() };
                    i++;
                    break;
                case "--plan":
                    return (null, $"--plan needs one of {string.Join(", ", DoctorPlan.All.Select(p => p.Id))}, not '{value}'");
                case "--machines":
                case "--worker-machines" when hasWorker:
                    return (null, $"{args[i]} needs a whole number from 0 to 10000, not '{value}'");
                default:
                    return (null, $"unknown option '{args[i]}'");
            }
        }

        return (options, null);
    }

    private static int? Count(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= 10_000 ? count : null;
}
