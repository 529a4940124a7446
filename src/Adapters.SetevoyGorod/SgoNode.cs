using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Connector.Abstractions.Journals;

namespace Connector.Adapters.SetevoyGorod;

/// <summary>
/// One JSON object or value of an SGO answer, read tolerantly: fields are found by any of the names the research
/// gives them (case does not matter), unknown fields are ignored, and a field the core path needs that is missing
/// gives a <see cref="JournalFailure.ContractChanged"/> naming the endpoint, the field and what was found instead.
/// </summary>
internal readonly struct SgoNode
{
    private readonly JsonElement element;
    private readonly SgoAnswer answer;

    public SgoNode(JsonElement element, SgoAnswer answer)
    {
        this.element = element;
        this.answer = answer;
    }

    public JsonValueKind Kind => element.ValueKind;

    /// <summary>The field under the first of <paramref name="names"/> present and not null; null when none is.</summary>
    public SgoNode? Field(params string[] names)
    {
        if (element.ValueKind != JsonValueKind.Object) return null;
        foreach (var name in names)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind != JsonValueKind.Null)
                {
                    return new SgoNode(property.Value, answer);
                }
            }
        }

        return null;
    }

    public SgoNode Required(params string[] names) => Field(names) ?? throw answer.Missing(names);

    public int RequiredInt(params string[] names) => Required(names).AsInt() ?? throw answer.Missing(names, "a number");

    public int? Int(params string[] names) => Field(names)?.AsInt();

    public string? String(params string[] names) => Field(names)?.AsString();

    public DateTime? Date(params string[] names) =>
        String(names) is { } text && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var date) ? date : null;

    /// <summary>The items of an array field; of the node itself when it is an array and no name is given.</summary>
    public IReadOnlyList<SgoNode> Items(params string[] names)
    {
        var list = names.Length == 0 ? this : Required(names);
        if (list.element.ValueKind != JsonValueKind.Array) throw answer.Missing(names.Length == 0 ? ["[…]"] : names, "a list");
        var items = new List<SgoNode>();
        foreach (var item in list.element.EnumerateArray()) items.Add(new SgoNode(item, answer));
        return items;
    }

    /// <summary>The items of an optional array field; null when it is absent.</summary>
    public IReadOnlyList<SgoNode>? OptionalItems(params string[] names) =>
        Field(names) is { element.ValueKind: JsonValueKind.Array } list ? list.Items() : null;

    public int? AsInt() => element.ValueKind switch
    {
        JsonValueKind.Number when element.TryGetInt32(out var n) => n,
        JsonValueKind.String when int.TryParse(element.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    public string? AsString() => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetRawText(),
        _ => null,
    };
}

/// <summary>A whole JSON answer of one endpoint, with what is needed to say what was wrong with it.</summary>
internal sealed class SgoAnswer
{
    private readonly string school;
    private readonly Uri server;

    private SgoAnswer(string endpoint, string body, string school, Uri server, JsonElement root)
    {
        Endpoint = endpoint;
        Body = body;
        this.school = school;
        this.server = server;
        Root = new SgoNode(root, this);
    }

    public string Endpoint { get; }

    public string Body { get; }

    public SgoNode Root { get; }

    public static SgoAnswer Parse(string endpoint, string body, string school, Uri server)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return new SgoAnswer(endpoint, body, school, server, document.RootElement.Clone());
        }
        catch (JsonException ex)
        {
            throw new JournalException(JournalFailure.ContractChanged,
                $"school {school}: the SGO server {server} answered {endpoint} with JSON the adapter cannot read ({ex.Message}); found: {SgoMask.Excerpt(body)}", ex);
        }
    }

    public JournalException Missing(string[] names, string? what = null) => new(JournalFailure.ContractChanged,
        $"school {school}: the SGO server {server} answered {Endpoint} without the field '{string.Join("' or '", names)}'{(what is null ? "" : $" as {what}")}; found instead: {SgoMask.Excerpt(Body)}");
}

/// <summary>
/// Masks personal data in an answer before it is shown or saved: every text value of JSON that is not a short code,
/// a date, a time or a version becomes «***» (birth dates too), long numbers (phones) become «#…#», tokens are dropped. Field names stay, so
/// whoever maintains the adapter sees the answer's shape.
/// </summary>
internal static partial class SgoMask
{
    /// <summary>The first 200 characters of the masked body.</summary>
    public static string Excerpt(string body)
    {
        var masked = Body(body);
        return masked.Length <= 200 ? masked : masked[..200] + "…";
    }

    /// <summary>The whole body, masked; JSON stays JSON.</summary>
    public static string Body(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var output = new MemoryStream();
            using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                Write(writer, document.RootElement);
            }

            return Encoding.UTF8.GetString(output.ToArray());
        }
        catch (JsonException)
        {
            return Text(body);
        }
    }

    /// <summary>Text that is not JSON (an HTML page): tags and letters kept as they are, e-mails, long numbers and capitalised words masked.</summary>
    public static string Text(string text) =>
        CapitalisedWord().Replace(LongNumber().Replace(Email().Replace(Whitespace().Replace(text, " "), "***@***"), "#…#"), "***");

    private static void Write(Utf8JsonWriter writer, JsonElement element, string? name = null)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, property.Name);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) Write(writer, item, name);
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(MaskString(element.GetString() ?? "", name));
                break;
            case JsonValueKind.Number:
                if (element.GetRawText().Length >= 10) writer.WriteStringValue("#…#");
                else element.WriteTo(writer);
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static string MaskString(string value, string? name)
    {
        if (name is not null && (name.Equals("at", StringComparison.OrdinalIgnoreCase) || name.Contains("token", StringComparison.OrdinalIgnoreCase)
            || name.Contains("salt", StringComparison.OrdinalIgnoreCase) || name.Contains("birth", StringComparison.OrdinalIgnoreCase)))
        {
            return "***";
        }

        if (value.Length <= 3 || DateOrTime().IsMatch(value) || (value.Length < 10 && value.All(char.IsAsciiDigit))) return value;
        return "***";
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T[\d:.]+)?(Z|[+-]\d{2}:\d{2})?$|^\d{1,2}:\d{2}$|^\d{1,2}\.\d{1,2}\.\d{2,4}( \d{1,2}:\d{2})?$|^\d+(\.\d+){1,3}$")]
    private static partial Regex DateOrTime();

    [GeneratedRegex(@"[\w.+-]+@[\w-]+(\.[\w-]+)+")]
    private static partial Regex Email();

    [GeneratedRegex(@"\+?\d[\d\s()-]{8,}\d")]
    private static partial Regex LongNumber();

    [GeneratedRegex(@"\b\p{Lu}[\p{Ll}-]{2,}\b")]
    private static partial Regex CapitalisedWord();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
