using Connector.Notifier.Templates;

namespace Connector.Digest;

/// <summary>
/// The digest as e-mail, from the Handlebars templates <c>config/templates/digest.email.hbs</c> (subject and plain
/// text) and <c>digest.html.hbs</c> (HTML that real mail clients show: tables, inline styles, no scripts, no images;
/// the chart is drawn with table cells). Both get the same view, so they say the same; the HTML escapes every value.
/// </summary>
internal sealed class DigestRenderer(MessageTemplates templates)
{
    public const string TextTemplate = "digest.email";
    public const string HtmlTemplate = "digest.html";

    public (string Subject, string Text, string Html) Render(DigestModel model)
    {
        var view = View(model);
        var text = templates.Render(TextTemplate, view);
        var html = templates.Render(HtmlTemplate, view);
        return (text.Subject ?? "", text.Body, html.Body);
    }

    public string Html(DigestModel model) => Render(model).Html;

    internal static DigestView View(DigestModel model)
    {
        var max = model.MissedByClass.Count == 0 ? 1 : Math.Max(1, model.MissedByClass.Max(c => c.Lessons));
        return new DigestView(
            model.SchoolName, RussianText.Greeting(model.StaffName), RussianText.WeekdayAccusative(RussianText.Weekday(model.Date)), RussianText.Date(model.Date), model.Scope, model.IsEmpty,
            [.. SectionsWithHeaders(model).Select(s => new DigestSection(s.Title, s.Id, s.Headers,
                [.. s.Rows.Select(r => new DigestRow(r, string.Join(" — ", r.Where(c => c.Length > 0))))]))],
            [.. model.MissedByClass.Select(c => new DigestBar(c.ClassName, Math.Max(1, (int)Math.Round(100.0 * c.Lessons / max)), c.Lessons))]);
    }

    private static IEnumerable<(string Title, IReadOnlyList<string[]> Rows, string Id, string[] Headers)> SectionsWithHeaders(DigestModel model)
    {
        if (model.Alerts.Count > 0) yield return ("Требует внимания", model.Alerts.Select(a => new[] { a }).ToList(), "alerts", ["Что случилось"]);
        if (model.Steps.Count > 0)
        {
            yield return ("Шаги по случаям: срок сегодня или просрочен",
                model.Steps.Select(s => new[] { $"№ {s.CaseId}", s.Pupil, s.ClassName, s.Step, s.Owner, $"{s.Due:dd.MM.yyyy}{(s.Overdue ? " (просрочено)" : " (сегодня)")}" }).ToList(),
                "steps", ["Случай", "Ученик", "Класс", "Шаг", "Ответственный", "Срок"]);
        }

        if (model.Closable.Count > 0)
        {
            yield return ("Случаи, которые можно закрыть (connector case close): после записанных причин уровень больше не достигается",
                model.Closable.Select(c => new[]
                {
                    $"№ {c.CaseId}", c.Pupil, c.ClassName, c.Level, string.Create(System.Globalization.CultureInfo.GetCultureInfo("ru-RU"), $"доля снизилась до {c.ShareNow:0.#} %"),
                }).ToList(),
                "closable", ["Случай", "Ученик", "Класс", "Уровень", "Сейчас"]);
        }

        if (model.Transfers.Count > 0)
        {
            yield return ("Зачисленные в течение года: если в порядке перевода — письменно сообщить исходной школе номер и дату приказа о зачислении",
                model.Transfers.Select(t => new[] { t.Pupil, t.ClassName, $"{t.EnrolledOn:dd.MM.yyyy}", $"{t.Due:dd.MM.yyyy}{(t.Due == model.Date ? " (сегодня)" : "")}", t.Source }).ToList(),
                "transfers", ["Ученик", "Класс", "Зачислен", "Срок", "Основание"]);
        }

        if (model.Unreachable.Count > 0)
        {
            yield return ("Родители, до которых не удалось достучаться (нужен звонок)",
                model.Unreachable.Select(u => new[] { u.Pupil, u.ClassName, u.Guardian, u.Tried }).ToList(), "unreachable", ["Ученик", "Класс", "Представитель", "Что пробовали"]);
        }

        if (model.Absences.Count > 0 && model.PreviousSchoolDay is { } previous)
        {
            yield return ($"Пропуски без уважительной причины за {RussianText.Date(previous)}",
                model.Absences.Select(a => new[] { a.Pupil, a.ClassName, a.Lessons == 0 ? "" : $"{a.Lessons} {RussianText.Plural(a.Lessons, "урок", "урока", "уроков")}", a.Now }).ToList(),
                "absences", ["Ученик", "Класс", "Пропущено", "Сейчас"]);
        }

        if (model.Breaches.Count > 0)
        {
            yield return ("Пороги пропусков со времени прошлой сводки", model.Breaches.Select(b => new[] { b.Pupil, b.ClassName, b.Level, b.Detail }).ToList(), "breaches", ["Ученик", "Класс", "Уровень", "Подробно"]);
        }

        if (model.ReportsDue.Count > 0)
        {
            yield return ("Отчёты: сроки в ближайшие рабочие дни",
                model.ReportsDue.Select(r => new[] { r.Report, $"{r.Due:dd.MM.yyyy}" }).ToList(), "reports", ["Отчёт", "Срок"]);
        }

        if (model.ClassesWithoutAttendance.Count > 0 && model.PreviousSchoolDay is { } day)
        {
            yield return ($"Классы, где посещаемость за {RussianText.Date(day)} не отмечена",
                model.ClassesWithoutAttendance.Select(c => new[] { c }).ToList(), "not-entered", ["Класс"]);
        }
    }
}

/// <summary>What the digest templates see.</summary>
internal sealed record DigestView(
    string SchoolName, string Greeting, string Weekday, string Date, string Scope, bool IsEmpty,
    IReadOnlyList<DigestSection> Sections, IReadOnlyList<DigestBar> Chart);

/// <summary>One section of the digest: a title, the column names, and its rows (as cells, and as one line for the text).</summary>
internal sealed record DigestSection(string Title, string Id, IReadOnlyList<string> Headers, IReadOnlyList<DigestRow> Rows);

internal sealed record DigestRow(IReadOnlyList<string> Cells, string Line);

/// <summary>One class's bar of the chart: lessons missed without a valid reason in four weeks, and the bar's width in per cent.</summary>
internal sealed record DigestBar(string ClassName, int Width, int Lessons);
