using System.Text.Json;
using Connector.Schools;

namespace Connector.Calendar;

/// <summary>
/// The Russian production calendar (config/calendars/ru-YYYY.json): public holidays, the days off the government
/// moves, and the weekend days it makes working days. Outside the years it covers, only weekends are days off.
/// </summary>
public sealed class ProductionCalendar
{
    private readonly HashSet<DateOnly> daysOff = [];
    private readonly HashSet<DateOnly> workingWeekendDays = [];
    private readonly HashSet<int> years = [];

    public IReadOnlyCollection<int> Years => years;

    /// <summary>Reads every ru-*.json in <paramref name="folder"/>.</summary>
    /// <exception cref="InvalidDataException">A file is malformed; the message names the file and the field.</exception>
    public static ProductionCalendar Load(string folder)
    {
        var calendar = new ProductionCalendar();
        if (!Directory.Exists(folder)) return calendar;
        foreach (var file in Directory.GetFiles(folder, "ru-*.json").Order())
        {
            CalendarFile? data;
            try
            {
                data = JsonSerializer.Deserialize<CalendarFile>(File.ReadAllText(file));
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{file}: {Configuration.JsonProblem.Describe(ex)}", ex);
            }

            if (data is null || data.Year is < 2000 or > 2100) throw new InvalidDataException($"{file}: Year не задан или это не год");
            calendar.years.Add(data.Year);
            calendar.Add(file, "Holidays", data.Holidays, calendar.daysOff);
            calendar.Add(file, "TransferredDaysOff", data.TransferredDaysOff, calendar.daysOff);
            calendar.Add(file, "WorkingWeekendDays", data.WorkingWeekendDays, calendar.workingWeekendDays);
        }

        return calendar;
    }

    /// <summary>True for Monday–Friday that are not holidays or transferred days off, and for weekend days made working.</summary>
    public bool IsWorkingDay(DateOnly date) =>
        workingWeekendDays.Contains(date) || (date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !daysOff.Contains(date));

    /// <summary>True for a public holiday or a transferred day off (not an ordinary weekend).</summary>
    public bool IsHolidayOrDayOff(DateOnly date) => daysOff.Contains(date);

    /// <summary>True for a Saturday or Sunday the government made a working day.</summary>
    public bool IsWorkingWeekendDay(DateOnly date) => workingWeekendDays.Contains(date);

    private void Add(string file, string field, List<string>? entries, HashSet<DateOnly> into)
    {
        foreach (var entry in entries ?? [])
        {
            if (SchoolCalendar.ParseRange(entry) is not { } range) throw new InvalidDataException($"{file}: {field}: «{entry}» — ни дата ГГГГ-ММ-ДД, ни период ГГГГ-ММ-ДД..ГГГГ-ММ-ДД");
            for (var d = range.From; d <= range.To; d = d.AddDays(1)) into.Add(d);
        }
    }

    private sealed class CalendarFile
    {
        public int Year { get; set; }

        public List<string>? Holidays { get; set; }

        public List<string>? TransferredDaysOff { get; set; }

        public List<string>? WorkingWeekendDays { get; set; }
    }
}
