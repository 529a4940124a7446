using System.Text.Json;

namespace Connector.Configuration;

/// <summary>A JSON file that does not read, said in Russian with where it breaks (the parser's own words are English).</summary>
internal static class JsonProblem
{
    public static string Describe(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is JsonException { LineNumber: { } line } json)
            {
                var where = $"строка {line + 1}, позиция {(json.BytePositionInLine ?? 0) + 1}";
                return json.Path is { Length: > 1 } path
                    ? $"значение {path.TrimStart('$', '.')} не подходит по типу ({where})"
                    : $"файл не читается как JSON: {where}; проверьте кавычки, запятые и скобки";
            }
        }

        return "файл не читается как JSON; проверьте кавычки, запятые и скобки";
    }
}
