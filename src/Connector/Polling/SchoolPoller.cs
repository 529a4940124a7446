using System.Data.Common;
using Connector.Absences;
using Connector.Abstractions.Attendance;
using Connector.Abstractions.Journals;
using Connector.Abstractions.Schools;
using Connector.Delivery;
using Connector.Escalation;
using Connector.Thresholds;
using Connector.Diagnostics;
using Connector.Schools;
using Connector.Store;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using System.Collections.Concurrent;

namespace Connector.Polling;

/// <summary>
/// One poll of one school: read the roster and the attendance window from the journal, judge the read against what
/// the store holds, then, in one transaction, store the marks, decide, and queue the notices. A read that fails,
/// or that the judge quarantines (rows that could not be read whole, a large share of what was there lost),
/// decides nothing: the previous state stays as it was, staff are told, and the next good read goes on.
/// </summary>
internal sealed class SchoolPoller(
    SchoolRegistry schools,
    ConnectorDatabase database,
    TimeProvider time,
    SourceProblemReporter problems,
    NoticeRouting routing,
    RuleProfiles profiles,
    Contacts.GuardianContactsFile contacts,
    ILogger<SchoolPoller> logger)
{
    /// <summary>
    /// The poller's own retry of a failed read: one more try after a short pause. The adapter retries each request
    /// itself (SGO: Retries), so a request is tried at most (1 + 1) × (1 + Retries) times a poll.
    /// </summary>
    public const int ReadRetries = 1;

    // The pause is real time, Polly's own: it waits on the journal's server, not on the school's clock (which the
    // demo and the tests move by hand, and which a rehearsal shifts).
    private readonly ResiliencePipeline journalPipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<JournalException>(e => e.IsTransient),
            MaxRetryAttempts = ReadRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromSeconds(2),
        })
        .Build();

    // What this process last stored for each school, so that a poll whose read brought nothing new skips the work
    // that could only write the same again: the roster (by a hash of what would be saved, per school-local day) and
    // the threshold count over the period (when no mark, lesson or pupil changed that day). A restart starts empty.
    private readonly ConcurrentDictionary<string, (string Hash, DateOnly Day)> savedRosters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateOnly> countedUnchanged = new(StringComparer.Ordinal);

    // The journal's data version (IJournalAdapter.DataVersionAsync) at each school's last good read, with the problems
    // that read reported: while the version stays the same, a poll need not read, compare or save anything again.
    private readonly ConcurrentDictionary<string, (string Version, IReadOnlyList<SourceProblem> Problems)> lastGoodRead = new(StringComparer.Ordinal);

    // The school-local day each school's journal was last read back to the notice horizon (a journal cheap to read far).
    private readonly ConcurrentDictionary<string, DateOnly> farReadOn = new(StringComparer.Ordinal);

    // The school-local day each school's cases were last checked for taking pupils off the register, and its pupils
    // who left against the retention.
    private readonly ConcurrentDictionary<string, DateOnly> retentionCheckedOn = new(StringComparer.Ordinal);

    /// <summary>
    /// Compares every lesson mark by mark and counts the thresholds at every poll, as the poller did before it skipped
    /// what did not change: the reference the tests hold the skipping poller to.
    /// </summary>
    internal bool SkipsNothing { get; set; }

    public async Task<PollResult> PollAsync(string schoolId, CancellationToken cancellationToken)
    {
        // The run is recorded for `connector status` and for logging a lasting failure with back-off; a poll cut
        // by a stop stays "running" until the next one starts.
        await using (var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            await PollRunRepository.StartAsync(db, schoolId, time.GetUtcNow()).ConfigureAwait(false);
        }

        PollResult result;
        try
        {
            result = await PollOnceAsync(schoolId, cancellationToken).ConfigureAwait(false);
        }
        catch (JournalException ex)
        {
            await FinishAsync(schoolId, PollOutcome.Failed, 0, ex.Failure.ToString(), Diagnostics.Redact.Contacts(ex.Message)).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await FinishAsync(schoolId, PollOutcome.Crashed, 0, null, ex.GetType().Name).ConfigureAwait(false);
            throw;
        }

        var outcome = result.Skipped ? PollOutcome.Skipped : result.Quarantine is not null ? PollOutcome.Quarantined : PollOutcome.Ok;
        await FinishAsync(schoolId, outcome, result.ChangedMarks, null, null).ConfigureAwait(false);
        return result;
    }

    /// <summary>How many polls of the school failed in a row, the last one included (0 when the last succeeded).</summary>
    public async Task<int> FailuresInRowAsync(string schoolId, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (await PollRunRepository.GetAsync(db, schoolId).ConfigureAwait(false))?.FailuresInRow ?? 0;
    }

    private async Task FinishAsync(string schoolId, PollOutcome outcome, int changedMarks, string? failure, string? detail)
    {
        // Recorded even when the poll was cancelled meanwhile: the record is what status shows.
        await using var db = await database.OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await PollRunRepository.FinishAsync(db, schoolId, time.GetUtcNow(), outcome, changedMarks, failure, detail).ConfigureAwait(false);
    }

    private async Task<PollResult> PollOnceAsync(string schoolId, CancellationToken cancellationToken)
    {
        var school = schools.Get(schoolId);
        var now = time.GetUtcNow();
        var today = school.LocalDate(now);
        if (!school.Calendar.IsSchoolDay(today))
        {
            Log.NotASchoolDay(logger, schoolId, today);
            return new PollResult(schoolId, true, 0, new DecisionSummary(), 0);
        }

        var window = today.AddDays(-school.Options.LookbackDays);
        var from = window;
        var horizon = NoticeHorizon.Start(school.Options, today);
        // Once a day a journal that costs little to read far (files) is read back to the notice horizon, so that an
        // absence entered weeks late is found and told; the other polls read the usual window.
        var far = school.Adapter.Capabilities.FarReadIsCheap && horizon < from && farReadOn.GetValueOrDefault(schoolId) != today;
        if (far) from = horizon;
        // The journal says its data is what this process last read and stored, and nothing stored is waiting on time (a
        // vanishing mark to confirm): the poll decides on the store as it is, without reading the journal again.
        var version = SkipsNothing ? null : await school.Adapter.DataVersionAsync(from, today, cancellationToken).ConfigureAwait(false);
        if (version is not null && lastGoodRead.TryGetValue(schoolId, out var last) && last.Version == version && !contacts.Changed(school))
        {
            await using var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (!await AttendanceRepository.HasVanishingAsync(db, schoolId, from, today).ConfigureAwait(false))
            {
                return await DecideUnchangedAsync(school, from, horizon, today, now, last.Problems, cancellationToken).ConfigureAwait(false);
            }
        }

        var snapshot = await ReadAsync(ct => school.Adapter.GetAttendanceAsync(from, today, ct), cancellationToken).ConfigureAwait(false);
        if (far)
        {
            snapshot = Covered(snapshot, window);
            from = snapshot.From;
        }

        // The roster is read at every poll where that is cheap (a folder of files, so a fixed export counts at once),
        // else once a day, whenever a mark names a pupil the store does not know yet, and when the contacts file changed.
        Roster? roster = null;
        bool rosterDue;
        await using (var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            rosterDue = school.Adapter.Capabilities.RosterReadIsCheap
                || contacts.Changed(school)
                || await RosterRepository.NeedsSyncAsync(db, schoolId, today).ConfigureAwait(false)
                || await RosterRepository.HasUnknownAsync(db, schoolId, snapshot.Marks.Select(m => m.PupilId).Distinct()).ConfigureAwait(false);
        }

        if (rosterDue) roster = await ReadAsync(ct => school.Adapter.GetRosterAsync(ct), cancellationToken).ConfigureAwait(false);

        // The guardians' contacts file fills what the journal does not give; one that cannot be read saves no roster.
        IReadOnlyList<Contacts.FileConsent> consents = [];
        SourceProblem? contactsUnreadable = null;
        if (roster is not null)
        {
            (var withContacts, contactsUnreadable) = contacts.Merge(school, roster);
            roster = withContacts?.Roster;
            consents = withContacts?.Consents ?? [];
        }

        var checks = school.Options.ReadChecks;
        var rosterHash = roster is not null ? RosterHash(roster, consents) : null;
        var rosterUnchanged = !SkipsNothing && (rosterHash is null || savedRosters.TryGetValue(schoolId, out var saved) && saved == (rosterHash, today));
        var (changed, decisions, quarantine) = await database.InTransactionAsync(async (db, tx) =>
        {
            ReadQuarantine? rosterQuarantine = null;
            if (roster is not null && !rosterUnchanged)
            {
                rosterQuarantine = await ConfirmAsync(db, tx, school, ReadJudge.Roster(roster, await RosterRepository.LoadStoredAsync(db, tx, schoolId).ConfigureAwait(false), checks),
                    ReadQuarantine.Roster, now).ConfigureAwait(false);
                if (rosterQuarantine is null)
                {
                    await RosterRepository.SaveAsync(db, tx, schoolId, roster, now, today).ConfigureAwait(false);
                    await Contacts.GuardianContactsFile.SaveConsentsAsync(db, tx, schoolId, consents, now).ConfigureAwait(false);
                    Log.RosterSynced(logger, schoolId, roster.Pupils.Count, roster.Guardians.Count);
                }
            }

            var attendanceQuarantine = rosterQuarantine is not null
                ? await ConfirmAsync(db, tx, school, ReadJudge.BecauseOfRoster(rosterQuarantine), ReadQuarantine.Attendance, now).ConfigureAwait(false)
                : await ConfirmAsync(db, tx, school, ReadJudge.Attendance(snapshot, await AttendanceRepository.LoadWindowAsync(db, tx, schoolId, from, today).ConfigureAwait(false), today, checks),
                    ReadQuarantine.Attendance, now).ConfigureAwait(false);
            if (attendanceQuarantine is not null) return (0, new DecisionSummary(), rosterQuarantine ?? attendanceQuarantine);

            var held = Held.From(snapshot.Problems);
            var (changedMarks, changedLessons) = await AttendanceRepository.ApplyAsync(db, tx, schoolId, snapshot, held, now, TimeSpan.FromMinutes(checks.ConfirmVanishedMinutes), SkipsNothing).ConfigureAwait(false);
            var summary = await DecideAsync(db, tx, school, from, horizon, today, now, held, changedMarks == 0 && changedLessons == 0 && rosterUnchanged).ConfigureAwait(false);
            return (changedMarks, summary, (ReadQuarantine?)null);
        }, cancellationToken).ConfigureAwait(false);
        CrashPoints.Reached(CrashPoints.AfterPollCommit);
        List<SourceProblem> readProblems = [.. roster?.Problems ?? [], .. contactsUnreadable is { } unreadable ? [unreadable] : Array.Empty<SourceProblem>(), .. snapshot.Problems];
        if (quarantine is null)
        {
            if (rosterHash is not null) savedRosters[schoolId] = (rosterHash, today);
            countedUnchanged[schoolId] = today;
            if (far) farReadOn[schoolId] = today;
            // Only a read that saw the whole journal (the roster with it) vouches for the next polls' version.
            if (snapshot.DataVersion is { } read && roster is not null && contactsUnreadable is null) lastGoodRead[schoolId] = (read, readProblems);
            else lastGoodRead.TryRemove(schoolId, out _);
        }
        else
        {
            savedRosters.TryRemove(schoolId, out _);
            countedUnchanged.TryRemove(schoolId, out _);
            lastGoodRead.TryRemove(schoolId, out _);
        }

        return await FinishPollAsync(school, today, now, changed, decisions, problems.Report(schoolId, readProblems), quarantine, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A poll of a journal whose data is unchanged since the last good read: the decisions, on the store as it is.</summary>
    private async Task<PollResult> DecideUnchangedAsync(
        SchoolContext school, DateOnly from, DateOnly horizon, DateOnly today, DateTimeOffset now, IReadOnlyList<SourceProblem> readProblems, CancellationToken cancellationToken)
    {
        var held = Held.From(readProblems);
        var decisions = await database.InTransactionAsync(
            (db, tx) => DecideAsync(db, tx, school, from, horizon, today, now, held, nothingChanged: true), cancellationToken).ConfigureAwait(false);
        CrashPoints.Reached(CrashPoints.AfterPollCommit);
        countedUnchanged[school.Id] = today;
        Log.JournalUnchanged(logger, school.Id);
        return await FinishPollAsync(school, today, now, 0, decisions, problems.Report(school.Id, readProblems), null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The decisions of a poll, in its transaction, once the store holds what the journal says: the same-day rule, the
    /// absences left unqueued, the thresholds (unless <paramref name="nothingChanged"/> since they were counted today), the cases.
    /// Nothing before the installation's first poll or the notice <paramref name="horizon"/> is told.
    /// </summary>
    private async Task<DecisionSummary> DecideAsync(
        DbConnection db, DbTransaction tx, SchoolContext school, DateOnly from, DateOnly horizon, DateOnly today, DateTimeOffset now, Held held, bool nothingChanged)
    {
        var schoolId = school.Id;
        var days = (await AbsenceStore.LoadAsync(db, tx, schoolId, from, today).ConfigureAwait(false))
            .Where(d => !held.Covers(d.PupilId, d.Date))
            .ToList();
        var firstPoll = await PollRunRepository.DecidesFromAsync(db, tx, schoolId, today).ConfigureAwait(false);
        var decidesFrom = firstPoll > horizon ? firstPoll : horizon;
        var made = SameDayAbsenceRule.Decide(days, decidesFrom);
        var grace = TimeSpan.FromMinutes(school.Options.GracePeriodMinutes);
        var summary = await AbsenceDecisions.ApplyAsync(db, tx, schoolId, school.Options.DefaultChannel, routing, made, now, grace).ConfigureAwait(false);
        // Nothing stays open unqueued: guardians who appeared since (a fixed file, a roster read again) are told today.
        var earliest = decidesFrom > from ? decidesFrom : from;
        var decidable = Enumerable.Range(0, today.DayNumber - earliest.DayNumber + 1).Select(earliest.AddDays).ToList();
        await AbsenceDecisions.QueueOpenAsync(db, tx, schoolId, school.Options.DefaultChannel, routing, decidable,
            made.OfType<AbsenceDecision.Open>().Select(o => (o.PupilId, o.Date)).ToHashSet(), held, now, grace, summary).ConfigureAwait(false);

        // The count depends only on the stored marks, lessons and pupils and on the day: when none of them changed
        // since this process last counted today, it would find the same levels reached.
        var profile = profiles.Get(school.Ref.ProfileId);
        var unchanged = !SkipsNothing && nothingChanged && countedUnchanged.TryGetValue(schoolId, out var day) && day == today;
        IReadOnlyList<NewBreach> breaches = unchanged ? [] : await Breaches.ApplyAsync(db, tx, schoolId, profile, today, now).ConfigureAwait(false);
        foreach (var breach in breaches)
        {
            var kind = breach.Level.NotStarted ? JournalFlagKind.NotStarted : JournalFlagKind.SystematicAbsenceLevel;
            await JournalFlagStore.QueueAsync(db, tx, schoolId,
                new JournalFlag($"breach:{schoolId}:{breach.PupilId}:{breach.Level.Id}:{breach.Period.Key}", breach.PupilId, kind, today, breach.Describe()), now).ConfigureAwait(false);
        }

        summary.Breaches = breaches.Count;
        summary.CasesOpened = await Cases.OpenAsync(db, tx, school, profile, breaches, today, now).ConfigureAwait(false);
        summary.Held = held.Count;
        return summary;
    }

    /// <summary>After the poll's transaction: the quarantine or the day's once-a-day checks, and the log line.</summary>
    private async Task<PollResult> FinishPollAsync(
        SchoolContext school, DateOnly today, DateTimeOffset now, int changed, DecisionSummary decisions, int reported, ReadQuarantine? quarantine, CancellationToken cancellationToken)
    {
        var schoolId = school.Id;
        if (quarantine is not null)
        {
            Log.ReadQuarantined(logger, schoolId, quarantine.Source, quarantine.Kind.ToString(), quarantine.Fingerprint);
            return new PollResult(schoolId, false, 0, decisions, reported, quarantine);
        }

        foreach (var pupilId in decisions.WithoutGuardians)
        {
            Log.NoGuardians(logger, schoolId, pupilId);
        }

        if (retentionCheckedOn.GetValueOrDefault(schoolId) != today)
        {
            var profile = profiles.Get(school.Ref.ProfileId);
            var proposed = await database.InTransactionAsync((db, tx) => Cases.ProposeDeregistrationAsync(db, tx, school, profile, today), cancellationToken).ConfigureAwait(false);
            if (proposed > 0) Log.DeregistrationProposed(logger, schoolId, proposed);
            await RemoveLeaversAsync(school, today, now, cancellationToken).ConfigureAwait(false);
            retentionCheckedOn[schoolId] = today;
        }

        Log.Polled(logger, schoolId, today, changed, decisions.Opened, decisions.Explained, decisions.Corrected, decisions.Queued, decisions.Unreachable);
        if (decisions.Breaches > 0) Log.Breaches(logger, schoolId, decisions.Breaches, decisions.CasesOpened);
        return new PollResult(schoolId, false, changed, decisions, reported);
    }

    /// <summary>
    /// Once a school-local day, after a good read: the data of pupils who left is removed once the profile's retention
    /// is over (003 §6.4: kept for the period of study), in a transaction of its own, each pupil audited.
    /// </summary>
    private async Task RemoveLeaversAsync(SchoolContext school, DateOnly today, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var profile = profiles.Get(school.Ref.ProfileId);
        var (pupils, guardians) = await database.InTransactionAsync(async (db, tx) =>
        {
            var due = (await RetentionRepository.LeftAsync(db, tx, school.Id).ConfigureAwait(false))
                .Where(p => profile.RemovableFrom(p.LeftOn) <= today).Select(p => p.PupilId).ToList();
            if (due.Count == 0) return (0, 0);
            var kept = profile.RetentionDaysAfterLeaving is { } days ? $"{days} дн. после выбытия" : "до конца учебного года, в котором обучающийся выбыл";
            var removedGuardians = await RetentionRepository.RemoveAsync(db, tx, school.Id, due,
                $"срок хранения персональных данных истёк (003 §6.4; профиль {profile.Id}: {kept}): данные удалены, запись обезличена", now).ConfigureAwait(false);
            return (due.Count, removedGuardians);
        }, cancellationToken).ConfigureAwait(false);
        if (pupils > 0) Log.LeaversRemoved(logger, school.Id, pupils, guardians);
    }

    /// <summary>
    /// A read back to the notice horizon, from the first day the journal lists a lesson with attendance taken (and no
    /// later than the usual <paramref name="window"/>): an export that keeps only the last weeks does not hold the days
    /// before, and a day it does not hold is not a day it lost (the judge would quarantine it, every day).
    /// </summary>
    private static AttendanceSnapshot Covered(AttendanceSnapshot snapshot, DateOnly window)
    {
        var first = snapshot.Lessons.Where(l => l.AttendanceTaken).Select(l => (DateOnly?)l.Date).Min();
        var from = first is { } day && day > snapshot.From ? (day < window ? day : window) : snapshot.From;
        return from == snapshot.From ? snapshot : snapshot with
        {
            From = from,
            Lessons = snapshot.Lessons.Where(l => l.Date >= from).ToList(),
            Marks = snapshot.Marks.Where(m => m.Date >= from).ToList(),
        };
    }

    /// <summary>
    /// What a roster read would save (pupils, guardians, the contacts file's consents), as one hash, kept in memory only.
    /// Built from the records' own text (every field; a pupil's guardians listed), not a serializer, which would cost
    /// every short-lived `once` its start-up.
    /// </summary>
    private static string RosterHash(Roster roster, IReadOnlyList<Contacts.FileConsent> consents)
    {
        var text = new System.Text.StringBuilder();
        foreach (var pupil in roster.Pupils) text.Append(pupil).Append('|').AppendJoin(',', pupil.GuardianIds).Append('\n');
        foreach (var guardian in roster.Guardians) text.Append(guardian).Append('\n');
        foreach (var consent in consents) text.Append(consent).Append('\n');
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

    private async Task<T> ReadAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        await journalPipeline.ExecuteAsync(async ct => await read(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Records a quarantine, or clears the source's one when the read is good. A loss that stayed exactly the same
    /// for ConfirmLossMinutes is the journal's truth, not a bad read: it is accepted (null) and logged.
    /// </summary>
    private async Task<ReadQuarantine?> ConfirmAsync(DbConnection db, DbTransaction tx, SchoolContext school, ReadQuarantine? verdict, string source, DateTimeOffset now)
    {
        if (verdict is null)
        {
            await ReadQuarantineRepository.ClearAsync(db, tx, school.Id, source).ConfigureAwait(false);
            return null;
        }

        var stored = await ReadQuarantineRepository.GetAsync(db, tx, school.Id, source).ConfigureAwait(false);
        if (verdict.Confirmable && stored is { } s && s.Fingerprint == verdict.Fingerprint && s.Kind == verdict.Kind.ToString()
            && now - s.FirstSeenAt >= TimeSpan.FromMinutes(school.Options.ReadChecks.ConfirmLossMinutes))
        {
            await ReadQuarantineRepository.ClearAsync(db, tx, school.Id, source).ConfigureAwait(false);
            Log.LossConfirmed(logger, school.Id, source, (int)(now - s.FirstSeenAt).TotalMinutes);
            return null;
        }

        await ReadQuarantineRepository.PutAsync(db, tx, school.Id, verdict, now).ConfigureAwait(false);
        return verdict;
    }
}
