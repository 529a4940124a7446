using System.Globalization;
using Connector.Abstractions.Attendance;
using Connector.Abstractions.Journals;
using Connector.Abstractions.Schools;
using Microsoft.Extensions.Logging;

namespace Connector.Adapters.SetevoyGorod;

/// <summary>
/// One school's journal in «Сетевой Город. Образование», read and written through a staff account's web session.
/// Every read either returns the whole answer or throws a <see cref="JournalException"/>.
/// </summary>
internal sealed class SgoJournalAdapter : IJournalAdapter, IAsyncDisposable
{
    private readonly SgoClient client;
    private readonly SgoAttendanceCodes codes;
    private readonly SgoMailbox mailbox;
    private readonly SchoolRef school;
    private readonly TimeZoneInfo timeZone;
    private readonly TimeProvider time;
    private readonly LessonPageCache cache;
    private SchoolDirectory? directory;

    public SgoJournalAdapter(SgoClient client, SgoOptions options, SchoolRef school, string settings, TimeProvider time, ILogger logger)
    {
        this.client = client;
        this.school = school;
        this.time = time;
        timeZone = TimeZoneInfo.FindSystemTimeZoneById(school.TimeZone);
        codes = new SgoAttendanceCodes(options, school.Id, logger);
        cache = new LessonPageCache(options);
        mailbox = new SgoMailbox(client, options, school.Id, settings, logger);
    }

    public JournalCapabilities Capabilities { get; } = new(CanWriteFlags: true, HasGuardianContacts: true);

    public Task<Roster> GetRosterAsync(CancellationToken cancellationToken) =>
        client.RunAsync(async ct =>
        {
            var read = await SchoolDirectoryReader.ReadAsync(client, Today(), ct).ConfigureAwait(false);
            directory = read;
            return SchoolDirectoryReader.ToRoster(read);
        }, cancellationToken);

    public Task<AttendanceSnapshot> GetAttendanceAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        client.RunAsync(async ct =>
        {
            var read = await DirectoryAsync(ct).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var localNow = TimeZoneInfo.ConvertTime(now, timeZone).DateTime;
            return await TeacherJournalReader.ReadAsync(client, read, codes, from, to, now, localNow, cache, ct).ConfigureAwait(false);
        }, cancellationToken);

    public Task WriteFlagAsync(JournalFlag flag, CancellationToken cancellationToken) =>
        client.RunAsync(async ct =>
        {
            var read = await DirectoryAsync(ct).ConfigureAwait(false);
            var (student, schoolClass) = read.Find(flag.PupilId)
                ?? throw new JournalException(JournalFailure.Configuration, $"school {school.Id}: pupil #{flag.PupilId} of flag {flag.Key} is in no class the SGO account sees");
            await mailbox.WriteAsync(flag, student.FullName, schoolClass, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    public Task<string> CheckAsync(CancellationToken cancellationToken) =>
        client.RunAsync(async ct =>
        {
            var read = await SchoolDirectoryReader.ReadAsync(client, Today(), ct).ConfigureAwait(false);
            directory = read;
            var session = client.Session!;
            return string.Create(CultureInfo.InvariantCulture,
                $"«Сетевой Город» {client.Server.Origin} (версия {session.Version}): классов {read.Classes.Count}, учеников {read.Students.Count}");
        }, cancellationToken);

    public ValueTask DisposeAsync() => client.DisposeAsync();

    /// <summary>The directory as last read with the roster; read now if it never was.</summary>
    private async Task<SchoolDirectory> DirectoryAsync(CancellationToken cancellationToken) =>
        directory ??= await SchoolDirectoryReader.ReadAsync(client, Today(), cancellationToken).ConfigureAwait(false);

    private DateOnly Today() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), timeZone).DateTime);
}
