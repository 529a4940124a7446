using System.Net;
using System.Text;
using Connector.Notifier.Templates;

namespace Connector.Digest;

/// <summary>
/// The digest as e-mail: HTML that real mail clients show (tables, inline styles, no scripts, no images; the
/// chart is drawn with table cells) and the same content as plain text.
/// </summary>
internal static class DigestRenderer
{
    private const string Cell = "padding:4px 8px;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top";
    private const string Head = "padding:4px 8px;border-bottom:2px solid #999;text-align:left;background:#f4f4f4";

    public static string Subject(DigestModel model) =>
        $"Посещаемость: сводка на {RussianText.Date(model.Date)} ({model.Scope})";

    public static string Text(DigestModel model)
    {
        var text = new StringBuilder();
        text.AppendLine($"Здравствуйте, {RussianText.Greeting(model.StaffName)}!");
        text.AppendLine($"Сводка посещаемости на {RussianText.Weekday(model.Date)}, {RussianText.Date(model.Date)}; {model.Scope}.");
        text.AppendLine();
        if (model.IsEmpty)
        {
            text.AppendLine("Всё в порядке: новых пропусков без причины, недоступных родителей и сроков на сегодня нет.");
            return text.ToString().TrimEnd();
        }

        foreach (var (title, rows) in Sections(model))
        {
            text.AppendLine(title);
            foreach (var row in rows) text.AppendLine("  • " + string.Join(" — ", row.Where(c => c.Length > 0)));
            text.AppendLine();
        }

        return text.ToString().TrimEnd();
    }

    public static string Html(DigestModel model)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"ru\"><head><meta charset=\"utf-8\"><title>").Append(E(Subject(model))).Append("</title></head>");
        html.Append("<body style=\"font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222;max-width:760px\">");
        html.Append("<p>Здравствуйте, ").Append(E(RussianText.Greeting(model.StaffName))).Append("!</p>");
        html.Append("<p>Сводка посещаемости на ").Append(E($"{RussianText.Weekday(model.Date)}, {RussianText.Date(model.Date)}")).Append("; ").Append(E(model.Scope)).Append(".</p>");
        if (model.IsEmpty)
        {
            html.Append("<p data-section=\"ok\"><b>Всё в порядке:</b> новых пропусков без причины, недоступных родителей и сроков на сегодня нет.</p>");
        }

        foreach (var (title, rows, id, headers) in SectionsWithHeaders(model))
        {
            html.Append("<h3 style=\"font-size:15px;margin:18px 0 6px\">").Append(E(title)).Append("</h3>");
            html.Append("<table data-section=\"").Append(id).Append("\" cellspacing=\"0\" style=\"border-collapse:collapse;width:100%\"><tr>");
            foreach (var header in headers) html.Append("<th style=\"").Append(Head).Append("\">").Append(E(header)).Append("</th>");
            html.Append("</tr>");
            foreach (var row in rows)
            {
                html.Append("<tr>");
                foreach (var cell in row) html.Append("<td style=\"").Append(Cell).Append("\">").Append(E(cell)).Append("</td>");
                html.Append("</tr>");
            }

            html.Append("</table>");
        }

        AppendChart(html, model);
        html.Append("<p style=\"color:#777;font-size:12px;margin-top:24px\">").Append(E(model.SchoolName))
            .Append(". Сводка составлена автоматически по данным электронного журнала.</p></body></html>");
        return html.ToString();
    }

    /// <summary>Lessons missed without a valid reason in the last four weeks, per class: a bar chart of table cells, readable without images.</summary>
    private static void AppendChart(StringBuilder html, DigestModel model)
    {
        if (model.MissedByClass.Count == 0) return;
        var max = model.MissedByClass.Max(c => c.Lessons);
        html.Append("<h3 style=\"font-size:15px;margin:18px 0 6px\">Уроки, пропущенные без уважительной причины за четыре недели, по классам</h3>");
        html.Append("<table data-section=\"chart\" cellspacing=\"0\" style=\"border-collapse:collapse;width:100%\">");
        foreach (var (className, lessons) in model.MissedByClass)
        {
            var width = Math.Max(1, (int)Math.Round(100.0 * lessons / Math.Max(1, max)));
            html.Append("<tr><td style=\"padding:2px 8px;width:48px\">").Append(E(className)).Append("</td><td style=\"padding:2px 0\">")
                .Append("<table cellspacing=\"0\" style=\"border-collapse:collapse;width:").Append(width).Append("%\"><tr><td style=\"background:#c0504d;height:14px;font-size:1px\">&nbsp;</td></tr></table>")
                .Append("</td><td style=\"padding:2px 8px;width:40px;text-align:right\">").Append(lessons).Append("</td></tr>");
        }

        html.Append("</table>");
    }

    private static IEnumerable<(string Title, IEnumerable<string[]> Rows)> Sections(DigestModel model) =>
        SectionsWithHeaders(model).Select(s => (s.Title, (IEnumerable<string[]>)s.Rows));

    private static IEnumerable<(string Title, IReadOnlyList<string[]> Rows, string Id, string[] Headers)> SectionsWithHeaders(DigestModel model)
    {
        if (model.Alerts.Count > 0) yield return ("Требует внимания", model.Alerts.Select(a => new[] { a }).ToList(), "alerts", ["Что случилось"]);
        if (model.Steps.Count > 0)
        {
            yield return ("Шаги по случаям: срок сегодня или просрочен",
                model.Steps.Select(s => new[] { $"№ {s.CaseId}", s.Pupil, s.ClassName, s.Step, s.Owner, $"{s.Due:dd.MM.yyyy}{(s.Overdue ? " (просрочено)" : " (сегодня)")}" }).ToList(),
                "steps", ["Случай", "Ученик", "Класс", "Шаг", "Ответственный", "Срок"]);
        }

        if (model.Unreachable.Count > 0)
        {
            yield return ("Родители, до которых не удалось достучаться (нужен звонок)",
                model.Unreachable.Select(u => new[] { u.Pupil, u.ClassName, u.Guardian, u.Tried }).ToList(), "unreachable", ["Ученик", "Класс", "Представитель", "Что пробовали"]);
        }

        if (model.Absences.Count > 0 && model.PreviousSchoolDay is { } previous)
        {
            yield return ($"Пропуски без причины за {RussianText.Date(previous)}",
                model.Absences.Select(a => new[] { a.Pupil, a.ClassName, $"{a.Lessons} {RussianText.Plural(a.Lessons, "урок", "урока", "уроков")}", a.Now }).ToList(),
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

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
