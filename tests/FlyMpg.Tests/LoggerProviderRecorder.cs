using System.Collections.Concurrent;

namespace FlyMpg.Tests;

/// <summary>A logger provider that keeps every entry any of its loggers writes, with its category and level.</summary>
internal sealed class LoggerProviderRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, EventId EventId, Exception? Exception)> _entries = new();

    public IReadOnlyCollection<(string Category, LogLevel Level, EventId EventId, Exception? Exception)> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new CategoryLogger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class CategoryLogger(string category, ConcurrentQueue<(string, LogLevel, EventId, Exception?)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((category, logLevel, eventId, exception));
    }
}
