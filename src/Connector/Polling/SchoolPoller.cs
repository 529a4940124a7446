using Connector.Absences;
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

namespace Connector.Polling;

/// <summary>
/// One poll of one school: read the roster (once a day) and the attendance window from the journal, then, in one
/// transaction, store the marks, decide, and queue the notices. A read that fails, in whole or in part, decides
/// nothing: the adapter throws, and the previous state stays as it was.
/// </summary>
internal sealed class SchoolPoller(
    SchoolRegistry schools,
    ConnectorDatabase database,
    TimeProvider time,
    SourceProblemReporter problems,
    NoticeRouting routing,
    RuleProfiles profiles,
    ILogger<SchoolPoller> logger)
{
    private readonly ResiliencePipeline journalPipeline = new ResiliencePipelineBuilder
    {
        TimeProvider = time,
    }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<JournalException>(e => e.IsTransient),
            MaxRetryAttempts = 2,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromSeconds(2),
        })
        .Build();

    public async Task<PollResult> PollAsync(string schoolId, CancellationToken cancellationToken)
    {
        var school = schools.Get(schoolId);
        var now = time.GetUtcNow();
        var today = school.LocalDate(now);
        if (!school.Calendar.IsSchoolDay(today))
        {
            Log.NotASchoolDay(logger, schoolId, today);
            return new PollResult(schoolId, true, 0, new DecisionSummary(), 0);
        }

        var previous = school.Calendar.PreviousSchoolDay(today);
        var from = today.AddDays(-school.Options.LookbackDays);
        Roster? roster = null;
        await using (var db = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await RosterRepository.NeedsSyncAsync(db, schoolId, today).ConfigureAwait(false))
            {
                roster = await journalPipeline.ExecuteAsync(async ct => await school.Adapter.GetRosterAsync(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }
        }

        var snapshot = await journalPipeline.ExecuteAsync(
            async ct => await school.Adapter.GetAttendanceAsync(from, today, ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

        var (changed, decisions) = await database.InTransactionAsync(async (db, tx) =>
        {
            if (roster is not null)
            {
                await RosterRepository.SaveAsync(db, tx, schoolId, roster, now, today).ConfigureAwait(false);
                Log.RosterSynced(logger, schoolId, roster.Pupils.Count, roster.Guardians.Count);
            }

            var changedMarks = await AttendanceRepository.ApplyAsync(db, tx, schoolId, snapshot, now).ConfigureAwait(false);
            var days = await AbsenceRepository.LoadAsync(db, tx, schoolId, from, today).ConfigureAwait(false);
            var made = SameDayAbsenceRule.Decide(days, today, previous);
            var summary = await AbsenceRepository.ApplyAsync(
                db, tx, schoolId, school.Options.DefaultChannel, routing, made, now, TimeSpan.FromMinutes(school.Options.GracePeriodMinutes)).ConfigureAwait(false);

            var profile = profiles.Get(school.Ref.ProfileId);
            var breaches = await BreachRepository.ApplyAsync(db, tx, schoolId, profile, today, now).ConfigureAwait(false);
            foreach (var breach in breaches)
            {
                var kind = breach.Level.NotStarted ? JournalFlagKind.NotStarted : JournalFlagKind.SystematicAbsenceLevel;
                await JournalFlags.QueueAsync(db, tx, schoolId,
                    new JournalFlag($"breach:{schoolId}:{breach.PupilId}:{breach.Level.Id}:{breach.Period.Key}", breach.PupilId, kind, today, breach.Describe()), now).ConfigureAwait(false);
            }

            summary.Breaches = breaches.Count;
            summary.CasesOpened = await CaseRepository.OpenAsync(db, tx, school, profile, breaches, today, now).ConfigureAwait(false);
            return (changedMarks, summary);
        }, cancellationToken).ConfigureAwait(false);
        CrashPoints.Reached(CrashPoints.AfterPollCommit);

        var reported = problems.Report(schoolId, [.. roster?.Problems ?? [], .. snapshot.Problems]);
        foreach (var pupilId in decisions.WithoutGuardians)
        {
            Log.NoGuardians(logger, schoolId, pupilId);
        }

        Log.Polled(logger, schoolId, today, changed, decisions.Opened, decisions.Explained, decisions.Corrected, decisions.Queued, decisions.Unreachable);
        if (decisions.Breaches > 0) Log.Breaches(logger, schoolId, decisions.Breaches, decisions.CasesOpened);
        return new PollResult(schoolId, false, changed, decisions, reported);
    }
}
