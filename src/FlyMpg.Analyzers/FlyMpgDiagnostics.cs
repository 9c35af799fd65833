using Microsoft.CodeAnalysis;

namespace FlyMpg.Analyzers;

/// <summary>
/// Every diagnostic of the FlyMpg analyzers, in one place. docs/analyzers.md has one section per id.
/// Severities are defaults: a team changes them with <c>dotnet_diagnostic.FLYMPG00N.severity</c> in .editorconfig.
/// Error only where the finding is certain; Warning where the code could be right (say, on the direct connection).
/// </summary>
public static class FlyMpgDiagnostics
{
    public const string PrepareId = "FLYMPG001";
    public const string MaxAutoPrepareId = "FLYMPG002";
    public const string SessionAdvisoryLockId = "FLYMPG003";
    public const string SessionStateSqlId = "FLYMPG004";
    public const string StartupParameterId = "FLYMPG005";
    public const string StartupMigrationId = "FLYMPG006";
    public const string BypassesPooledPolicyId = "FLYMPG007";
    public const string UrlConnectionStringId = "FLYMPG008";
    public const string HangfirePooledSessionId = "FLYMPG009";
    public const string OwnDbContextRegistrationId = "FLYMPG010";
    public const string NoCommandDispatchId = "FLYMPG011";
    public const string OwnHangfireStorageId = "FLYMPG012";
    public const string AspireIntegrationId = "FLYMPG013";
    public const string RawConnectionId = "FLYMPG014";
    public const string ContextConfiguresItselfId = "FLYMPG015";
    public const string NoHealthEndpointId = "FLYMPG016";
    public const string UnreadConnectionSettingId = "FLYMPG017";
    public const string StartupWriteId = "FLYMPG018";
    public const string RenamedColumnId = "FLYMPG020";
    public const string RenamedTableId = "FLYMPG021";
    public const string DroppedColumnId = "FLYMPG022";
    public const string DroppedTableId = "FLYMPG023";
    public const string ColumnTypeChangeId = "FLYMPG024";
    public const string NotNullOnExistingColumnId = "FLYMPG025";
    public const string NonConcurrentIndexId = "FLYMPG026";
    public const string ValidatedForeignKeyId = "FLYMPG027";
    public const string ValidatedCheckConstraintId = "FLYMPG028";
    public const string IndexBackedConstraintId = "FLYMPG029";
    public const string TableRewriteColumnId = "FLYMPG030";
    public const string JsonColumnId = "FLYMPG031";
    public const string NotInTransactionId = "FLYMPG032";
    public const string MixedNonTransactionalStepId = "FLYMPG033";
    public const string RequiredColumnWithoutDefaultId = "FLYMPG034";
    public const string FlyTomlDriftId = "FLYMPG040";
    public const string DockerfileDriftId = "FLYMPG041";
    public const string DockerIgnoreDriftId = "FLYMPG042";
    public const string PgBouncerPolicyDriftId = "FLYMPG043";
    public const string PoolOverBudgetId = "FLYMPG044";

    /// <summary>The key under which FlyMpg registers the direct (non-pooled) NpgsqlDataSource: FlyMpg.FlyPostgres.DirectDataSourceKey.</summary>
    public const string DirectDataSourceKey = "flympg:direct";

    /// <summary>Diagnostic property naming the connection string keyword a code fix removes.</summary>
    public const string KeywordProperty = "Keyword";

    private const string PgBouncer = "PgBouncer";
    private const string Deploys = "Deploys";
    private const string Conventions = "Conventions";

    // FLYMPG040-043: {0} the file and what differs, {1} the FlyMpg version, {2} what the pack's template has, {3} why,
    // {4} the keep marker that makes the difference intentional.
    private const string DriftMessage = "{0}, where FlyMpg {1}'s convention is {2} ({3}); fix it by hand or take the pack's files with 'dotnet new flympg-add --force', or keep yours on purpose with the comment '{4}'";
    private const string HelpBase = "https://github.com/flympg/flympg/blob/main/docs/analyzers.md#";

    public static readonly DiagnosticDescriptor Prepare = Create(
        PrepareId,
        "Named prepared statement through the pooler",
        "'{0}' creates a named prepared statement, which PgBouncer in transaction mode sends to another server connection (26000 prepared statement does not exist / 42P05 already exists); remove the call, or suppress it if this command uses the direct connection",
        PgBouncer,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor MaxAutoPrepare = Create(
        MaxAutoPrepareId,
        "Automatic preparation through the pooler",
        "'Max Auto Prepare={0}' makes Npgsql prepare statements, which PgBouncer in transaction mode breaks (26000 prepared statement \"_auto0\" does not exist); remove it or set it to 0, or suppress it if this connection string is for the direct connection",
        PgBouncer,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor SessionAdvisoryLock = Create(
        SessionAdvisoryLockId,
        "Session advisory lock through the pooler",
        "'{0}' takes a session-level lock that stays on whichever server connection PgBouncer picked, and pg_advisory_unlock may run on another one; use '{1}' inside a transaction, or suppress it if this SQL runs on the direct connection",
        PgBouncer,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor SessionStateSql = Create(
        SessionStateSqlId,
        "Session state through the pooler",
        "'{0}' changes session state that PgBouncer in transaction mode does not keep: the next statement may run on another server connection; {1}, or suppress it if this SQL runs on the direct connection",
        PgBouncer,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor StartupParameter = Create(
        StartupParameterId,
        "Startup parameter PgBouncer refuses",
        "'{0}' is sent as a startup parameter, which PgBouncer refuses (unsupported startup parameter); {1}, or suppress it if this connection string is only for the direct connection",
        PgBouncer,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor StartupMigration = Create(
        StartupMigrationId,
        "Schema change at web host startup",
        "'{0}' changes the schema while the web host starts, on the pooled connection, in every Machine at once and in every command of the program (migrate too, before it applies anything); {1}",
        "Migrations",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor BypassesPooledPolicy = Create(
        BypassesPooledPolicyId,
        "Connection string bypasses FlyMpg's pooled policy",
        "'{0}' builds its own connection and skips the pooled settings of AddFlyPostgres (no prepares, idle lifetime below the pooler's, retries on 08P01); use builder.AddFlyPostgres<TContext>() and the data sources it registers, or suppress it where a separate connection is intended",
        PgBouncer,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor UrlConnectionString = Create(
        UrlConnectionStringId,
        "Npgsql does not accept postgres:// URLs",
        "'{0}' receives a URL, which Npgsql rejects (Format of the initialization string does not conform to specification starting at index 0); convert the URL to 'Host=...;Username=...' keywords, or let AddFlyPostgres read DATABASE_URL",
        "Npgsql",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor HangfirePooledSession = Create(
        HangfirePooledSessionId,
        "Hangfire option that needs a session",
        "'{0} = true' {1}; give Hangfire the direct connection, or set it to false, or suppress it if this storage already uses the direct connection",
        "Hangfire",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor OwnDbContextRegistration = Create(
        OwnDbContextRegistrationId,
        "DbContext registered on a connection of its own",
        "'{0}<{1}>' with UseNpgsql builds its own connection: no PgBouncer-safe settings, no retry of 08P01 (client_idle_timeout after an idle spell), and migrate and worker cannot find the context; register it with {2}",
        PgBouncer,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor NoCommandDispatch = Create(
        NoCommandDispatchId,
        "Web app does not dispatch FlyMpg's commands",
        "'{0}' runs only the web app: fly.toml's release_command (migrate) and worker process group start this same program with an argument it ignores, so the deploy serves without migrating; use 'return await app.RunFlyAsync(args);'",
        "Migrations",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor OwnHangfireStorage = Create(
        OwnHangfireStorageId,
        "Hangfire storage on a connection of its own",
        "'AddHangfire' with UsePostgreSqlStorage gives Hangfire a connection of its own: its server polls and locks through the pooler from every web Machine, outside the connection budget, and fly.toml's worker process group finds no worker; use builder.AddFlyHangfire() from FlyMpg.Hangfire (dotnet new flympg-add --worker hangfire adds it), which runs the server only in the worker, on the direct connection",
        "Hangfire",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor AspireIntegration = Create(
        AspireIntegrationId,
        "Aspire's Npgsql integration instead of AddFlyPostgres",
        "'{0}' is Aspire's Npgsql client integration: it reads ConnectionStrings:{1}, which Aspire's AppHost sets and Fly does not (Fly sets DATABASE_URL), with EF Core's own retries (not 08P01) and none of the pooled settings, and migrate and worker cannot find it; {2}",
        PgBouncer,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor RawConnection = Create(
        RawConnectionId,
        "Npgsql connection on a pool of its own",
        "'new NpgsqlConnection(...)' opens its connection from a connection string, on a pool of its own outside FlyMpg's: no PgBouncer-safe settings, an idle connection the pooler closed fails with 08P01 after a quiet spell, and the connection budget does not count it; {0}",
        PgBouncer,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor ContextConfiguresItself = Create(
        ContextConfiguresItselfId,
        "Context configures its own connection in OnConfiguring",
        "'{0}' calls UseNpgsql in OnConfiguring, which EF runs after the options AddFlyPostgres gives the context: its own connection string replaces FlyMpg's data source (pooled settings, retries on 08P01); take DbContextOptions<{0}> in the constructor (: base(options)) and fall back only when nothing configured it: if (!optionsBuilder.IsConfigured) {{ ... }}",
        PgBouncer,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor NoHealthEndpoint = Create(
        NoHealthEndpointId,
        "No /healthz for fly.toml's health check",
        "fly.toml's check asks this service for /healthz, which nothing maps: every Machine fails it and Fly takes it out of routing; call MapFlyHealthChecks() on the app (app.MapFlyHealthChecks();) or, in a Startup class, inside UseEndpoints (endpoints.MapFlyHealthChecks();)",
        "Migrations",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor UnreadConnectionSetting = Create(
        UnreadConnectionSettingId,
        "Connection string nothing reads",
        "'{0}' holds a connection string that nothing reads any more: the service reads DATABASE_URL and DIRECT_DATABASE_URL through AddFlyPostgres; remove it, and the settings that only fed it",
        PgBouncer,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor StartupWrite = Create(
        StartupWriteId,
        "Database writes while the web host starts",
        "'{0}' writes to the database while the web host starts (seeding): it runs in every Machine at once and in every command of the program, so migrate runs it before the migrations it may need; {1}",
        "Migrations",
        DiagnosticSeverity.Warning);

    // Migration safety (FLYMPG020-034): fly.toml's release_command runs migrate while the release before it keeps serving,
    // so every migration meets the old code and its traffic. Each message names the safe recipe.

    public static readonly DiagnosticDescriptor RenamedColumn = Create(
        RenamedColumnId,
        "Column renamed while the serving release uses it",
        "'{0}' renames column '{1}', which the release still serving reads and writes by that name until its Machines are replaced: every such request fails (42703 column does not exist); keep the column and map the new property to it (HasColumnName(\"{2}\")), or expand and contract over two deploys: add the new column, write both and backfill, read the new one, then drop the old one in a later deploy",
        Deploys,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor RenamedTable = Create(
        RenamedTableId,
        "Table, schema or enum value renamed while the serving release uses it",
        "'{0}' renames {1}, which the release still serving uses by that name until its Machines are replaced: every such request fails; {2}",
        Deploys,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor DroppedColumn = Create(
        DroppedColumnId,
        "Column dropped while the serving release may use it",
        "'{0}' drops column '{1}', which the release still serving may read or write until its Machines are replaced (42703 column does not exist); expand and contract: first deploy code that no longer uses it (EF: remove the property), then drop it in a later deploy and mark that migration [ContractStep(\"{1}\")]",
        Deploys,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor DroppedTable = Create(
        DroppedTableId,
        "Table dropped while the serving release may use it",
        "'{0}' drops table '{1}', which the release still serving may read or write until its Machines are replaced (42P01 relation does not exist); expand and contract: first deploy code that no longer uses it, then drop it in a later deploy and mark that migration [ContractStep(\"{1}\")]",
        Deploys,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor ColumnTypeChange = Create(
        ColumnTypeChangeId,
        "Column type changed in place",
        "'{0}' changes column '{1}' ({2}): Postgres rewrites the table under an ACCESS EXCLUSIVE lock that stops every read and write of it for the whole rewrite, and the release still serving expects the old column; add a new column of the new type, write both and backfill in batches, move reads to it, then drop the old one in a later deploy",
        Deploys,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor NotNullOnExistingColumn = Create(
        NotNullOnExistingColumnId,
        "NOT NULL set on an existing column",
        "'{0}' makes existing column '{1}' NOT NULL: Postgres checks every row under an ACCESS EXCLUSIVE lock that stops reads and writes of the table, and the release still serving may write NULL; add CHECK ({2} IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it in a later migration, then SET NOT NULL (Postgres 12+ skips the check given the valid constraint) and drop the CHECK",
        Deploys,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor NonConcurrentIndex = Create(
        NonConcurrentIndexId,
        "Index built on an existing table without CONCURRENTLY",
        "'{0}' builds index '{1}' on existing table '{2}' without CONCURRENTLY: every write to the table waits for the whole build; build it CONCURRENTLY ({3}), which runs outside the migration's transaction, in a migration of its own",
        Deploys,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor ValidatedForeignKey = Create(
        ValidatedForeignKeyId,
        "Foreign key validated while it is added",
        "'{0}' adds foreign key '{1}' to existing table '{2}' and checks every row while writes to both tables wait; add it NOT VALID (migrationBuilder.Sql(\"ALTER TABLE ... ADD CONSTRAINT ... NOT VALID\")), then VALIDATE CONSTRAINT it in a later migration, which lets reads and writes go on",
        Deploys,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor ValidatedCheckConstraint = Create(
        ValidatedCheckConstraintId,
        "Check constraint validated while it is added",
        "'{0}' adds check constraint '{1}' to existing table '{2}' and checks every row under an ACCESS EXCLUSIVE lock that stops reads and writes of it; add it NOT VALID (migrationBuilder.Sql(\"ALTER TABLE ... ADD CONSTRAINT ... CHECK (...) NOT VALID\")), then VALIDATE CONSTRAINT it in a later migration, which lets reads and writes go on",
        Deploys,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor IndexBackedConstraint = Create(
        IndexBackedConstraintId,
        "Unique, primary key or exclusion constraint built on an existing table",
        "'{0}' adds {1} to existing table '{2}', building its index under a lock that stops writes (an ACCESS EXCLUSIVE one: reads too); {3}",
        Deploys,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor TableRewriteColumn = Create(
        TableRewriteColumnId,
        "Column added in a way that rewrites the table",
        "'{0}' adds column '{1}' with {2} to existing table '{3}': Postgres rewrites the whole table under an ACCESS EXCLUSIVE lock that stops reads and writes of it; {4}",
        Deploys,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor JsonColumn = Create(
        JsonColumnId,
        "json column instead of jsonb",
        "'{0}' adds column '{1}' of type json, which has no equality operator: a query that compares or de-duplicates rows with it (DISTINCT, UNION, GROUP BY) fails with 42883 could not identify an equality operator; use jsonb (HasColumnType(\"jsonb\"), Npgsql's default for JsonDocument and owned JSON)",
        Deploys,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor NotInTransaction = Create(
        NotInTransactionId,
        "Statement that cannot run inside the migration's transaction",
        "'{0}' cannot run inside a transaction block, {1} (25001 at migrate); pass suppressTransaction: true, with one such statement per Sql call, in a migration of its own",
        Deploys,
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor MixedNonTransactionalStep = Create(
        MixedNonTransactionalStepId,
        "Step outside the migration's transaction beside other operations",
        "'{0}' runs outside the migration's transaction beside {1} other operation(s): if it or a later one fails, what ran before stays applied and the migration is not recorded, so the next migrate runs it all again and fails on what exists; move it into a migration of its own",
        Deploys,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor RequiredColumnWithoutDefault = Create(
        RequiredColumnWithoutDefaultId,
        "Required column added without a default",
        "'{0}' adds required column '{1}' to existing table '{2}' without a default: the release still serving inserts rows without it and fails (23502 not-null violation), and on a table with rows the migration itself fails; give it a constant default (defaultValue: ...), or add it nullable and make it required in a later deploy",
        Deploys,
        DiagnosticSeverity.Warning);

    // Drift from the pack's conventions (FLYMPG040-044), in the files the templates write beside the project.

    public static readonly DiagnosticDescriptor FlyTomlDrift = Create(
        FlyTomlDriftId,
        "fly.toml differs from the pack's conventions",
        DriftMessage,
        Conventions,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor DockerfileDrift = Create(
        DockerfileDriftId,
        "Dockerfile differs from the pack's conventions",
        DriftMessage,
        Conventions,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor DockerIgnoreDrift = Create(
        DockerIgnoreDriftId,
        ".dockerignore lacks a line of the pack's",
        DriftMessage,
        Conventions,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor PgBouncerPolicyDrift = Create(
        PgBouncerPolicyDriftId,
        "Local PgBouncer policy differs from MPG's",
        DriftMessage,
        Conventions,
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor PoolOverBudget = Create(
        PoolOverBudgetId,
        "Pool size outside the connection budget",
        "'{0} = {1}' {2}; lower it, or keep it on purpose with the comment '{3}'",
        Conventions,
        DiagnosticSeverity.Warning);

    private static DiagnosticDescriptor Create(string id, string title, string message, string category, DiagnosticSeverity severity) =>
        new(
            id,
            title,
            message,
            category,
            severity,
            isEnabledByDefault: true,
            description: null,
            helpLinkUri: HelpBase + id.ToLowerInvariant());
}
