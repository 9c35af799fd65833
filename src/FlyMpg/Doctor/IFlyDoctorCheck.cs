using Npgsql;

namespace FlyMpg.Doctor;

/// <summary>
/// Checks an integration adds to <c>doctor</c> (e.g. Hangfire's schema and servers), run after the core checks
/// over the direct connection; they write their own lines, skips included, so an option adds a check.
/// </summary>
internal interface IFlyDoctorCheck
{
    /// <param name="report">Where each check writes its line.</param>
    /// <param name="probe">The network steps, bounded in time.</param>
    /// <param name="direct">The direct connection, or null when it does not work (the checks then write skips).</param>
    /// <param name="app">How the fixes tell to run the service, e.g. <c>dotnet Orders.dll</c>.</param>
    Task RunAsync(DoctorReport report, DoctorChecks probe, NpgsqlConnectionStringBuilder? direct, string app);
}
