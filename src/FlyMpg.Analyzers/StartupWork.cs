namespace FlyMpg.Analyzers;

/// <summary>What a call does to the database while the web host starts (<see cref="StartupReach"/>).</summary>
internal enum StartupWork
{
    /// <summary>Nothing the analyzer knows.</summary>
    None,

    /// <summary>Writes rows: <c>SaveChanges</c>, <c>ExecuteSql</c>, <c>ExecuteUpdate</c>/<c>ExecuteDelete</c>, Dapper's <c>Execute</c> (seeding).</summary>
    Write,

    /// <summary>Changes the schema: <c>Database.Migrate()</c>, <c>Database.EnsureCreated()</c>.</summary>
    Schema,
}
