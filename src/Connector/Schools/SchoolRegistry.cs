using System.Globalization;
using Connector.Abstractions.Journals;
using Connector.Calendar;
using Connector.Abstractions.Schools;
using Connector.Configuration;
using Microsoft.Extensions.Options;

namespace Connector.Schools;

/// <summary>
/// The configured schools, each with its adapter, built once from validated options. Disposing it closes the adapters
/// that hold remote sessions (an SGO account logs out).
/// </summary>
internal sealed class SchoolRegistry : IAsyncDisposable, IDisposable
{
    private readonly Lazy<IReadOnlyDictionary<string, SchoolContext>> schools;

    public SchoolRegistry(
        IOptions<ConnectorOptions> options, IEnumerable<IJournalAdapterFactory> factories, ProductionCalendar production, SettingsReport report,
        Microsoft.Extensions.Logging.ILogger<SchoolRegistry> logger)
    {
        var byKind = factories.ToDictionary(f => f.Kind, StringComparer.OrdinalIgnoreCase);
        schools = new Lazy<IReadOnlyDictionary<string, SchoolContext>>(() =>
        {
            // A school whose own settings are wrong is left out, loudly; every other school runs.
            var disabled = report.Disabled.Select(d => d.Index).ToHashSet();
            foreach (var school in report.Disabled)
            {
                Log.SchoolDisabled(logger, school.Id, string.Join("; ", school.Problems));
            }

            return options.Value.Schools
                .Where((_, i) => !disabled.Contains(i))
                .ToDictionary(s => s.Id, s => Build(s, byKind, production), StringComparer.Ordinal);
        });
        Disabled = report.Disabled.ToList();
    }

    /// <summary>The schools that do not run because their own settings are wrong, with why.</summary>
    public IReadOnlyList<SchoolProblems> Disabled { get; }

    public IReadOnlyCollection<SchoolContext> All => schools.Value.Values.ToList();

    public SchoolContext Get(string id) =>
        schools.Value.TryGetValue(id, out var school) ? school : throw new KeyNotFoundException($"no school with id '{id}' is configured");

    public bool TryGet(string id, out SchoolContext? school) => schools.Value.TryGetValue(id, out school);

    public async ValueTask DisposeAsync()
    {
        if (!schools.IsValueCreated) return;
        foreach (var school in schools.Value.Values)
        {
            if (school.Adapter is IAsyncDisposable adapter) await adapter.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static SchoolContext Build(SchoolOptions options, IReadOnlyDictionary<string, IJournalAdapterFactory> factories, ProductionCalendar production)
    {
        var kind = options.Adapter!["Kind"]!;
        var school = new SchoolRef(options.Id, options.Name, options.TimeZone, options.Profile, kind);
        var holidays = options.Holidays.Select(h => SchoolCalendar.ParseRange(h)!.Value).ToList();
        var staff = options.Staff
            .Select(s => new StaffMember(s.Id, s.Name, s.Email, s.Roles.Select(r => Enum.Parse<StaffRole>(r, ignoreCase: true)).ToList(), s.Classes, s.Digest))
            .ToList();
        return new SchoolContext(
            school,
            options,
            TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone),
            new SchoolCalendar(production, options.DaysPerWeek, holidays, options.ExtraSchoolDays.Select(d => SchoolCalendar.ParseRange(d)!.Value.From).ToHashSet()),
            TimeOnly.ParseExact(options.SchoolHoursStart, "HH:mm", CultureInfo.InvariantCulture),
            TimeOnly.ParseExact(options.SchoolHoursEnd, "HH:mm", CultureInfo.InvariantCulture),
            (TimeOnly.ParseExact(options.QuietHoursStart, "HH:mm", CultureInfo.InvariantCulture), TimeOnly.ParseExact(options.QuietHoursEnd, "HH:mm", CultureInfo.InvariantCulture)),
            staff,
            factories[kind].Create(school, options.Adapter));
    }
}
