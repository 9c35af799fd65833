namespace FlyMpg.Doctor;

/// <summary>How one doctor check came out.</summary>
internal enum Verdict
{
    Pass,
    Warn,
    Fail,

    /// <summary>Not checked, because a check it depends on failed; never changes the exit code.</summary>
    Skip,
}
