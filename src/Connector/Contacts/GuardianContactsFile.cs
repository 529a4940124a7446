using System.Data.Common;
using System.Collections.Concurrent;
using Connector.Abstractions.Schools;
using Connector.Adapters.Generic.Contacts;
using Connector.Configuration;
using Connector.Schools;
using Connector.Store;

namespace Connector.Contacts;

/// <summary>
/// A school's contacts file, as the poller uses it: whether it changed since it was last merged (then the roster is
/// read again, so a fixed file counts at the next poll), and the merge itself. A file that cannot be read at all
/// (missing, no usable header) merges nothing and says why: the roster is then not saved, so the contacts the store
/// holds from the last good file stay.
/// </summary>
internal sealed class GuardianContactsFile(ConnectorPaths paths)
{
    /// <summary>The source recorded for consents taken from the file; a consent recorded otherwise (<c>connector consent</c>) is never overwritten by it.</summary>
    public const string ConsentSource = "файл контактов";

    private readonly ConcurrentDictionary<string, DateTime> merged = new(StringComparer.Ordinal);

    public string? PathOf(SchoolContext school) =>
        school.Options.Contacts.File is { Length: > 0 } file ? paths.Resolve(file) : null;

    /// <summary>Whether the school's file changed since it was last merged by this process (or never was).</summary>
    public bool Changed(SchoolContext school) =>
        PathOf(school) is { } path && (!merged.TryGetValue(school.Id, out var seen) || seen != LastWrite(path));

    /// <summary>The roster with the file merged in; null with the reason when the file cannot be read at all.</summary>
    public (MergedRoster? Roster, SourceProblem? Unreadable) Merge(SchoolContext school, Roster roster)
    {
        if (PathOf(school) is not { } path) return (new MergedRoster(roster, []), null);
        var name = System.IO.Path.GetFileName(path);
        var written = LastWrite(path);
        // Remembered whether or not it reads: a file that cannot be read is tried again when it changes, not at every poll.
        merged[school.Id] = written;
        ContactsFileRead read;
        try
        {
            if (!File.Exists(path)) throw new InvalidDataException($"{name}: файла контактов нет (школа {school.Id}, Contacts:File = '{school.Options.Contacts.File}'; искали {path})");
            read = ContactsFile.Read(path);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return (null, new SourceProblem(SourceProblemKind.Structure, name, null, null, ex.Message + "; остаются контакты из последнего прочитанного файла"));
        }

        return (ContactsMerger.Merge(roster, read, school.Options.Contacts.Prefer), null);
    }

    /// <summary>Records the file's consents and refusals, for every channel, unless a consent was recorded otherwise.</summary>
    public static async Task SaveConsentsAsync(DbConnection db, DbTransaction tx, string schoolId, IReadOnlyList<FileConsent> consents, DateTimeOffset now)
    {
        foreach (var consent in consents)
        {
            foreach (var channel in new[] { ChannelKind.Email, ChannelKind.Sms })
            {
                await GuardianStore.RecordConsentAsync(db, tx, schoolId, consent.GuardianId, channel, !consent.Consent, ConsentSource, now, onlyOverSameSource: true).ConfigureAwait(false);
            }
        }
    }

    private static DateTime LastWrite(string path) => File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
}
