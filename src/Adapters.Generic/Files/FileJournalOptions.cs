namespace Connector.Adapters.Generic.Files;

/// <summary>Settings of a school whose journal is a folder of CSV exports (<c>Adapter:Kind = "files"</c>).</summary>
public sealed class FileJournalOptions
{
    /// <summary>The folder holding pupils.csv, guardians.csv, lessons.csv and attendance.csv; relative paths start at the installation folder.</summary>
    public string Folder { get; set; } = "";

    /// <summary>Extra or overriding attendance codes: the journal's code → a canonical mark (see <see cref="AttendanceCodes"/>).</summary>
    public Dictionary<string, string> Codes { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
