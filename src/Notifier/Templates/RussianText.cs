using System.Globalization;

namespace Connector.Notifier.Templates;

/// <summary>Russian wording the messages need: dates, weekdays, plurals, and the parts of a full name.</summary>
public static class RussianText
{
    private static readonly CultureInfo Russian = CultureInfo.GetCultureInfo("ru-RU");

    private static readonly string[] MonthsGenitive =
        ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];

    /// <summary>"23 ноября 2026 г."</summary>
    public static string Date(DateOnly date) =>
        string.Create(Russian, $"{date.Day} {MonthsGenitive[date.Month - 1]} {date.Year} г.");

    /// <summary>"понедельник"</summary>
    public static string Weekday(DateOnly date) => Russian.DateTimeFormat.GetDayName(date.DayOfWeek);

    /// <summary>
    /// «В понедельник», «Во вторник», «В среду»: the start of a sentence about a day of the week (the accusative after
    /// «в», and «во» before «вторник»), from the day's name as <see cref="Weekday"/> gives it.
    /// </summary>
    public static string OnWeekday(string weekday) => (weekday == "вторник" ? "Во " : "В ") + WeekdayAccusative(weekday);

    /// <summary>«понедельник», «среду», «пятницу»: the day's name after «в» or «на» (the accusative).</summary>
    public static string WeekdayAccusative(string weekday) => weekday switch
    {
        "среда" => "среду",
        "пятница" => "пятницу",
        "суббота" => "субботу",
        _ => weekday,
    };

    /// <summary>Chooses the form for <paramref name="count"/>: 1 урок, 2 урока, 5 уроков, 21 урок.</summary>
    public static string Plural(long count, string one, string few, string many)
    {
        var n = Math.Abs(count) % 100;
        if (n is >= 11 and <= 14) return many;
        return (n % 10) switch
        {
            1 => one,
            2 or 3 or 4 => few,
            _ => many,
        };
    }

    /// <summary>"Иван Петров" from "Петров Иван Сергеевич": how a school writes to a parent about their child.</summary>
    public static string FirstAndLastName(string fullName)
    {
        var parts = Split(fullName);
        return parts.Length >= 2 ? $"{parts[1]} {parts[0]}" : fullName;
    }

    /// <summary>"Мария Ивановна" from "Петрова Мария Ивановна"; the full name when there is no patronymic.</summary>
    public static string Greeting(string fullName)
    {
        var parts = Split(fullName);
        return parts.Length >= 3 ? $"{parts[1]} {parts[2]}" : fullName;
    }

    /// <summary>"Ученица" or "Ученик" from the patronymic's ending; "Ученик (ученица)" when it cannot tell.</summary>
    public static string PupilNoun(string fullName)
    {
        var parts = Split(fullName);
        if (parts.Length >= 3)
        {
            var patronymic = parts[2].ToLowerInvariant();
            if (patronymic.EndsWith("вна", StringComparison.Ordinal) || patronymic.EndsWith("чна", StringComparison.Ordinal) || patronymic.EndsWith("кызы", StringComparison.Ordinal)) return "Ученица";
            if (patronymic.EndsWith("ич", StringComparison.Ordinal) || patronymic.EndsWith("оглы", StringComparison.Ordinal)) return "Ученик";
        }

        return "Ученик (ученица)";
    }

    private static string[] Split(string fullName) => fullName.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
