using Connector.Abstractions.Attendance;
using Connector.Abstractions.Journals;
using Connector.Abstractions.Schools;
using Microsoft.Extensions.Configuration;

namespace Connector.Adapters.Generic.Files;

/// <summary>Makes <see cref="FileJournalAdapter"/>s from a school's <c>Adapter</c> settings.</summary>
internal sealed class FileJournalAdapterFactory(string baseDirectory, TimeProvider timeProvider) : IJournalAdapterFactory
{
    private readonly ParsedExports parsed = new(ParsedExports.DefaultCapacity);

    public string Kind => "files";

    public IReadOnlyList<string> Validate(IConfigurationSection adapterSection)
    {
        var problems = new List<string>();
        var options = Bind(adapterSection);
        var folderSetting = $"{adapterSection.Path}:{nameof(FileJournalOptions.Folder)}";
        if (string.IsNullOrWhiteSpace(options.Folder))
        {
            problems.Add($"{folderSetting}: не задана; укажите папку, в которую журнал школы выгружает файлы CSV");
        }
        // A folder or file that is missing is the journal being unreachable, not a wrong setting: the poll of this
        // school reports it and the other schools go on; `check` lists it.

        foreach (var (code, name) in options.Codes)
        {
            if (CanonicalMarks.Problem(name) is { } problem) problems.Add($"{adapterSection.Path}:Codes:{code}: {problem}");
        }

        return problems;
    }

    public IJournalAdapter Create(SchoolRef school, IConfigurationSection adapterSection)
    {
        var options = Bind(adapterSection);
        var timeZone = TimeZoneInfo.FindSystemTimeZoneById(school.TimeZone);
        var reader = new FolderExportReader(timeZone, AttendanceCodes.Build(options.Codes));
        return new FileJournalAdapter(Resolve(options.Folder), $"{adapterSection.Path}:{nameof(FileJournalOptions.Folder)}", reader, parsed, timeProvider);
    }

    private static FileJournalOptions Bind(IConfigurationSection section)
    {
        var options = new FileJournalOptions();
        section.Bind(options);
        return options;
    }

    private string Resolve(string folder) => Path.GetFullPath(folder, baseDirectory);
}
