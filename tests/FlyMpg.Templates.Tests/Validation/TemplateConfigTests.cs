using System.Text.Json;
using System.Text.RegularExpressions;
using FlyMpg.Templates.Tests.Infrastructure;
using Json.Schema;

namespace FlyMpg.Templates.Tests.Validation;

/// <summary>
/// The checks the template engine's validator makes (dotnet/templating MandatoryValidationFactory: MV001 identity,
/// MV002 name, MV003 shortName, MV004 multi-choice separators, MV005-MV010 the info notes, MV011 manual instructions,
/// MV012 sources; ConfigModel's CONFIG0201 unique post-action ids), the published template.json schema, plus
/// host-file rules, over every <c>templates/*/.template.config</c>.
/// </summary>
public partial class TemplateConfigTests
{
    private const string RestoreActionId = "210D431B-A78B-4D2F-B762-4ED3E3EA9025";

    private static readonly JsonDocumentOptions JsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false };

    // What `dotnet new` itself defines: a template option may not take these names.
    private static readonly string[] ReservedShortNames = ["n", "o", "h", "?", "lang", "v", "d"];
    private static readonly string[] ReservedLongNames = ["name", "output", "help", "language", "type", "dry-run", "force", "no-update-check", "project", "verbosity", "diagnostics"];

    // What the engine splits a multi-choice value on (dotnet/templating MultiValueParameter.MultiValueSeparators).
    private static readonly char[] MultiValueSeparators = ['|', ','];

    // SchemaStore's src/schemas/json/template.json, the schema template.json's $schema names, vendored (Schemas/README.md).
    private static readonly string TemplateSchemaPath = Path.Combine(TestPaths.TestProjectRoot, "Validation", "Schemas", "template.schema.json");

    // Built once: the schema library registers a schema by its $id and refuses to register it twice.
    private static readonly Lazy<JsonSchema> TemplateSchema = new(() => JsonSchema.FromText(File.ReadAllText(TemplateSchemaPath)));

    public static TheoryData<string> Templates()
    {
        var data = new TheoryData<string>();
        foreach (var folder in TestPaths.TemplateFolders())
        {
            data.Add(Path.GetFileName(folder));
        }

        return data;
    }

    /// <summary>Project templates (tags.type project): a project named by -n, restored after generation.</summary>
    public static TheoryData<string> ProjectTemplates() => TemplatesOfType("project");

    /// <summary>Item templates (tags.type item): files added to a project that exists, named after it.</summary>
    public static TheoryData<string> ItemTemplates() => TemplatesOfType("item");

    private static TheoryData<string> TemplatesOfType(string type)
    {
        var data = new TheoryData<string>();
        foreach (var folder in TestPaths.TemplateFolders())
        {
            var json = Load(Path.GetFileName(folder));
            if (json.Root.TryGetProperty("tags", out var tags) && Str(tags, "type") == type)
            {
                data.Add(Path.GetFileName(folder));
            }
        }

        return data;
    }

    public static TheoryData<string, string> ConfigFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var folder in TestPaths.TemplateFolders())
        {
            foreach (var file in Directory.GetFiles(Path.Combine(folder, ".template.config"), "*.json").Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(folder), Path.GetFileName(file));
            }
        }

        return data;
    }

    [Fact]
    public void The_repository_has_templates()
    {
        Assert.True(TestPaths.TemplateFolders().Count > 0, $"No folder under {TestPaths.TemplatesRoot} holds .template.config/template.json.");
    }

    [Theory]
    [MemberData(nameof(ConfigFiles))]
    public void Config_json_parses_strictly(string template, string file)
    {
        var path = Path.Combine(TestPaths.TemplatesRoot, template, ".template.config", file);

        var ex = Record.Exception(() => JsonDocument.Parse(File.ReadAllText(path), JsonOptions).Dispose());

        Assert.True(ex is null, $"{path} is not valid JSON: {ex?.Message}");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Host_files_are_present(string template)
    {
        var config = Path.Combine(TestPaths.TemplatesRoot, template, ".template.config");

        Assert.True(File.Exists(Path.Combine(config, "dotnetcli.host.json")), $"{config}/dotnetcli.host.json is missing");
        Assert.True(File.Exists(Path.Combine(config, "ide.host.json")), $"{config}/ide.host.json is missing");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Identity_name_and_short_name_are_set(string template)
    {
        var json = Load(template);

        Assert.True(json.String("$schema") is { } schema && schema.EndsWith("json.schemastore.org/template", StringComparison.Ordinal), $"{json.Path}: $schema must be the template.json schema, is '{json.String("$schema")}'");
        Assert.True(json.String("identity") is { Length: > 0 }, $"{json.Path}: identity is missing (MV001)");
        Assert.True(json.String("name") is { Length: > 0 }, $"{json.Path}: name is missing (MV002)");
        Assert.True(ShortNames(json).Count > 0, $"{json.Path}: shortName is missing (MV003)");
        var isItem = json.Root.TryGetProperty("tags", out var tags) && Str(tags, "type") == "item";
        // An item template takes its names from the project it is added to, not from -n (ItemTemplates' rules).
        Assert.True(isItem || json.String("sourceName") is { Length: > 0 }, $"{json.Path}: sourceName is missing (MV005)");
        Assert.True(json.String("author") is { Length: > 0 }, $"{json.Path}: author is missing (MV006)");
        Assert.True(json.String("groupIdentity") is { Length: > 0 }, $"{json.Path}: groupIdentity is missing (MV007)");
        Assert.True(json.String("generatorVersions") is { Length: > 0 }, $"{json.Path}: generatorVersions is missing (MV008)");
        Assert.True(json.String("precedence") is { } precedence && precedence != "0", $"{json.Path}: precedence is missing or 0 (MV009)");
        Assert.True(json.Root.TryGetProperty("classifications", out var classifications) && classifications.GetArrayLength() > 0, $"{json.Path}: classifications are missing (MV010)");
        Assert.True(json.String("description") is { Length: > 0 }, $"{json.Path}: description is missing");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Template_json_is_valid_against_the_published_schema(string template)
    {
        var json = Load(template);
        var result = TemplateSchema.Value.Evaluate(json.Root, new EvaluationOptions { OutputFormat = OutputFormat.List });

        var errors = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Value}"))
            .ToList();
        Assert.True(result.IsValid, $"{json.Path} does not match {TemplateSchemaPath}:\n  {string.Join("\n  ", errors)}");
    }

    [Fact]
    public void The_schema_check_refuses_what_the_schema_forbids()
    {
        var schema = TemplateSchema.Value;
        using var missingRequired = JsonDocument.Parse("""{ "identity": "X.CSharp", "name": "X" }""");
        using var wrongType = JsonDocument.Parse("""{ "author": "a", "classifications": ["c"], "identity": "X.CSharp", "name": "X", "shortName": "x", "tags": { "type": "project" }, "preferNameDirectory": "yes" }""");

        Assert.False(schema.Evaluate(missingRequired.RootElement).IsValid, "a template.json without author, classifications, shortName and tags passed the schema");
        Assert.False(schema.Evaluate(wrongType.RootElement).IsValid, "preferNameDirectory as a string passed the schema");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Short_names_are_kebab_case(string template)
    {
        var json = Load(template);

        Assert.All(ShortNames(json), name => Assert.True(KebabCase().IsMatch(name), $"{json.Path}: shortName '{name}' is not kebab-case"));
    }

    [Fact]
    public void Identities_and_short_names_are_unique_across_templates()
    {
        var all = TestPaths.TemplateFolders().Select(f => Load(Path.GetFileName(f))).ToList();

        var duplicateIdentities = all.GroupBy(j => j.String("identity"), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var duplicateShortNames = all.SelectMany(ShortNames).GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();

        Assert.True(all.Count > 0, "no templates found");
        Assert.True(duplicateIdentities.Count == 0, $"identities used twice: {string.Join(", ", duplicateIdentities)}");
        Assert.True(duplicateShortNames.Count == 0, $"shortNames used twice: {string.Join(", ", duplicateShortNames)}");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Tags_give_language_and_type_and_the_identity_names_the_language(string template)
    {
        var json = Load(template);
        var tags = json.Root.TryGetProperty("tags", out var t) ? t : default;
        var language = tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty("language", out var l) ? l.GetString() : null;
        var type = tags.ValueKind == JsonValueKind.Object && tags.TryGetProperty("type", out var ty) ? ty.GetString() : null;

        Assert.True(language is "C#" or "F#" or "VB", $"{json.Path}: tags.language must be C#, F# or VB, is '{language}'");
        Assert.True(type is "project" or "item" or "solution", $"{json.Path}: tags.type must be project, item or solution, is '{type}'");
        var languageToken = language!.Replace("#", "Sharp", StringComparison.Ordinal);
        Assert.True(json.String("identity")!.Contains(languageToken, StringComparison.OrdinalIgnoreCase), $"{json.Path}: identity '{json.String("identity")}' should name the language ({languageToken})");
    }

    [Theory]
    [MemberData(nameof(ProjectTemplates))]
    public void Source_name_is_dotted_so_namespace_handling_is_exercised(string template)
    {
        var json = Load(template);
        var sourceName = json.String("sourceName");

        Assert.True(sourceName is not null && DottedName().IsMatch(sourceName), $"{json.Path}: sourceName should be a dotted identifier like Company.Service1, is '{sourceName}'");
        Assert.True(
            Directory.EnumerateFiles(json.TemplateRoot, "*", SearchOption.AllDirectories).Any(f => Path.GetFileName(f).Contains(sourceName, StringComparison.Ordinal)),
            $"{json.Path}: no file name contains the sourceName '{sourceName}': project names won't follow -n");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Parameters_have_descriptions_and_valid_types(string template)
    {
        var json = Load(template);
        string[] dataTypes = ["string", "text", "bool", "boolean", "choice", "int", "integer", "float", "hex"];
        var problems = new List<string>();

        foreach (var (name, symbol) in Symbols(json).Where(s => Type(s.Symbol) == "parameter"))
        {
            if (Str(symbol, "description") is not { Length: > 0 })
            {
                problems.Add($"{name}: no description");
            }

            var dataType = Str(symbol, "datatype") ?? "string";
            if (!dataTypes.Contains(dataType, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{name}: unknown datatype '{dataType}'");
            }

            if (dataType is "bool" or "boolean" && Str(symbol, "defaultValue") is { } boolDefault && boolDefault is not ("true" or "false"))
            {
                problems.Add($"{name}: bool defaultValue '{boolDefault}' is neither true nor false");
            }

            if (dataType is "int" or "integer" && Str(symbol, "defaultValue") is { Length: > 0 } intDefault && !int.TryParse(intDefault, out _))
            {
                problems.Add($"{name}: integer defaultValue '{intDefault}' does not parse");
            }
        }

        Assert.True(problems.Count == 0, $"{json.Path}:\n  {string.Join("\n  ", problems)}");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Choice_parameters_have_described_choices_and_a_default_among_them(string template)
    {
        var json = Load(template);
        var problems = new List<string>();

        foreach (var (name, symbol) in Symbols(json).Where(s => Type(s.Symbol) == "parameter" && Str(s.Symbol, "datatype") == "choice"))
        {
            var choices = symbol.TryGetProperty("choices", out var c) && c.ValueKind == JsonValueKind.Array ? c.EnumerateArray().ToList() : [];
            if (choices.Count == 0)
            {
                // `dotnet new` (SDK 10.0.401) fails with "Sequence contains no elements" on a choice symbol without choices.
                problems.Add($"{name}: no choices");
                continue;
            }

            var values = choices.Select(choice => Str(choice, "choice")).ToList();
            problems.AddRange(choices.Where(choice => Str(choice, "choice") is not { Length: > 0 }).Select(_ => $"{name}: a choice has no 'choice' value"));
            problems.AddRange(choices.Where(choice => Str(choice, "description") is not { Length: > 0 }).Select(choice => $"{name}: choice '{Str(choice, "choice")}' has no description"));
            problems.AddRange(values.GroupBy(v => v, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => $"{name}: choice '{g.Key}' is listed twice"));

            var multiple = symbol.TryGetProperty("allowMultipleValues", out var m) && m.ValueKind == JsonValueKind.True;
            if (multiple)
            {
                problems.AddRange(values.Where(v => v is not null && v.IndexOfAny(MultiValueSeparators) >= 0)
                    .Select(v => $"{name}: choice '{v}' of a multi-choice symbol contains a separator ({string.Join(" or ", MultiValueSeparators)}) (MV004)"));
            }

            var defaultValue = Str(symbol, "defaultValue");
            if (defaultValue is null)
            {
                // A required choice (the range guards) has no default on purpose: a default would satisfy the requirement.
                if (Str(symbol, "isRequired") is null or "false")
                {
                    problems.Add($"{name}: no defaultValue");
                }
            }
            else
            {
                var defaults = multiple ? defaultValue.Split('|', StringSplitOptions.TrimEntries) : [defaultValue];
                problems.AddRange(defaults.Where(d => !values.Contains(d, StringComparer.Ordinal)).Select(d => $"{name}: defaultValue '{d}' is not one of the choices ({string.Join(", ", values)})"));
            }
        }

        Assert.True(problems.Count == 0, $"{json.Path}:\n  {string.Join("\n  ", problems)}");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Symbols_refer_only_to_symbols_that_exist(string template)
    {
        var json = Load(template);
        var known = Symbols(json).Select(s => s.Name).Append("name").ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();

        foreach (var (name, symbol) in Symbols(json))
        {
            if (!symbol.TryGetProperty("parameters", out var parameters) || parameters.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var key in new[] { "source", "sourceVariableName", "fallbackVariableName" })
            {
                if (Str(parameters, key) is { Length: > 0 } reference && !known.Contains(reference))
                {
                    problems.Add($"{name}: parameters.{key} names '{reference}', which is not a symbol");
                }
            }
        }

        Assert.True(problems.Count == 0, $"{json.Path}:\n  {string.Join("\n  ", problems)}");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Source_modifier_paths_exist_in_the_template(string template)
    {
        var json = Load(template);
        var problems = new List<string>();
        var sources = json.Root.TryGetProperty("sources", out var s) && s.ValueKind == JsonValueKind.Array ? s.EnumerateArray().ToList() : [];

        foreach (var (source, index) in sources.Select((source, index) => (source, index)))
        {
            var sourceRoot = Path.GetFullPath(Path.Combine(json.TemplateRoot, Str(source, "source") ?? "./"));
            if (!Directory.Exists(sourceRoot))
            {
                problems.Add($"sources[{index}].source '{Str(source, "source")}' does not exist");
                continue;
            }

            var files = Directory.EnumerateFiles(sourceRoot, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(sourceRoot, f).Replace('\\', '/'))
                .Where(f => !f.StartsWith(".template.config/", StringComparison.Ordinal))
                .ToList();
            CheckRename(source, $"sources[{index}]");

            var modifiers = source.TryGetProperty("modifiers", out var mods) && mods.ValueKind == JsonValueKind.Array ? mods.EnumerateArray().ToList() : [];
            foreach (var (modifier, m) in modifiers.Select((modifier, m) => (modifier, m)))
            {
                var where = $"sources[{index}].modifiers[{m}] ({Str(modifier, "condition") ?? "no condition"})";
                foreach (var key in new[] { "include", "exclude", "copyOnly" })
                {
                    foreach (var glob in Globs(modifier, key))
                    {
                        if (!files.Any(Glob.ToRegex(glob).IsMatch))
                        {
                            problems.Add($"{where}.{key} '{glob}' matches no file");
                        }
                    }
                }

                CheckRename(modifier, where);
            }

            void CheckRename(JsonElement element, string where)
            {
                if (element.TryGetProperty("rename", out var rename) && rename.ValueKind == JsonValueKind.Object)
                {
                    problems.AddRange(rename.EnumerateObject()
                        .Where(r => !files.Contains(r.Name.TrimStart('.', '/')) && !files.Any(f => f.StartsWith(r.Name.TrimStart('.', '/').TrimEnd('/') + "/", StringComparison.Ordinal)))
                        .Select(r => $"{where}.rename '{r.Name}' does not exist"));
                }
            }
        }

        Assert.True(problems.Count == 0, $"{json.Path} (MV012):\n  {string.Join("\n  ", problems)}");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Dotnet_cli_host_file_names_real_symbols_with_usable_option_names(string template)
    {
        var json = Load(template);
        var host = LoadHost(template, "dotnetcli.host.json");
        var symbols = Symbols(json).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        var info = host.TryGetProperty("symbolInfo", out var i) && i.ValueKind == JsonValueKind.Object ? i.EnumerateObject().ToList() : [];

        Assert.True(info.Count > 0, $"{template}/dotnetcli.host.json has no symbolInfo");
        problems.AddRange(info.Where(p => !symbols.Contains(p.Name)).Select(p => $"symbolInfo.{p.Name} is not a symbol of template.json"));

        var longNames = info.Select(p => (Symbol: p.Name, Name: Str(p.Value, "longName"))).Where(x => x.Name is { Length: > 0 }).ToList();
        problems.AddRange(longNames.Where(x => !KebabCase().IsMatch(x.Name!)).Select(x => $"{x.Symbol}: longName '{x.Name}' is not kebab-case"));
        problems.AddRange(longNames.Where(x => ReservedLongNames.Contains(x.Name)).Select(x => $"{x.Symbol}: longName '{x.Name}' collides with a dotnet new option"));
        problems.AddRange(longNames.GroupBy(x => x.Name).Where(g => g.Count() > 1).Select(g => $"longName '{g.Key}' is used by {string.Join(" and ", g.Select(x => x.Symbol))}"));

        var shortNames = info.Select(p => (Symbol: p.Name, Name: Str(p.Value, "shortName"))).Where(x => x.Name is { Length: > 0 }).ToList();
        problems.AddRange(shortNames.Where(x => ReservedShortNames.Contains(x.Name)).Select(x => $"{x.Symbol}: shortName '{x.Name}' collides with a dotnet new option"));
        problems.AddRange(shortNames.GroupBy(x => x.Name).Where(g => g.Count() > 1).Select(g => $"shortName '{g.Key}' is used by {string.Join(" and ", g.Select(x => x.Symbol))}"));

        Assert.True(problems.Count == 0, $"{template}/dotnetcli.host.json:\n  {string.Join("\n  ", problems)}");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Ide_host_file_names_real_symbols(string template)
    {
        var json = Load(template);
        var host = LoadHost(template, "ide.host.json");
        var symbols = Symbols(json).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var info = host.TryGetProperty("symbolInfo", out var i) && i.ValueKind == JsonValueKind.Array ? i.EnumerateArray().ToList() : [];

        var ids = info.Select(e => Str(e, "id")).ToList();

        Assert.True(ids.Count > 0, $"{template}/ide.host.json has no symbolInfo entries");
        var problems = ids.Where(id => id is null || !symbols.Contains(id)).Select(id => $"symbolInfo id '{id}' is not a symbol of template.json")
            .Concat(ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => $"symbolInfo id '{g.Key}' is listed twice"))
            .ToList();
        Assert.True(problems.Count == 0, $"{template}/ide.host.json:\n  {string.Join("\n  ", problems)}");
    }

    [Theory]
    [MemberData(nameof(ProjectTemplates))]
    public void Restore_post_action_is_the_standard_one_and_skippable(string template)
    {
        var json = Load(template);
        var actions = json.Root.TryGetProperty("postActions", out var p) && p.ValueKind == JsonValueKind.Array ? p.EnumerateArray().ToList() : [];

        var restore = actions.Where(a => string.Equals(Str(a, "actionId"), RestoreActionId, StringComparison.OrdinalIgnoreCase)).ToList();

        Assert.True(restore.Count == 1, $"{json.Path}: expected one restore post-action ({RestoreActionId}), found {restore.Count}");
        var condition = Regex.Replace(Str(restore[0], "condition") ?? string.Empty, @"\s+", string.Empty);
        Assert.True(condition.StartsWith("(!skipRestore", StringComparison.Ordinal), $"{json.Path}: the restore post-action's condition must start with (!skipRestore, is '{Str(restore[0], "condition")}'");
        var skip = Symbols(json).FirstOrDefault(s => s.Name == "skipRestore");
        Assert.True(skip.Name is not null && Type(skip.Symbol) == "parameter" && Str(skip.Symbol, "datatype") == "bool", $"{json.Path}: skipRestore must be a bool parameter");
        Assert.True(
            actions.All(a => a.TryGetProperty("manualInstructions", out var mi) && mi.ValueKind == JsonValueKind.Array && mi.GetArrayLength() > 0),
            $"{json.Path}: every post-action needs manualInstructions (shown when a host cannot run it) (MV011)");
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Post_action_ids_are_unique(string template)
    {
        var json = Load(template);
        var actions = json.Root.TryGetProperty("postActions", out var p) && p.ValueKind == JsonValueKind.Array ? p.EnumerateArray().ToList() : [];

        var ids = actions.Select(a => Str(a, "id")).ToList();

        Assert.True(ids.All(id => id is { Length: > 0 }), $"{json.Path}: every post-action needs an id (localization and the engine's messages refer to it)");
        var duplicates = ids.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{json.Path}: post-action ids used twice (CONFIG0201): {string.Join(", ", duplicates)}");
    }

    [Theory]
    [MemberData(nameof(ProjectTemplates))]
    public void Primary_outputs_point_at_files_of_the_template_including_a_project(string template)
    {
        var json = Load(template);
        var outputs = json.Root.TryGetProperty("primaryOutputs", out var p) && p.ValueKind == JsonValueKind.Array
            ? p.EnumerateArray().Select(o => Str(o, "path")).ToList()
            : [];

        Assert.True(outputs.Count > 0, $"{json.Path}: no primaryOutputs (the restore post-action and IDEs use them)");
        var missing = outputs.Where(o => o is null || !File.Exists(Path.Combine(json.TemplateRoot, o))).ToList();
        Assert.True(missing.Count == 0, $"{json.Path}: primaryOutputs not found in the template folder: {string.Join(", ", missing)}");
        var sourceName = json.String("sourceName") ?? "\0";
        Assert.True(
            outputs.Any(o => o!.EndsWith(".csproj", StringComparison.Ordinal) && Path.GetFileNameWithoutExtension(o) == sourceName),
            $"{json.Path}: no primaryOutputs entry is the project '{sourceName}.csproj' (renamed by -n)");
    }

    [Fact]
    public void The_pack_has_an_item_template()
    {
        Assert.True(ItemTemplates().Count > 0, "no item template (tags.type item) under templates/: flympg-add is missing");
    }

    [Theory]
    [MemberData(nameof(ItemTemplates))]
    public void Item_template_adds_FlyMpg_at_the_pack_version_only_to_an_ASP_NET_Core_project_named_by_its_assembly(string template)
    {
        var json = Load(template);
        var version = System.Xml.Linq.XDocument.Load(Path.Combine(TestPaths.RepoRoot, "Directory.Build.props")).Descendants("Version").Single().Value;
        var actions = json.Root.TryGetProperty("postActions", out var p) && p.ValueKind == JsonValueKind.Array ? p.EnumerateArray().ToList() : [];
        var packages = actions
            .Where(a => string.Equals(Str(a, "actionId"), AddReferenceActionId, StringComparison.OrdinalIgnoreCase))
            .Select(a => a.GetProperty("args"))
            .ToList();

        Assert.True(packages.Count > 0, $"{json.Path}: no add-reference post-action ({AddReferenceActionId})");
        Assert.All(packages, args => Assert.True(
            Str(args, "referenceType") == "package" && Str(args, "version") == version,
            $"{json.Path}: the package reference to '{Str(args, "reference")}' must be a package at the pack's version {version}, is {Str(args, "referenceType")} {Str(args, "version")}"));
        Assert.Contains("FlyMpg", packages.Select(a => Str(a, "reference")));
        Assert.True(
            json.Root.TryGetProperty("constraints", out var constraints)
                && constraints.EnumerateObject().Any(c => Str(c.Value, "type") == "project-capability" && Str(c.Value, "args") == "AspNetCore"),
            $"{json.Path}: no project-capability constraint 'AspNetCore': the template would add Fly files to any project");
        Assert.True(
            Symbols(json).Any(s => Type(s.Symbol) == "bind" && Str(s.Symbol, "binding") == "msbuild:AssemblyName"),
            $"{json.Path}: no symbol bound to msbuild:AssemblyName: fly.toml and the Dockerfile would name the folder, not the assembly");
        Assert.True(json.String("sourceName") is null, $"{json.Path}: an item template's sourceName would rename files after -n, not after the project");
    }

    [Fact]
    public void Flympg_web_adds_with_dotnet_add_package_what_its_no_restore_project_references_and_joins_the_solution()
    {
        var json = Load("flympg-web");
        var version = System.Xml.Linq.XDocument.Load(Path.Combine(TestPaths.RepoRoot, "Directory.Build.props")).Descendants("Version").Single().Value;
        var actions = json.Root.GetProperty("postActions").EnumerateArray().ToList();
        var added = actions
            .Where(a => string.Equals(Str(a, "actionId"), AddReferenceActionId, StringComparison.OrdinalIgnoreCase))
            .Select(a => (Package: Str(a.GetProperty("args"), "reference") ?? "?", Version: Str(a.GetProperty("args"), "version") ?? "?", Condition: Str(a, "condition")))
            .ToList();
        var referenced = PackageReferencePattern().Matches(File.ReadAllText(Path.Combine(json.TemplateRoot, "Company.Service1.csproj")))
            .Select(m => (Package: m.Groups[1].Value, Version: m.Groups[2].Value))
            .ToList();

        // --no-restore (and hosts other than the CLI) keep the versioned references; otherwise dotnet add package writes them,
        // into Directory.Packages.props under central package management. Both must name the same packages and versions.
        Assert.Equal(referenced.Order(), added.Select(a => (a.Package, a.Version)).Order());
        Assert.All(added.Where(a => a.Package.StartsWith("FlyMpg", StringComparison.Ordinal)), a => Assert.Equal(version, a.Version));
        Assert.All(added, a => Assert.StartsWith("(AddPackagesWithDotNet", a.Condition, StringComparison.Ordinal));
        var solution = actions.SingleOrDefault(a => string.Equals(Str(a, "actionId"), AddToSolutionActionId, StringComparison.OrdinalIgnoreCase));
        Assert.True(solution.ValueKind == JsonValueKind.Object && Str(solution, "condition") == "(AddPackagesWithDotNet)" && Str(solution, "continueOnError") == "true",
            $"{json.Path}: no add-to-solution post-action ({AddToSolutionActionId}) run with the packages, whose failure (no solution) stops nothing");
    }

    [GeneratedRegex("<PackageReference Include=\"([^\"]+)\" Version=\"([^\"]+)\"")]
    private static partial Regex PackageReferencePattern();

    private const string AddToSolutionActionId = "D396686C-DE0E-4DE6-906D-291CD29FC5DE";

    private const string AddReferenceActionId = "B17581D1-C5C9-4489-8F0A-004BE667B814";

    private static IReadOnlyList<string> ShortNames(TemplateJson json) =>
        !json.Root.TryGetProperty("shortName", out var s) ? []
        : s.ValueKind == JsonValueKind.Array ? s.EnumerateArray().Select(e => e.GetString() ?? string.Empty).Where(n => n.Length > 0).ToList()
        : s.GetString() is { Length: > 0 } one ? [one] : [];

    private static IEnumerable<(string Name, JsonElement Symbol)> Symbols(TemplateJson json) =>
        json.Root.TryGetProperty("symbols", out var s) && s.ValueKind == JsonValueKind.Object
            ? s.EnumerateObject().Select(p => (p.Name, p.Value)).ToList()
            : [];

    private static string? Type(JsonElement symbol) => Str(symbol, "type");

    private static string? Str(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static IEnumerable<string> Globs(JsonElement element, string property) =>
        !element.TryGetProperty(property, out var value) ? []
        : value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(v => v.GetString() ?? string.Empty)
        : value.ValueKind == JsonValueKind.String ? [value.GetString()!] : [];

    private static TemplateJson Load(string template)
    {
        var root = Path.Combine(TestPaths.TemplatesRoot, template);
        var path = Path.Combine(root, ".template.config", "template.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path), JsonOptions);
        return new TemplateJson(path, root, document.RootElement.Clone());
    }

    private static JsonElement LoadHost(string template, string file)
    {
        var path = Path.Combine(TestPaths.TemplatesRoot, template, ".template.config", file);
        Assert.True(File.Exists(path), $"{path} is missing");
        using var document = JsonDocument.Parse(File.ReadAllText(path), JsonOptions);
        return document.RootElement.Clone();
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")]
    private static partial Regex DottedName();

    private sealed record TemplateJson(string Path, string TemplateRoot, JsonElement Root)
    {
        public string? String(string property) => Str(Root, property);
    }
}
