using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// FLYMPG020-034: operations of a migration's <c>Up</c> that break the release still serving (fly.toml's release_command
/// runs <c>migrate</c> before the old Machines are replaced) or lock a busy table for long. Reads the
/// <c>MigrationBuilder</c> calls of <c>Up</c> (found by symbol) and the SQL given to <c>migrationBuilder.Sql(...)</c>.
/// A table created in the same migration is new: nothing done to it is reported. <c>Down</c> is not read.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MigrationSafetyAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the NOT VALID statement a code fix writes in place of AddForeignKey/AddCheckConstraint.</summary>
    public const string NotValidSqlProperty = "NotValidSql";

    /// <summary>Diagnostic property: the VALIDATE CONSTRAINT statement for the later migration, which the code fix leaves as a comment.</summary>
    public const string ValidateSqlProperty = "ValidateSql";

    private const string CreatedConcurrently = "Npgsql:CreatedConcurrently";
    private const string ValueGenerationStrategy = "Npgsql:ValueGenerationStrategy";

    // An array, not a params list: with fifteen items that would bind to a ReadOnlySpan overload the compiler loading the analyzer may lack.
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(new[]
    {
        FlyMpgDiagnostics.RenamedColumn,
        FlyMpgDiagnostics.RenamedTable,
        FlyMpgDiagnostics.DroppedColumn,
        FlyMpgDiagnostics.DroppedTable,
        FlyMpgDiagnostics.ColumnTypeChange,
        FlyMpgDiagnostics.NotNullOnExistingColumn,
        FlyMpgDiagnostics.NonConcurrentIndex,
        FlyMpgDiagnostics.ValidatedForeignKey,
        FlyMpgDiagnostics.ValidatedCheckConstraint,
        FlyMpgDiagnostics.IndexBackedConstraint,
        FlyMpgDiagnostics.TableRewriteColumn,
        FlyMpgDiagnostics.JsonColumn,
        FlyMpgDiagnostics.NotInTransaction,
        FlyMpgDiagnostics.MixedNonTransactionalStep,
        FlyMpgDiagnostics.RequiredColumnWithoutDefault,
    });

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (types.Migration is null || types.MigrationBuilder is null)
            {
                return;
            }

            start.RegisterOperationBlockAction(c => AnalyzeUp(c, types));
        });
    }

    private static void AnalyzeUp(OperationBlockAnalysisContext context, KnownTypes types)
    {
        if (context.OwningSymbol is not IMethodSymbol { Name: "Up", IsOverride: true } up || !KnownTypes.Is(up.ContainingType, types.Migration))
        {
            return;
        }

        var calls = context.OperationBlocks
            .SelectMany(block => block.DescendantsAndSelf())
            .OfType<IInvocationOperation>()
            .Where(call => KnownTypes.Is(call.TargetMethod.ContainingType, types.MigrationBuilder))
            .OrderBy(call => call.Syntax.SpanStart)
            .ToList();
        var newTables = new HashSet<TableName>(calls.SelectMany(CreatedTables));
        var contract = Contract(up.ContainingType, types);

        var outsideTransaction = calls.Where(IsOutsideTransaction).ToList();
        foreach (var call in calls)
        {
            foreach (var finding in Findings(call, newTables, contract))
            {
                context.ReportDiagnostic(Diagnostic.Create(finding.Rule, Location(call, finding), finding.Properties, finding.Arguments));
            }

            if (outsideTransaction.Contains(call) && calls.Count > 1)
            {
                context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.MixedNonTransactionalStep, call.Syntax.GetLocation(), Describe(call), calls.Count - 1));
            }
        }
    }

    // SQL findings point at the SQL text, the others at the call.
    private static Location Location(IInvocationOperation call, MigrationFinding finding) =>
        call.TargetMethod.Name == "Sql" && Argument(call, "sql") is { } sql ? sql.Syntax.GetLocation() : call.Syntax.GetLocation();

    private static IEnumerable<TableName> CreatedTables(IInvocationOperation call) => call.TargetMethod.Name switch
    {
        "CreateTable" when Text(call, "name") is { } name => new[] { new TableName(Text(call, "schema"), name) },
        "Sql" when ConstantText.Of(Argument(call, "sql")) is { } sql => MigrationSqlRules.CreatedTables(sql),
        _ => Enumerable.Empty<TableName>(),
    };

    private static ContractSteps Contract(INamedTypeSymbol migration, KnownTypes types)
    {
        var dropped = migration.GetAttributes()
            .Where(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, types.ContractStepAttribute))
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(argument => argument.Kind == TypedConstantKind.Array ? argument.Values : ImmutableArray.Create(argument))
            .Select(value => value.Value as string)
            .Where(value => value is not null)
            .Cast<string>()
            .ToList();
        return dropped.Count == 0 ? ContractSteps.None : new ContractSteps(dropped);
    }

    // An index built with Npgsql's CreatedConcurrently annotation, or Sql(..., suppressTransaction: true).
    private static bool IsOutsideTransaction(IInvocationOperation call) => call.TargetMethod.Name switch
    {
        "CreateIndex" => Annotation(call, CreatedConcurrently) is { ConstantValue: { HasValue: true, Value: true } },
        "Sql" => Argument(call, "suppressTransaction") is { ConstantValue: { HasValue: true, Value: true } },
        _ => false,
    };

    private static IEnumerable<MigrationFinding> Findings(IInvocationOperation call, ISet<TableName> newTables, ContractSteps contract)
    {
        var name = Text(call, "name");
        var table = Text(call, "table") is { } t ? new TableName(Text(call, "schema"), t) : (TableName?)null;
        var what = Describe(call);
        switch (call.TargetMethod.Name)
        {
            case "Sql":
                return ConstantText.Of(Argument(call, "sql")) is { } sql
                    ? MigrationSqlRules.Find(sql, IsOutsideTransaction(call), newTables, contract)
                    : Enumerable.Empty<MigrationFinding>();
            case "DropTable":
                return DropTable(call, newTables, contract);
            case "RenameTable" when name is not null:
                var renamed = new TableName(Text(call, "schema"), name);
                return newTables.Contains(renamed)
                    ? Enumerable.Empty<MigrationFinding>()
                    : One(FlyMpgDiagnostics.RenamedTable, what, $"table '{renamed}'", MigrationSqlRules.RenamedTableRecipe(renamed));
        }

        if (table is not { } existing || newTables.Contains(existing) || name is null)
        {
            return Enumerable.Empty<MigrationFinding>();
        }

        var column = $"{existing}.{name}";
        return call.TargetMethod.Name switch
        {
            "RenameColumn" => One(FlyMpgDiagnostics.RenamedColumn, what, column, name),
            "DropColumn" when !contract.Covers(existing, name) => One(FlyMpgDiagnostics.DroppedColumn, what, column),
            "AlterColumn" => AlterColumn(call, what, column, name),
            "AddColumn" => AddColumn(call, what, column, existing),
            "CreateIndex" when Annotation(call, CreatedConcurrently) is not { ConstantValue: { HasValue: true, Value: true } } =>
                One(FlyMpgDiagnostics.NonConcurrentIndex, what, name, existing.ToString(), ".Annotation(\"Npgsql:CreatedConcurrently\", true) on the operation, or IsCreatedConcurrently() in the model"),
            "AddForeignKey" => new[] { ForeignKey(call, what, name, existing) },
            "AddCheckConstraint" => new[] { CheckConstraint(call, what, name, existing) },
            "AddUniqueConstraint" => One(FlyMpgDiagnostics.IndexBackedConstraint, what, $"unique constraint '{name}'", existing.ToString(), MigrationSqlRules.UniqueRecipe),
            "AddPrimaryKey" => One(FlyMpgDiagnostics.IndexBackedConstraint, what, $"primary key '{name}'", existing.ToString(), MigrationSqlRules.UniqueRecipe),
            _ => Enumerable.Empty<MigrationFinding>(),
        };
    }

    private static IEnumerable<MigrationFinding> DropTable(IInvocationOperation call, ISet<TableName> newTables, ContractSteps contract)
    {
        if (Text(call, "name") is not { } name)
        {
            yield break;
        }

        var dropped = new TableName(Text(call, "schema"), name);
        if (!newTables.Contains(dropped) && !contract.Covers(dropped, null))
        {
            yield return new MigrationFinding(FlyMpgDiagnostics.DroppedTable, [Describe(call), dropped.ToString()]);
        }
    }

    private static IEnumerable<MigrationFinding> AlterColumn(IInvocationOperation call, string what, string column, string name)
    {
        if (Text(call, "computedColumnSql") != Text(call, "oldComputedColumnSql") || Bool(call, "stored") != Bool(call, "oldStored"))
        {
            yield return new MigrationFinding(FlyMpgDiagnostics.ColumnTypeChange, [what, column, "its computed SQL: Npgsql drops the column and adds it again"]);
        }
        else if (TypeChange(call) is { } change)
        {
            yield return new MigrationFinding(FlyMpgDiagnostics.ColumnTypeChange, [what, column, change]);
        }

        if (Bool(call, "nullable") == false && Bool(call, "oldNullable") == true)
        {
            yield return new MigrationFinding(FlyMpgDiagnostics.NotNullOnExistingColumn, [what, column, name]);
        }
    }

    // "from X to Y" when the column's store type changes in a way that rewrites the table; null otherwise.
    private static string? TypeChange(IInvocationOperation call)
    {
        var type = Text(call, "type");
        var oldType = Text(call, "oldType");
        if (type is not null && oldType is not null)
        {
            return ColumnTypes.ChangesWithoutRewrite(oldType, type) ? null : $"from {oldType} to {type}";
        }

        var clrType = call.TargetMethod.TypeArguments.FirstOrDefault();
        var oldClrType = Argument(call, "oldClrType") is ITypeOfOperation typeOf ? typeOf.TypeOperand : null;
        return clrType is not null && oldClrType is not null && !SymbolEqualityComparer.Default.Equals(clrType, oldClrType)
            ? $"from {oldClrType.ToDisplayString()} to {clrType.ToDisplayString()}"
            : null;
    }

    private static IEnumerable<MigrationFinding> AddColumn(IInvocationOperation call, string what, string column, TableName table)
    {
        var name = Text(call, "name")!;
        var type = Text(call, "type");
        if (type is not null && type.Trim().Equals("json", System.StringComparison.OrdinalIgnoreCase))
        {
            yield return new MigrationFinding(FlyMpgDiagnostics.JsonColumn, [what, column]);
        }

        var strategy = Annotation(call, ValueGenerationStrategy) is IFieldReferenceOperation field ? field.Field.Name : null;
        var defaultSql = Text(call, "defaultValueSql");
        var computed = Text(call, "computedColumnSql");
        if (strategy is "IdentityAlwaysColumn" or "IdentityByDefaultColumn" or "SerialColumn"
            || (type is not null && MigrationSqlRules.IsSerialType(type)))
        {
            yield return Rewrite(what, name, strategy is null ? $"type {type}" : $"value generation {strategy}", table, MigrationSqlRules.IdentityRecipe);
        }
        else if (computed is not null && Bool(call, "stored") == true)
        {
            yield return Rewrite(what, name, "a stored computed column", table, MigrationSqlRules.StoredGeneratedRecipe);
        }
        else if (defaultSql is not null && MigrationSqlRules.VolatileCall(defaultSql) is { } function)
        {
            yield return Rewrite(what, name, $"the volatile default {function}()", table, MigrationSqlRules.VolatileDefaultRecipe);
        }
        else if (Bool(call, "nullable") == false && defaultSql is null && computed is null && !HasValue(Argument(call, "defaultValue")))
        {
            yield return new MigrationFinding(FlyMpgDiagnostics.RequiredColumnWithoutDefault, [what, column, table.ToString()]);
        }
    }

    private static MigrationFinding Rewrite(string what, string column, string why, TableName table, string recipe) =>
        new(FlyMpgDiagnostics.TableRewriteColumn, [what, column, why, table.ToString(), recipe]);

    private static MigrationFinding ForeignKey(IInvocationOperation call, string what, string name, TableName table)
    {
        var properties = ImmutableDictionary<string, string?>.Empty;
        var columns = Names(call, "column", "columns");
        var principal = Text(call, "principalTable");
        if (columns is not null && principal is not null)
        {
            var principalColumns = Names(call, "principalColumn", "principalColumns");
            var references = SqlNames.Table(Text(call, "principalSchema"), principal) + (principalColumns is null ? "" : $" ({SqlNames.List(principalColumns)})");
            var sql = $"ALTER TABLE {SqlNames.Table(table)} ADD CONSTRAINT {SqlNames.Quote(name)} FOREIGN KEY ({SqlNames.List(columns)}) REFERENCES {references}"
                + SqlNames.Action("ON DELETE", Argument(call, "onDelete")) + SqlNames.Action("ON UPDATE", Argument(call, "onUpdate")) + " NOT VALID;";
            properties = properties
                .Add(NotValidSqlProperty, sql)
                .Add(ValidateSqlProperty, $"ALTER TABLE {SqlNames.Table(table)} VALIDATE CONSTRAINT {SqlNames.Quote(name)};");
        }

        return new MigrationFinding(FlyMpgDiagnostics.ValidatedForeignKey, [what, name, table.ToString()], properties);
    }

    private static MigrationFinding CheckConstraint(IInvocationOperation call, string what, string name, TableName table)
    {
        var properties = ImmutableDictionary<string, string?>.Empty;
        if (Text(call, "sql") is { } check)
        {
            properties = properties
                .Add(NotValidSqlProperty, $"ALTER TABLE {SqlNames.Table(table)} ADD CONSTRAINT {SqlNames.Quote(name)} CHECK ({check}) NOT VALID;")
                .Add(ValidateSqlProperty, $"ALTER TABLE {SqlNames.Table(table)} VALIDATE CONSTRAINT {SqlNames.Quote(name)};");
        }

        return new MigrationFinding(FlyMpgDiagnostics.ValidatedCheckConstraint, [what, name, table.ToString()], properties);
    }

    private static IEnumerable<MigrationFinding> One(DiagnosticDescriptor rule, params object[] arguments) =>
        new[] { new MigrationFinding(rule, arguments) };

    private static string Describe(IInvocationOperation call) => "migrationBuilder." + call.TargetMethod.Name;

    private static IOperation? Argument(IInvocationOperation call, string parameter) =>
        call.Arguments.FirstOrDefault(a => a.Parameter?.Name == parameter)?.Value;

    private static string? Text(IInvocationOperation call, string parameter) =>
        Argument(call, parameter)?.ConstantValue is { HasValue: true, Value: string text } ? text : null;

    private static bool? Bool(IInvocationOperation call, string parameter) =>
        Argument(call, parameter) is { } value && Unwrap(value).ConstantValue is { HasValue: true, Value: bool b } ? b : null;

    // A value given and not null: a constant, an object, a new DateTime(...).
    private static bool HasValue(IOperation? value) =>
        value is not null && !(Unwrap(value).ConstantValue is { HasValue: true, Value: null });

    // The column names of a (name, names) parameter pair: "column" or "columns" (a constant array).
    private static string[]? Names(IInvocationOperation call, string single, string several)
    {
        if (Text(call, single) is { } one)
        {
            return new[] { one };
        }

        if (Argument(call, several) is { } value && Unwrap(value) is IArrayCreationOperation { Initializer: { } initializer })
        {
            var names = initializer.ElementValues.Select(e => e.ConstantValue is { HasValue: true, Value: string s } ? s : null).ToArray();
            return names.Any(n => n is null) ? null : names.Cast<string>().ToArray();
        }

        return null;
    }

    // The value of .Annotation(name, value) chained on the call (migrationBuilder.CreateIndex(...).Annotation(...)).
    private static IOperation? Annotation(IInvocationOperation call, string name)
    {
        IOperation current = call;
        while (current.Parent is IInvocationOperation { TargetMethod.Name: "Annotation" } chained && chained.Instance == current)
        {
            if (chained.Arguments.Length == 2 && chained.Arguments[0].Value.ConstantValue is { HasValue: true, Value: string key } && key == name)
            {
                return Unwrap(chained.Arguments[1].Value);
            }

            current = chained;
        }

        return null;
    }

    private static IOperation Unwrap(IOperation operation) => operation is IConversionOperation conversion ? Unwrap(conversion.Operand) : operation;
}
