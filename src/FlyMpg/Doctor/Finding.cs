namespace FlyMpg.Doctor;

/// <summary>The outcome of one doctor check: what was found and, unless it passed, what to do.</summary>
internal sealed record Finding(Verdict Verdict, string Text, string? Fix = null)
{
    public static Finding Pass(string text) => new(Verdict.Pass, text);

    public static Finding Warn(string text, string fix) => new(Verdict.Warn, text, fix);

    public static Finding Fail(string text, string fix) => new(Verdict.Fail, text, fix);

    public static Finding Skip(string text) => new(Verdict.Skip, text);

    /// <summary>The check could not run because <paramref name="variable"/> did not work.</summary>
    public static Finding Skipped(string variable) => Skip($"needs a working {variable}");
}
