using System.Reflection;
using FlyMpg.Hangfire;
using FlyMpg.Telemetry;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>Whether a variable such as <c>FlyMpg__Pooled__MaxPoolSize</c> names a property the library binds.</summary>
public static class FlyMpgSetting
{
    public static bool Exists(string variable)
    {
        var path = variable.Split("__");
        if (path is not [FlyPostgres.SectionName, _, ..])
        {
            return false;
        }

        // FlyMpg:Hangfire is FlyMpg.Hangfire's section, FlyMpg:Metrics FlyMpg.Telemetry's; everything else under FlyMpg is FlyPostgresSettings.
        var (type, rest) = path[1] switch
        {
            "Hangfire" => (typeof(FlyHangfireSettings), path[2..]),
            "Metrics" => (typeof(FlyMetricsSettings), path[2..]),
            _ => (typeof(FlyPostgresSettings), path[1..]),
        };
        foreach (var name in rest)
        {
            var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
            if (property is null)
            {
                return false;
            }

            type = property.PropertyType;
        }

        return rest.Length > 0;
    }
}
