namespace FlyMpg;

/// <summary>
/// The logger factory of the web contexts: EF Core's own, but for the breaker's refusals. EF Core logs every exception
/// thrown while it runs a query or saves changes as an error with its stack (<c>Microsoft.EntityFrameworkCore.Query</c>
/// 10100, <c>Update</c> 10000); while the breaker is open that would be one error per refused request. The breaker logged
/// the outage once when it opened, so EF Core's lines about a <see cref="DatabaseUnavailableException"/> go to Debug;
/// every other line passes as EF Core wrote it.
/// </summary>
internal sealed class BreakerRefusalLoggerFactory(ILoggerFactory loggerFactory) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new RefusalLogger(loggerFactory.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => loggerFactory.AddProvider(provider);

    // The application's factory: its host disposes it.
    public void Dispose()
    {
    }

    private sealed class RefusalLogger(ILogger logger) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logger.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logger.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel > LogLevel.Debug && exception is not null && DatabaseFailure.Find<DatabaseUnavailableException>(exception) is not null)
            {
                logLevel = LogLevel.Debug;
                if (!logger.IsEnabled(logLevel))
                {
                    return;
                }
            }

            logger.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
