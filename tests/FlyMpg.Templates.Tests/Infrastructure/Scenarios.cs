namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// The option combinations every layer checks: each option at a non-default value somewhere, and the
/// project names that break templates most often (dots, hyphens, a leading digit).
/// </summary>
public static class Scenarios
{
    public const string Template = "flympg-web";

    public static readonly IReadOnlyList<string[]> All =
    [
        [],
        ["--worker", "hangfire"],
        ["-n", "My.Orders.Api"],
        ["-n", "orders-api"],
        ["-n", "3dPrint"],
        ["--app-name", "orders-prod", "--region", "ams", "--pool-size", "12"],
        ["--no-sample"],
        ["--no-sample", "--worker", "hangfire", "--worker-pool-size", "4", "--framework", "net10.0"],
    ];

    public static TheoryData<string[]> AllAsTheoryData()
    {
        var data = new TheoryData<string[]>();
        foreach (var args in All)
        {
            data.Add(args);
        }

        return data;
    }
}
