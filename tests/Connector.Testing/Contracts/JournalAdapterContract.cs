using Connector.Abstractions.Attendance;
using Connector.Abstractions.Journals;
using Xunit;

namespace Connector.Testing.Contracts;

/// <summary>What a mark in the contract scenario means; each journal writes it with its own code.</summary>
public enum ContractMark
{
    AbsentNoReason,
    Unexcused,
    Illness,
    Late,
}

/// <summary>
/// The contract scenario a journal under test is seeded with: two classes, four pupils, their guardians, lessons on
/// three school days, and marks inside and outside the window the tests read.
/// </summary>
public static class ContractScenario
{
    public static readonly DateOnly Before = new(2026, 11, 6);
    public static readonly DateOnly Monday = new(2026, 11, 9);
    public static readonly DateOnly Tuesday = new(2026, 11, 10);

    /// <summary>The moment the adapters are read at: Wednesday noon, Moscow time.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 11, 9, 0, 0, TimeSpan.Zero);

    public static readonly (string Key, string FullName, string Class)[] Pupils =
    [
        ("p1", "Петров Иван Сергеевич", "7Б"),
        ("p2", "Сидорова Анна Олеговна", "7Б"),
        ("p3", "Кузнецов Дмитрий Андреевич", "7Б"),
        ("p4", "Белова Полина Алексеевна", "5А"),
    ];

    /// <summary>Guardians: key, name, e-mail, phone, children's keys.</summary>
    public static readonly (string Key, string FullName, string? Email, string? Phone, string[] Children)[] Guardians =
    [
        ("g1", "Петрова Мария Ивановна", "maria@example.com", null, ["p1"]),
        ("g2", "Сидоров Олег Юрьевич", null, "+79001234567", ["p2"]),
        ("g3", "Кузнецова Елена Борисовна", "elena@example.com", "+79007654321", ["p3"]),
        ("g4", "Белова Наталья Викторовна", "family@example.com", null, ["p4"]),
    ];

    /// <summary>Lessons a day: 7Б has 4, 5А has 3, on each of the three days.</summary>
    public static readonly (string Class, int Count)[] Lessons = [("7Б", 4), ("5А", 3)];

    public static readonly (string Pupil, DateOnly Date, int Lesson, ContractMark Mark)[] Marks =
    [
        ("p1", Before, 1, ContractMark.AbsentNoReason),
        ("p1", Monday, 1, ContractMark.AbsentNoReason),
        ("p2", Monday, 2, ContractMark.Unexcused),
        ("p3", Tuesday, 1, ContractMark.Illness),
        ("p4", Tuesday, 3, ContractMark.Late),
    ];
}

/// <summary>A journal seeded with <see cref="ContractScenario"/>, and how to look into it.</summary>
public interface IJournalUnderTest : IAsyncDisposable
{
    IJournalAdapter Adapter { get; }

    /// <summary>The journal's id of a scenario pupil.</summary>
    string PupilId(string key);

    /// <summary>The journal's id of a scenario guardian.</summary>
    string GuardianId(string key);

    /// <summary>How many times the flag with this key reached the journal's staff.</summary>
    int TimesWritten(string flagKey);

    /// <summary>An adapter for the same journal with a setting made wrong, and the failure it must report.</summary>
    (IJournalAdapter Adapter, JournalFailure Expected) Misconfigured();
}

/// <summary>
/// What every journal adapter owes the service, written once: run against each adapter over its real source (the
/// file journal's folder, the SGO emulator over HTTP).
/// </summary>
public abstract class JournalAdapterContract : IAsyncLifetime
{
    private IJournalUnderTest? journal;

    protected IJournalUnderTest Journal => journal!;

    /// <summary>Seeds the journal with <see cref="ContractScenario"/>; the adapter's clock reads <see cref="ContractScenario.Now"/>.</summary>
    protected abstract Task<IJournalUnderTest> CreateAsync();

    public async Task InitializeAsync() => journal = await CreateAsync();

    public async Task DisposeAsync()
    {
        if (journal is not null) await journal.DisposeAsync();
    }

    [Fact]
    public async Task Roster_ListsEveryPupil_WithClassGradeAndGuardianContacts()
    {
        var roster = await Journal.Adapter.GetRosterAsync(CancellationToken.None);

        Assert.Empty(roster.Problems);
        Assert.Equal(
            ContractScenario.Pupils.Select(p => (Journal.PupilId(p.Key), p.FullName, p.Class, p.Class == "7Б" ? 7 : 5)).OrderBy(p => p.Item1),
            roster.Pupils.Select(p => (p.Id, p.FullName, p.ClassName, p.Grade)).OrderBy(p => p.Id));
        foreach (var g in ContractScenario.Guardians)
        {
            var guardian = Assert.Single(roster.Guardians, x => x.Id == Journal.GuardianId(g.Key));
            Assert.Equal((g.FullName, g.Email, g.Phone), (guardian.FullName, guardian.Email, guardian.Phone));
            foreach (var child in g.Children)
            {
                Assert.Contains(guardian.Id, roster.Pupils.Single(p => p.Id == Journal.PupilId(child)).GuardianIds);
            }
        }
    }

    [Fact]
    public async Task Attendance_HoldsExactlyTheWindow_WithCanonicalMeaning()
    {
        var snapshot = await Journal.Adapter.GetAttendanceAsync(ContractScenario.Monday, ContractScenario.Tuesday, CancellationToken.None);

        Assert.Empty(snapshot.Problems);
        var expectedLessons = new[] { ContractScenario.Monday, ContractScenario.Tuesday }
            .SelectMany(d => ContractScenario.Lessons.SelectMany(l => Enumerable.Range(1, l.Count).Select(n => (l.Class, d, n))))
            .Order();
        Assert.Equal(expectedLessons, snapshot.Lessons.Select(l => (l.ClassName, l.Date, l.Number)).Order());
        Assert.All(snapshot.Lessons, l => Assert.True(l.AttendanceTaken, $"{l.ClassName} {l.Date} {l.Number}"));

        var expected = ContractScenario.Marks
            .Where(m => m.Date >= ContractScenario.Monday && m.Date <= ContractScenario.Tuesday)
            .Select(m => (Journal.PupilId(m.Pupil), m.Date, m.Lesson, Meaning(m.Mark)))
            .Order();
        Assert.Equal(expected, snapshot.Marks.Select(m => (m.PupilId, m.Date, m.LessonNumber, (m.Presence, m.Reason))).Order());
        Assert.Single(snapshot.Marks, m => m.IsUnexplainedAbsence);
        Assert.All(snapshot.Marks, m => Assert.False(string.IsNullOrEmpty(m.Subject)));
    }

    [Fact]
    public async Task Flag_ReachesTheJournalOnce_EvenWhenWrittenTwice()
    {
        var flag = new JournalFlag("breach:contract:p1:level-1:2026-11", Journal.PupilId("p1"), JournalFlagKind.SystematicAbsenceLevel,
            ContractScenario.Tuesday, "Пропущено без уважительной причины 3 урока за месяц: первый уровень.");
        Assert.True(Journal.Adapter.Capabilities.CanWriteFlags);

        await Journal.Adapter.WriteFlagAsync(flag, CancellationToken.None);
        await Journal.Adapter.WriteFlagAsync(flag, CancellationToken.None);

        Assert.Equal(1, Journal.TimesWritten(flag.Key));
        Assert.Equal(0, Journal.TimesWritten("another-flag"));
    }

    [Fact]
    public async Task WrongSetting_IsAJournalException_ThatSaysAPersonMustAct()
    {
        var (adapter, expected) = Journal.Misconfigured();

        var roster = await Assert.ThrowsAsync<JournalException>(() => adapter.GetRosterAsync(CancellationToken.None));
        var attendance = await Assert.ThrowsAsync<JournalException>(() => adapter.GetAttendanceAsync(ContractScenario.Monday, ContractScenario.Tuesday, CancellationToken.None));

        Assert.Equal(expected, roster.Failure);
        Assert.Equal(expected, attendance.Failure);
        Assert.False(roster.IsTransient);
        Assert.Contains("Adapter", roster.Message, StringComparison.Ordinal);
        if (adapter is IAsyncDisposable disposable) await disposable.DisposeAsync();
    }

    private static (Presence, AbsenceReason) Meaning(ContractMark mark) => mark switch
    {
        ContractMark.AbsentNoReason => (Presence.Absent, AbsenceReason.NoneRecorded),
        ContractMark.Unexcused => (Presence.Absent, AbsenceReason.Unexcused),
        ContractMark.Illness => (Presence.Absent, AbsenceReason.Illness),
        ContractMark.Late => (Presence.Late, AbsenceReason.NoneRecorded),
        _ => throw new ArgumentOutOfRangeException(nameof(mark)),
    };
}
