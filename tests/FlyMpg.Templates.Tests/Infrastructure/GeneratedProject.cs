namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>The output of one <c>dotnet new</c>.</summary>
public sealed class GeneratedProject
{
    internal GeneratedProject(string template, IReadOnlyList<string> args, string directory, ProcessResult result)
    {
        Template = template;
        Args = args;
        Directory = directory;
        Result = result;
    }

    public string Template { get; }

    public IReadOnlyList<string> Args { get; }

    /// <summary>The <c>-o</c> folder, inside the sandbox.</summary>
    public string Directory { get; }

    /// <summary>The <c>dotnet new</c> run: exit code, stdout, stderr, command line.</summary>
    public ProcessResult Result { get; }

    /// <summary>Path of a generated file; fails with context if it does not exist.</summary>
    public string File(string relativePath)
    {
        var path = Path.Combine(Directory, relativePath);
        return System.IO.File.Exists(path)
            ? path
            : throw Result.Failure($"The template did not generate '{relativePath}' in '{Directory}'. Generated: {string.Join(", ", Files())}");
    }

    /// <summary>Every generated file, relative, '/'-separated, ordinal order.</summary>
    public IReadOnlyList<string> Files() =>
        System.IO.Directory.EnumerateFiles(Directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(f => Path.GetRelativePath(Directory, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    internal GeneratedProject EnsureSuccess()
    {
        Result.EnsureSuccess();
        return this;
    }
}
