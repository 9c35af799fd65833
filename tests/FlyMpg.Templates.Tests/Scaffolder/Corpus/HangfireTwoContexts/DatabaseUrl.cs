using Npgsql;

namespace Billing.Api;

/// <summary>Turns postgres://user:password@host:port/database into an Npgsql connection string.</summary>
public static class DatabaseUrl
{
    public static string ToConnectionString(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return "Host=localhost;Database=billing;Username=billing";
        }

        var uri = new Uri(url);
        var userInfo = uri.UserInfo.Split(':', 2);
        return new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = uri.AbsolutePath.TrimStart('/'),
            Username = Uri.UnescapeDataString(userInfo[0]),
            Password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : null,
        }.ConnectionString;
    }
}
