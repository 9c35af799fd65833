using Company.Service1;
using Company.Service1.Commands;
using Company.Service1.Database;

// One image, several entrypoints (README.md, "How it runs"):
//   dotnet Company.Service1.dll           the HTTP API, through PgBouncer (DATABASE_URL)
//   dotnet Company.Service1.dll migrate   applies migrations over DIRECT_DATABASE_URL: fly.toml's release_command
//   dotnet Company.Service1.dll doctor    checks DATABASE_URL and DIRECT_DATABASE_URL in this environment, read-only
#if (UseHangfire)
//   dotnet Company.Service1.dll worker    runs background jobs over DIRECT_DATABASE_URL: fly.toml's worker process
#endif
try
{
    return args switch
    {
        ["migrate", .. var rest] => await MigrateCommand.RunAsync(rest),
        ["doctor", .. var rest] => await DoctorCommand.RunAsync(rest),
#if (UseHangfire)
        ["worker", .. var rest] => await WorkerCommand.RunAsync(rest),
#endif
        _ => await WebApi.RunAsync(args),
    };
}
catch (DatabaseConfigurationException e)
{
    // The message names the variable and what is wrong, without its value; a stack trace would add nothing.
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
