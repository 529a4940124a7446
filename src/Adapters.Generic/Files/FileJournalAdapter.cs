using System.Globalization;
using System.Text;
using Connector.Abstractions.Attendance;
using Connector.Abstractions.Journals;
using Connector.Abstractions.Schools;

namespace Connector.Adapters.Generic.Files;

/// <summary>
/// A journal kept as a folder of CSV exports (format in docs/file-journal.md). Rows stamped with a
/// recorded_at or taken_at later than now are not yet visible, so a folder can also hold a day as it happened.
/// Flags are appended to flags.csv in the same folder.
/// </summary>
internal sealed class FileJournalAdapter(
    string folder,
    string folderSetting,
    FolderExportReader reader,
    ParsedExports parsed,
    TimeProvider timeProvider) : IJournalAdapter
{
    public const string FlagsFile = "flags.csv";

    private readonly SemaphoreSlim gate = new(1, 1);

    // The files' stamp when this journal was last read, and the row stamps that lay in the future then, in order: a row
    // becomes visible when its recorded_at or taken_at passes, so what a read returns changes with them too.
    private string? readStamp;
    private DateTimeOffset[] laterRows = [];

    public JournalCapabilities Capabilities { get; } = new(CanWriteFlags: true, HasGuardianContacts: true, RosterReadIsCheap: true, FarReadIsCheap: true);

    /// <remarks>
    /// A poll reads the attendance first and the roster after it, from one parse; the roster read is the parse's last
    /// use, so it is let go then (<see cref="ParsedExports.Take"/>): what stays in memory between polls is nothing.
    /// </remarks>
    public async Task<Roster> GetRosterAsync(CancellationToken cancellationToken)
    {
        var export = (await LoadWithStampAsync(cancellationToken, lastUse: true).ConfigureAwait(false)).Export;
        return new Roster(export.Pupils, export.Guardians, export.RosterProblems);
    }

    public async Task<AttendanceSnapshot> GetAttendanceAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var (export, stamp, later) = await LoadWithStampAsync(cancellationToken, from).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        var classOf = export.Pupils.ToDictionary(p => p.Id, p => p.ClassName, StringComparer.Ordinal);

        var lessons = export.Lessons
            .Where(l => l.Date >= from && l.Date <= to)
            .Select(l => new Lesson(l.ClassName, l.Date, l.Number, l.Subject, l.TakenAt is { } at && at <= now))
            .ToList();
        var byKey = lessons.ToDictionary(l => (l.ClassName, l.Date, l.Number));

        // The latest visible row for a pupil, date and lesson is the journal's current state of that mark.
        var latest = new Dictionary<(string, DateOnly, int), ExportMark>();
        foreach (var m in export.Marks)
        {
            if (m.Date < from || m.Date > to || m.RecordedAt > now) continue;
            ref var kept = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(latest, (m.PupilId, m.Date, m.Lesson), out var exists);
            if (!exists || (m.RecordedAt ?? DateTimeOffset.MinValue, m.Order).CompareTo((kept!.RecordedAt ?? DateTimeOffset.MinValue, kept.Order)) > 0) kept = m;
        }

        var marks = latest.Values
            .Select(m => new AttendanceMark(
                m.PupilId, m.Date, m.Lesson, byKey[(classOf[m.PupilId], m.Date, m.Lesson)].Subject,
                m.Presence, m.Reason, m.Code, m.RecordedAt))
            .ToList();

        return new AttendanceSnapshot(from, to, lessons, marks, export.AttendanceProblems) { DataVersion = Version(stamp, later, from, to, now) };
    }

    /// <summary>
    /// The files' stamp (length and time of each), the window, and how many of the rows stamped in the future at the last
    /// read are visible now; null when the files changed since they were last read, or cannot be looked at.
    /// </summary>
    public async ValueTask<string?> DataVersionAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string stamp;
            try
            {
                stamp = Stamp();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }

            return stamp == readStamp ? Version(stamp, laterRows, from, to, timeProvider.GetUtcNow()) : null;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The data version of the files at <paramref name="stamp"/>, for the window, with the rows visible at <paramref name="now"/>.</summary>
    private static string Version(string stamp, DateTimeOffset[] later, DateOnly from, DateOnly to, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture, $"{stamp}|{from:yyyy-MM-dd}|{to:yyyy-MM-dd}|{later.Count(t => t <= now)}");

    public async Task WriteFlagAsync(JournalFlag flag, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, FlagsFile);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (File.Exists(path))
            {
                var prefix = flag.Key + ";";
                foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false))
                {
                    if (line.StartsWith(prefix, StringComparison.Ordinal)) return;
                }
            }
            else
            {
                await File.WriteAllTextAsync(path, "key;pupil_id;kind;date;text\n", Encoding.UTF8, cancellationToken).ConfigureAwait(false);
            }

            var text = flag.Text.Replace(';', ',').Replace('\n', ' ');
            var row = string.Create(CultureInfo.InvariantCulture, $"{flag.Key};{flag.PupilId};{flag.Kind};{flag.Date:yyyy-MM-dd};{text}\n");
            await File.AppendAllTextAsync(path, row, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new JournalException(JournalFailure.Transient, $"{folderSetting}: не удалось записать {FlagsFile} (ошибка ввода-вывода)", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new JournalException(JournalFailure.Configuration, $"{folderSetting}: нет прав на запись {FlagsFile} в папку «{folder}»", ex);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<string> CheckAsync(CancellationToken cancellationToken)
    {
        var export = await LoadAsync(cancellationToken).ConfigureAwait(false);
        return string.Create(CultureInfo.InvariantCulture,
            $"папка {folder}: учеников {export.Pupils.Count}, представителей {export.Guardians.Count}, уроков {export.Lessons.Count}, отметок {export.Marks.Count}, строк с ошибками {export.ProblemCount}");
    }

    private async Task<FolderExport> LoadAsync(CancellationToken cancellationToken) => (await LoadWithStampAsync(cancellationToken).ConfigureAwait(false)).Export;

    /// <summary>
    /// Parses the folder again when one of its files changed, or when its parse was let go (the poll's roster read, its
    /// last use) or dropped for other schools' (<see cref="ParsedExports"/>); with the files' stamp it was parsed at and
    /// the row stamps that lay in the future then.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait for the journal's gate.</param>
    /// <param name="from">The first date the caller needs lessons and marks of; null for every date.</param>
    /// <param name="lastUse">The poll's last read of this parse (its roster): the parse is let go.</param>
    private async Task<(FolderExport Export, string Stamp, DateTimeOffset[] Later)> LoadWithStampAsync(
        CancellationToken cancellationToken, DateOnly? from = null, bool lastUse = false)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!Directory.Exists(folder))
            {
                throw new JournalException(JournalFailure.Configuration, $"{folderSetting}: папки «{folder}» нет или её нельзя прочитать");
            }

            var stamp = Stamp();
            var cached = lastUse ? parsed.Take(this, stamp) : parsed.Get(this, stamp, from);
            if (cached is not null && stamp == readStamp) return (cached, stamp, laterRows);

            // Only the window's dates are kept (an export may hold the whole year). The rows stamped for later are then
            // those of the window: the data version counts them for a read of that window, and a read of another
            // window has another version anyway.
            var export = reader.Read(folder, from);
            if (!lastUse) parsed.Put(this, stamp, export);
            var parsedAt = timeProvider.GetUtcNow();
            // Looked at in plain loops: a query over the nullable stamps would box each of the window's rows.
            var later = new List<DateTimeOffset>();
            foreach (var mark in export.Marks)
            {
                if (mark.RecordedAt is { } t && t > parsedAt) later.Add(t);
            }

            foreach (var lesson in export.Lessons)
            {
                if (lesson.TakenAt is { } t && t > parsedAt) later.Add(t);
            }

            later.Sort();
            laterRows = [.. later];
            readStamp = stamp;
            return (export, stamp, laterRows);
        }
        catch (FileNotFoundException ex)
        {
            throw new JournalException(JournalFailure.Configuration, $"{folderSetting}: в папке «{folder}» нет файла {Path.GetFileName(ex.FileName)}", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new JournalException(JournalFailure.ContractChanged, $"{folderSetting}: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new JournalException(JournalFailure.Configuration, $"{folderSetting}: нет прав на чтение папки «{folder}»", ex);
        }
        catch (IOException ex)
        {
            // A file being replaced by the school's export job: the next poll reads it whole.
            throw new JournalException(JournalFailure.Transient, $"{folderSetting}: не удалось прочитать папку «{folder}» (ошибка ввода-вывода)", ex);
        }
        finally
        {
            gate.Release();
        }
    }

    private string Stamp()
    {
        var builder = new StringBuilder();
        foreach (var name in FolderExportReader.Files)
        {
            var info = new FileInfo(Path.Combine(folder, name));
            if (!info.Exists) throw new FileNotFoundException(null, name);
            builder.Append(CultureInfo.InvariantCulture, $"{info.Length}:{info.LastWriteTimeUtc.Ticks};");
        }

        return builder.ToString();
    }
}
