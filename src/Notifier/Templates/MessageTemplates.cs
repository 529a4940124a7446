using System.Globalization;
using HandlebarsDotNet;

namespace Connector.Notifier.Templates;

/// <summary>
/// The editable message templates in <c>config/templates/</c> (Handlebars, plain text). A template may start with a
/// line "Subject: …"; the rest, after one blank line, is the body. A changed file is read again without a restart.
/// </summary>
public sealed class MessageTemplates
{
    private const string SubjectPrefix = "Subject:";
    private readonly string directory;
    private readonly IHandlebars handlebars;
    private readonly IHandlebars html;
    private readonly Lock sync = new();
    private readonly Dictionary<string, (DateTime Stamp, HandlebarsTemplate<object, object> Subject, HandlebarsTemplate<object, object> Body, bool HasSubject)> cache = [];

    /// <summary>Creates the set over the folder <paramref name="directory"/>.</summary>
    public MessageTemplates(string directory)
    {
        this.directory = directory;
        // Text templates (e-mail text, SMS) print values as they are; an HTML template ({name}.html.hbs) escapes them.
        handlebars = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });
        html = Handlebars.Create(new HandlebarsConfiguration());
        foreach (var engine in new[] { handlebars, html })
        {
            engine.RegisterHelper("plural", (output, _, arguments) =>
            {
                var count = Convert.ToInt64(arguments[0], CultureInfo.InvariantCulture);
                output.WriteSafeString(RussianText.Plural(count, $"{arguments[1]}", $"{arguments[2]}", $"{arguments[3]}"));
            });
        }
    }

    /// <summary>The folder the templates are read from.</summary>
    public string Directory => directory;

    /// <summary>Renders the template <paramref name="name"/> (file <c>{name}.hbs</c>) with <paramref name="model"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such template file.</exception>
    /// <exception cref="InvalidOperationException">The template does not compile; the message names the file.</exception>
    public RenderedMessage Render(string name, object model)
    {
        var compiled = Load(name);
        var body = Normalize(compiled.Body(model));
        return new RenderedMessage(compiled.HasSubject ? compiled.Subject(model).Trim() : null, body);
    }

    /// <summary>Checks that each named template exists and compiles; returns one line per problem.</summary>
    public IReadOnlyList<string> Validate(IEnumerable<string> names)
    {
        var problems = new List<string>();
        foreach (var name in names)
        {
            try
            {
                Load(name);
            }
            catch (Exception ex) when (ex is FileNotFoundException or InvalidOperationException)
            {
                problems.Add(ex.Message);
            }
        }

        return problems;
    }

    private (DateTime Stamp, HandlebarsTemplate<object, object> Subject, HandlebarsTemplate<object, object> Body, bool HasSubject) Load(string name)
    {
        var path = Path.Combine(directory, name + ".hbs");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"шаблона {path} нет", path);
        }

        var stamp = File.GetLastWriteTimeUtc(path);
        lock (sync)
        {
            if (cache.TryGetValue(name, out var cached) && cached.Stamp == stamp) return cached;

            var text = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
            var subject = "";
            var hasSubject = text.StartsWith(SubjectPrefix, StringComparison.OrdinalIgnoreCase);
            if (hasSubject)
            {
                var end = text.IndexOf('\n', StringComparison.Ordinal);
                subject = end < 0 ? text[SubjectPrefix.Length..] : text[SubjectPrefix.Length..end];
                text = end < 0 ? "" : text[(end + 1)..].TrimStart('\n');
            }

            try
            {
                var engine = name.EndsWith(".html", StringComparison.Ordinal) ? html : handlebars;
                var entry = (stamp, engine.Compile(subject), engine.Compile(text), hasSubject);
                cache[name] = entry;
                return entry;
            }
            catch (HandlebarsException ex)
            {
                throw new InvalidOperationException($"шаблон {path} не компилируется (Handlebars: {ex.Message})", ex);
            }
        }
    }

    /// <summary>Template logic leaves runs of blank lines; a message has at most one blank line in a row and none at its ends (an SMS pays for every character).</summary>
    private static string Normalize(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()).ToList();
        var result = new List<string>();
        foreach (var line in lines)
        {
            if (line.Length == 0 && (result.Count == 0 || result[^1].Length == 0)) continue;
            result.Add(line);
        }

        return string.Join('\n', result).Trim();
    }
}
