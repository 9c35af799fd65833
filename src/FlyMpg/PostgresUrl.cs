using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace FlyMpg;

/// <summary>
/// Reads a PostgreSQL connection from an environment variable: a <c>postgres://</c> or <c>postgresql://</c>
/// URL (what Fly sets) or an Npgsql <c>Key=Value;...</c> string (what .NET tools print).
/// Npgsql itself accepts only the second form.
/// </summary>
public static partial class PostgresUrl
{
    private const int DefaultPort = 5432;

    private static readonly Dictionary<string, string> LibpqParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["options"] = "Options",
        ["target_session_attrs"] = "Target Session Attributes",
        ["channel_binding"] = "Channel Binding",
        ["keepalives_idle"] = "Keepalive",
    };

    private static readonly Dictionary<string, string> SslModes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["disable"] = "Disable",
        ["allow"] = "Allow",
        ["prefer"] = "Prefer",
        ["require"] = "Require",
        ["verify-ca"] = "VerifyCA",
        ["verify-full"] = "VerifyFull",
    };

    /// <summary>Parses <paramref name="value"/>, read from <paramref name="variable"/>.</summary>
    /// <exception cref="DatabaseConfigurationException">The value is missing or malformed; the message names the variable, never the password.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string variable, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new DatabaseConfigurationException(variable, "is not set");
        }

        value = value.Trim();
        return value.Contains("://", StringComparison.Ordinal) ? ParseUrl(variable, value) : ParseKeyValue(variable, value);
    }

    // scheme://[user[:password]@]host[:port][/database][?query]. The user info ends at the LAST '@', so a
    // password with an unencoded '@' or '/' still parses, and no part after it can hold the password.
    private static NpgsqlConnectionStringBuilder ParseUrl(string variable, string url)
    {
        var match = SchemePattern().Match(url);
        var scheme = match.Groups["scheme"].Value;
        if (!scheme.Equals("postgresql", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("postgres", StringComparison.OrdinalIgnoreCase))
        {
            throw new DatabaseConfigurationException(variable, $"has the scheme '{scheme}://'; expected postgresql:// or postgres://");
        }

        var rest = match.Groups["rest"].Value;
        var query = "";
        var questionMark = rest.IndexOf('?', rest.LastIndexOf('@') + 1);
        if (questionMark >= 0)
        {
            query = rest[(questionMark + 1)..];
            rest = rest[..questionMark];
        }

        var builder = new NpgsqlConnectionStringBuilder();
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Decode(variable, "user name", colon < 0 ? userInfo : userInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Decode(variable, "password", userInfo[(colon + 1)..]);
            }

            rest = rest[(at + 1)..];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var database = slash < 0 ? "" : Decode(variable, "database name", rest[(slash + 1)..]);
        var (host, port) = SplitHostAndPort(variable, slash < 0 ? rest : rest[..slash]);
        if (host.Length == 0)
        {
            throw new DatabaseConfigurationException(variable, "has no host");
        }

        builder.Host = Decode(variable, "host", host);
        builder.Port = ParsePort(variable, port);
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var parameter in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            AddQueryParameter(variable, builder, parameter);
        }

        return builder;
    }

    // "host", "host:port", "[ipv6]" or "[ipv6]:port".
    private static (string Host, string? Port) SplitHostAndPort(string variable, string hostAndPort)
    {
        if (hostAndPort.StartsWith('['))
        {
            var close = hostAndPort.IndexOf(']', StringComparison.Ordinal);
            return close < 0
                ? throw new DatabaseConfigurationException(variable, "has an IPv6 host without its closing ']'")
                : (hostAndPort[1..close], hostAndPort.Length > close + 1 && hostAndPort[close + 1] == ':' ? hostAndPort[(close + 2)..] : null);
        }

        var colon = hostAndPort.LastIndexOf(':');
        return colon < 0 ? (hostAndPort, null) : (hostAndPort[..colon], hostAndPort[(colon + 1)..]);
    }

    private static int ParsePort(string variable, string? port)
    {
        if (string.IsNullOrEmpty(port))
        {
            return DefaultPort;
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            throw new DatabaseConfigurationException(variable, $"has the port '{port}'; expected a number from 1 to 65535");
        }

        return number;
    }

    private static void AddQueryParameter(string variable, NpgsqlConnectionStringBuilder builder, string parameter)
    {
        var separator = parameter.IndexOf('=', StringComparison.Ordinal);
        var name = Decode(variable, "query parameter", separator < 0 ? parameter : parameter[..separator]);
        var value = separator < 0 ? "" : Decode(variable, $"value of '{name}'", parameter[(separator + 1)..]);

        if (!LibpqParameters.TryGetValue(name, out var keyword))
        {
            throw new DatabaseConfigurationException(variable, $"has the unsupported query parameter '{name}'; supported: {string.Join(", ", LibpqParameters.Keys)}");
        }

        if (keyword == "SSL Mode")
        {
            value = SslModes.TryGetValue(value, out var sslMode)
                ? sslMode
                : throw new DatabaseConfigurationException(variable, $"has sslmode '{value}'; expected one of {string.Join(", ", SslModes.Keys)}");
        }

        try
        {
            builder[keyword] = value;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            throw new DatabaseConfigurationException(variable, $"has an invalid value for the query parameter '{name}'");
        }
    }

    private static string Decode(string variable, string part, string encoded)
    {
        if (InvalidPercentEncoding().IsMatch(encoded))
        {
            throw new DatabaseConfigurationException(variable, $"has a malformed percent-encoding in its {part}; encode special characters as %XX (for example '@' as %40)");
        }

        return Uri.UnescapeDataString(encoded);
    }

    private static NpgsqlConnectionStringBuilder ParseKeyValue(string variable, string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrEmpty(builder.Host)
                ? throw new DatabaseConfigurationException(variable, "has no Host")
                : builder;
        }
        catch (ArgumentException)
        {
            // Npgsql's message can quote part of the string, and so the password: leave it out.
            throw new DatabaseConfigurationException(variable, "is neither a postgresql:// URL nor a valid Npgsql connection string (Host=...;Username=...;Password=...;Database=...)");
        }
    }

    [GeneratedRegex(@"^(?<scheme>[^:/?#]*)://(?<rest>.*)$", RegexOptions.ExplicitCapture | RegexOptions.Singleline)]
    private static partial Regex SchemePattern();

    [GeneratedRegex("%(?![0-9A-Fa-f]{2})")]
    private static partial Regex InvalidPercentEncoding();
}
