using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EasySpace.Tests.Harness;

/// <summary>One line the app logged, after the app's own level filters.</summary>
public sealed record LoggedLine(string Category, LogLevel Level, string Message);

/// <summary>A logging provider that keeps every line the app writes, for tests about what reaches the log.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LoggedLine> lines = new();

    public IReadOnlyList<LoggedLine> Lines => lines.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<LoggedLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(new LoggedLine(category, logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception)));
    }
}
