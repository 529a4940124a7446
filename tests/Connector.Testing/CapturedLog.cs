using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Connector.Testing;

/// <summary>Keeps every log line written at Information or above, to assert what an IT person would read.</summary>
public sealed class CapturedLog : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> lines = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Lines => lines.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(lines);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(LogLevel, string)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) lines.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
