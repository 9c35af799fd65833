using Npgsql;

namespace FlyMpg.Doctor;

/// <summary>Writes one line per check, <c>pass|warn|fail|skip  check: finding — fix: ...</c>, as soon as it is known.</summary>
internal sealed class DoctorReport(TextWriter output)
{
    private readonly List<string> _secrets = [];

    public bool Failed { get; private set; }

    /// <summary>Writes the finding; true when it passed or only warned, so dependent checks can run.</summary>
    public bool Write(string check, Finding finding)
    {
        Failed |= finding.Verdict == Verdict.Fail;
        var line = $"{finding.Verdict.ToString().ToLowerInvariant(),-4}  {check}: {finding.Text}{(finding.Fix is null ? "" : $" — fix: {finding.Fix}")}";
        output.WriteLine(Mask(line.ReplaceLineEndings(" ")));
        output.Flush();
        return finding.Verdict is Verdict.Pass or Verdict.Warn;
    }

    /// <summary>
    /// Reads one connection setting and writes its check: the settings, or null when the variable is missing or
    /// malformed (the exception's message names the variable and never holds its value).
    /// </summary>
    public NpgsqlConnectionStringBuilder? Settings(string variable, Func<NpgsqlConnectionStringBuilder> read)
    {
        try
        {
            var settings = read();
            // Nothing printed holds a password; this only guards against a message that would quote one.
            if (settings.Password is { Length: >= 8 } password)
            {
                _secrets.Add(password);
                _secrets.Add(Uri.EscapeDataString(password));
            }

            Write(variable, Finding.Pass(Describe(settings)));
            return settings;
        }
        catch (DatabaseConfigurationException e)
        {
            Write(variable, Finding.Fail(e.Problem, char.ToLowerInvariant(e.Hint[0]) + e.Hint[1..].TrimEnd('.')));
            return null;
        }
    }

    /// <summary><c>user@host:port/database</c>: what a connection reaches, without its password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder settings)
    {
        var host = settings.Host ?? "";
        return $"{settings.Username}@{(host.Contains(':') && !host.Contains(',') ? $"[{host}]" : host)}:{settings.Port}/{settings.Database}";
    }

    private string Mask(string line)
    {
        foreach (var secret in _secrets)
        {
            line = line.Replace(secret, "***", StringComparison.Ordinal);
        }

        return line;
    }
}
