using Connector.Abstractions.Attendance;
using Connector.Abstractions.Schools;

namespace Connector.Abstractions.Journals;

/// <summary>
/// One school's e-journal. Every method either returns a complete answer or throws a <see cref="JournalException"/>
/// that says whether retrying can help; it never returns part of an answer as if it were whole.
/// </summary>
public interface IJournalAdapter
{
    /// <summary>What this journal can do.</summary>
    JournalCapabilities Capabilities { get; }

    /// <summary>Reads the pupils and their guardians.</summary>
    /// <exception cref="JournalException">The journal could not be read; <see cref="JournalException.Failure"/> says why.</exception>
    Task<Roster> GetRosterAsync(CancellationToken cancellationToken);

    /// <summary>Reads the lessons and marks of the school-local dates <paramref name="from"/> to <paramref name="to"/>, inclusive.</summary>
    /// <exception cref="JournalException">The journal could not be read; <see cref="JournalException.Failure"/> says why.</exception>
    Task<AttendanceSnapshot> GetAttendanceAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>
    /// A cheap token of what <see cref="GetRosterAsync"/> and <see cref="GetAttendanceAsync"/> would return now for the
    /// window <paramref name="from"/>–<paramref name="to"/>: two equal tokens promise equal answers. Null when the
    /// journal cannot tell without reading it (the default), and whenever it has not been read since it changed.
    /// </summary>
    ValueTask<string?> DataVersionAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

    /// <summary>Writes a flag back to the journal, where <see cref="JournalCapabilities.CanWriteFlags"/> is true.</summary>
    /// <exception cref="NotSupportedException">The journal cannot take flags.</exception>
    /// <exception cref="JournalException">The write failed; <see cref="JournalException.Failure"/> says whether retrying helps.</exception>
    Task WriteFlagAsync(JournalFlag flag, CancellationToken cancellationToken);

    /// <summary>Checks that the journal can be reached with the configured settings, and says what was found.</summary>
    /// <exception cref="JournalException">It cannot; the message names the problem.</exception>
    Task<string> CheckAsync(CancellationToken cancellationToken);
}
