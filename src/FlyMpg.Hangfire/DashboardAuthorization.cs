using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using System.Security.Cryptography;
using System.Text;
using Hangfire.Dashboard;

namespace FlyMpg.Hangfire;

/// <summary>
/// The dashboard can delete and retry jobs. It is served only by the worker, which has no public service
/// (reach it with `fly proxy`, README.md), and outside Development it also asks for the password in the
/// secret <c>FlyMpg__Hangfire__DashboardPassword</c>; without that secret it admits nobody.
/// </summary>
internal sealed class DashboardAuthorization(IHostEnvironment environment, FlyHangfireSettings settings) : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        if (environment.IsDevelopment())
        {
            return true;
        }

        var password = settings.DashboardPassword;
        var http = context.GetHttpContext();
        if (!string.IsNullOrEmpty(password) && SentPassword(http.Request) is { } sent &&
            CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(password)))
        {
            return true;
        }

        http.Response.Headers.WWWAuthenticate = "Basic realm=\"jobs\"";
        return false;
    }

    // Basic credentials "any-user:PASSWORD".
    private static string? SentPassword(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : credentials[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
