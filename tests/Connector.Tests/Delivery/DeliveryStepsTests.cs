using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;
using Connector.Delivery;
using Connector.Polling;
using Connector.Schools;
using Connector.Store;
using Connector.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Delivery;

/// <summary>
/// The delivery path's steps one by one, on a real store: the gate, the claim, the record of each outcome, and the
/// recovery of a message a dead runner left "sending". The whole path is tested end to end elsewhere; here each step
/// is held to what it alone promises.
/// </summary>
public sealed class DeliveryStepsTests : IDisposable
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private static readonly TimeSpan Moscow = TimeSpan.FromHours(3);
    private readonly TestInstallation install = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(Monday.ToDateTime(new TimeOnly(9, 0)), Moscow));
    private IHost? host;

    [Fact]
    public async Task TheGate_InQuietHoursThatEndTheSameDay_MovesTheMessageToTheirEnd_AsStillOnTime()
    {
        install.School["QuietHoursStart"] = "09:10";
        install.School["QuietHoursEnd"] = "12:00";
        install.School["QuietHoursForEmail"] = true;
        var (school, message) = await QueuedAsync();

        var verdict = await Get<DeliveryGate>().PassAsync(school, message, ChannelKind.Email, [], clock.GetUtcNow(), CancellationToken.None);

        Assert.Equal(DeliveryGate.Verdict.Deferred, verdict);
        Assert.Equal((At(Monday, 12, 0), null), await DueAsync(message.Id));
    }

    [Fact]
    public async Task TheGate_InQuietHoursThatEndTomorrow_MovesTheMessageToTomorrowMorning_AndSaysItMissedItsDay()
    {
        install.School["QuietHoursStart"] = "09:10";
        install.School["QuietHoursEnd"] = "08:00";
        var (school, message) = await QueuedAsync(channel: ChannelKind.Sms);

        var verdict = await Get<DeliveryGate>().PassAsync(school, message, ChannelKind.Sms, [], clock.GetUtcNow(), CancellationToken.None);

        Assert.Equal(DeliveryGate.Verdict.Deferred, verdict);
        Assert.Equal((At(Monday.AddDays(1), 8, 0), "quiet-hours"), await DueAsync(message.Id));
    }

    [Fact]
    public async Task TheGate_LetsEmailGoInQuietHours_UnlessTheSchoolAsksOtherwise()
    {
        install.School["QuietHoursStart"] = "09:10";
        install.School["QuietHoursEnd"] = "08:00";
        var (school, message) = await QueuedAsync();

        Assert.Equal(DeliveryGate.Verdict.Go, await Get<DeliveryGate>().PassAsync(school, message, ChannelKind.Email, [], clock.GetUtcNow(), CancellationToken.None));
    }

    [Fact]
    public async Task TheGate_HoldsAPausedChannel_UntilThePauseEnds()
    {
        var (school, message) = await QueuedAsync();
        var now = clock.GetUtcNow();
        await InTransactionAsync((db, tx) => OutboxStore.PauseAsync(db, tx, ChannelKind.Email, now.AddMinutes(30), "535 authentication failed", now));
        var gate = Get<DeliveryGate>();

        Assert.Equal(DeliveryGate.Verdict.HoldChannel, await gate.PassAsync(school, message, ChannelKind.Email, [], now, CancellationToken.None));
        Assert.Equal(DeliveryGate.Verdict.Go, await gate.PassAsync(school, message, ChannelKind.Email, [], now.AddMinutes(31), CancellationToken.None));
    }

    [Fact]
    public async Task TheGate_CountsMessagesOnTheirWay_WithThoseSentInTheLastMinute_AgainstTheRate()
    {
        install.Connector["Email"]!["MessagesPerMinute"] = 3;
        var (school, message) = await QueuedAsync();
        var now = clock.GetUtcNow();
        await InTransactionAsync(async (db, tx) =>
        {
            await OutboxStore.RecordAttemptAsync(db, tx, message.Id, DeliveryOutcome.TransientFailure, "421", now.AddSeconds(-70)); // older than a minute
            await OutboxStore.RecordAttemptAsync(db, tx, message.Id, DeliveryOutcome.TransientFailure, "421", now.AddSeconds(-30));
        });
        var gate = Get<DeliveryGate>();

        Assert.Equal(DeliveryGate.Verdict.Go, await gate.PassAsync(school, message, ChannelKind.Email, [9001], now, CancellationToken.None));
        Assert.Equal(DeliveryGate.Verdict.HoldChannel, await gate.PassAsync(school, message, ChannelKind.Email, [9001, 9002], now, CancellationToken.None));
        // A message on its way whose attempt is already recorded counts once, not twice.
        Assert.Equal(DeliveryGate.Verdict.Go, await gate.PassAsync(school, message, ChannelKind.Email, [message.Id, 9001], now, CancellationToken.None));
    }

    [Fact]
    public async Task TheClaim_OfOneMessageByTwoRunners_GoesToOne_WhichCountsItsAttempt()
    {
        var (school, message) = await QueuedAsync();
        var claim = Get<DeliveryClaim>();

        var first = await claim.ClaimAsync(school, message, clock.GetUtcNow(), CancellationToken.None);
        var second = await claim.ClaimAsync(school, message, clock.GetUtcNow(), CancellationToken.None);

        Assert.Equal("maria@example.com", first?.Notice?.Message.Address);
        Assert.Null(second);
        var row = await RowAsync(message.Id);
        Assert.Equal(("sending", 1L, "maria@example.com", "p1"), (row.State, row.Attempts, row.Address, row.PupilIds));
    }

    [Fact]
    public async Task TheClaim_OfAMessageWhoseAbsenceWasExplainedMeanwhile_CancelsIt()
    {
        var (school, message) = await QueuedAsync();
        install.Journal.Mark(Monday, "p1", 1, "Б", Monday.ToDateTime(new TimeOnly(9, 20)));
        install.Journal.Write();
        await Get<SchoolPoller>().PollAsync("school-1", CancellationToken.None);

        var composition = await Get<DeliveryClaim>().ClaimAsync(school, message, clock.GetUtcNow(), CancellationToken.None);

        Assert.Same(Composition.NothingToTell, composition);
        Assert.Equal(("cancelled", "explained before sending"), ((await RowAsync(message.Id)).State, (await RowAsync(message.Id)).LastError));
    }

    [Fact]
    public async Task TheRecord_OfAnAcceptedMessage_ClosesItAsSent_WithTheLessonsTheGuardianNowKnows_AndAnAuditEntry()
    {
        var (school, message, notice) = await ClaimedAsync();

        await Record(school, message, notice, DeliveryResult.Accepted("smtp-1"));

        var row = await RowAsync(message.Id);
        Assert.Equal(("sent", "smtp-1"), (row.State, row.ProviderId));
        await using var db = await OpenAsync();
        Assert.Equal(("notified", "1"), await db.QuerySingleAsync<(string, string)>("SELECT state, notified_lessons FROM absences WHERE pupil_id = 'p1'"));
        Assert.Equal(("absence-notice.sent", "guardian:g1", "p1"),
            await db.QuerySingleAsync<(string, string, string)>("SELECT action, recipient, subject_ids FROM audit_log"));
    }

    [Fact]
    public async Task TheRecord_OfAPermanentRefusal_FailsTheMessage_AndQueuesItOnTheNextChannel()
    {
        var (school, message, notice) = await ClaimedAsync(withPhone: true);

        await Record(school, message, notice, DeliveryResult.Permanent("550 no such mailbox"));

        Assert.Equal(("failed", "550 no such mailbox → Sms"), ((await RowAsync(message.Id)).State, (await RowAsync(message.Id)).LastError));
        await using var db = await OpenAsync();
        Assert.Equal(("Sms", "pending"), await db.QuerySingleAsync<(string, string)>("SELECT channel, state FROM outbox WHERE fallback_of = @Id", new { message.Id }));
    }

    [Fact]
    public async Task TheRecord_OfRefusedSettings_PausesTheChannel_AndPutsTheMessageBackForWhenThePauseEnds()
    {
        var (school, message, notice) = await ClaimedAsync();

        await Record(school, message, notice, new DeliveryResult(DeliveryOutcome.ConfigurationFailure, "535 authentication failed"));

        var pauseEnd = clock.GetUtcNow().AddMinutes(30); // Delivery:MaxRetryDelayMinutes
        Assert.Equal((pauseEnd, (string?)null), await DueAsync(message.Id));
        Assert.Equal("pending", (await RowAsync(message.Id)).State);
        await using var db = await OpenAsync();
        Assert.Equal(StoreTime.Format(pauseEnd), await db.ExecuteScalarAsync<string>("SELECT paused_until FROM channel_pauses WHERE channel = 'Email'"));
    }

    [Fact]
    public async Task TheRecord_OfATemporaryFailure_PutsTheMessageBackForARetry_UntilItIsTooOld()
    {
        var (school, message, notice) = await ClaimedAsync();

        await Record(school, message, notice, DeliveryResult.Transient("421 try later"));

        // Delivery:FirstRetryDelaySeconds is 60, give or take the jitter of a fifth that keeps retries from moving in step.
        Assert.InRange((await DueAsync(message.Id)).NotBefore - clock.GetUtcNow(), TimeSpan.FromSeconds(48), TimeSpan.FromSeconds(72));
        Assert.Equal("pending", (await RowAsync(message.Id)).State);
        clock.Advance(TimeSpan.FromHours(25)); // Delivery:GiveUpAfterHours is 24
        await Record(school, message, notice, DeliveryResult.Transient("421 try later"));
        Assert.Equal(("failed", "gave up after 1 attempts: 421 try later"), ((await RowAsync(message.Id)).State, (await RowAsync(message.Id)).LastError));
    }

    [Fact]
    public async Task TheRecovery_TakesBackADeadRunnersClaim_AfterItsLease_OrAtOnceWherePresenceIsKnown_DueAsItWas()
    {
        var (school, message) = await QueuedAsync();
        var due = (await DueAsync(message.Id)).NotBefore;
        var claimedAt = clock.GetUtcNow();
        await InTransactionAsync(async (db, tx) => Assert.True(await OutboxStore.ClaimAsync(db, tx, message.Id, "other-node:4242:dead", claimedAt.AddMinutes(15), claimedAt)));
        var recovery = Get<InterruptedSends>();

        clock.Advance(TimeSpan.FromMinutes(14));
        await recovery.RecoverAsync(school, new DeliveryRun(), CancellationToken.None);
        if (!TestInstallation.PostgresByDefault)
        {
            // SQLite has no presence to ask: the claim is another runner's until its lease runs out. On PostgreSQL a runner
            // that holds no presence lock is gone, and its claim is taken back at once.
            Assert.Equal(("sending", "other-node:4242:dead"), ((await RowAsync(message.Id)).State, (await RowAsync(message.Id)).ClaimedBy));
            clock.Advance(TimeSpan.FromMinutes(2));
            await recovery.RecoverAsync(school, new DeliveryRun(), CancellationToken.None);
        }

        var row = await RowAsync(message.Id);
        Assert.Equal(("pending", null, 1L), (row.State, row.ClaimedBy, row.Interruptions));
        Assert.Equal(due, (await DueAsync(message.Id)).NotBefore);
        await using var db = await OpenAsync();
        Assert.Equal(0, await db.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM audit_log")); // the pickup folder says it never had it: no copy to audit
    }

    [Fact]
    public async Task Order000_2_4_TheClaim_CarriesTheGuardiansOtherDueDay_AndTheRecordClosesBoth_AsOneTransfer()
    {
        var (school, today, late) = await TwoDaysQueuedAsync(withPhone: false);

        var notice = (await Get<DeliveryClaim>().ClaimAsync(school, late, clock.GetUtcNow(), CancellationToken.None))!.Notice!;

        Assert.Equal([today.Id], notice.Carried.Select(d => d.Message.Id));
        Assert.Equal(("sending", "p1"), ((await RowAsync(today.Id)).State, (await RowAsync(today.Id)).PupilIds));
        Assert.Contains("и ранее", notice.Message.Subject, StringComparison.Ordinal);
        await Record(school, late, notice, DeliveryResult.Accepted("smtp-1"));

        Assert.Equal(("sent", "sent"), ((await RowAsync(late.Id)).State, (await RowAsync(today.Id)).State));
        await using var db = await OpenAsync();
        Assert.Equal([("2026-11-09", "notified", "2"), ("2026-11-10", "notified", "1")],
            await db.QueryAsync<(string, string, string)>("SELECT date, state, notified_lessons FROM absences ORDER BY date"));
        Assert.Equal(("absence-notice.sent", "p1"), await db.QuerySingleAsync<(string, string)>("SELECT action, subject_ids FROM audit_log"));
    }

    [Fact]
    public async Task TheRecord_OfAPermanentRefusal_FailsTheCarriedDayToo_AndBothFallBackToTheNextChannel()
    {
        var (school, today, late) = await TwoDaysQueuedAsync(withPhone: true);
        var notice = (await Get<DeliveryClaim>().ClaimAsync(school, late, clock.GetUtcNow(), CancellationToken.None))!.Notice!;

        await Record(school, late, notice, DeliveryResult.Permanent("550 no such mailbox"));

        Assert.Equal(("failed", "failed"), ((await RowAsync(late.Id)).State, (await RowAsync(today.Id)).State));
        await using var db = await OpenAsync();
        Assert.Equal([("2026-11-09", "Sms", "pending"), ("2026-11-10", "Sms", "pending")],
            await db.QueryAsync<(string, string, string)>("SELECT date, channel, state FROM outbox WHERE fallback_of IS NOT NULL ORDER BY date"));
    }

    [Fact]
    public async Task TheRecovery_OfACarrierADeadRunnerLeft_TakesBackTheDayItCarried_AndTheNextClaimCarriesItAgain()
    {
        var (school, today, late) = await TwoDaysQueuedAsync(withPhone: false);
        var claimedAt = clock.GetUtcNow();
        await InTransactionAsync(async (db, tx) =>
        {
            Assert.True(await OutboxStore.ClaimAsync(db, tx, late.Id, "other-node:4242:dead", claimedAt.AddMinutes(15), claimedAt));
            Assert.Single(await OutboxStore.ClaimRidersAsync(db, tx, "school-1", late, "other-node:4242:dead", claimedAt.AddMinutes(15), claimedAt));
        });

        clock.Advance(TimeSpan.FromMinutes(16));
        await Get<InterruptedSends>().RecoverAsync(school, new DeliveryRun(), CancellationToken.None);

        Assert.Equal(("pending", "pending"), ((await RowAsync(late.Id)).State, (await RowAsync(today.Id)).State));
        Assert.Equal((0L, 1L), ((await RowAsync(today.Id)).Interruptions, (await RowAsync(late.Id)).Interruptions));
        var again = (await Get<DeliveryClaim>().ClaimAsync(school, late, clock.GetUtcNow(), CancellationToken.None))!.Notice!;
        Assert.Equal([today.Id], again.Carried.Select(d => d.Message.Id));
    }

    [Fact]
    public async Task TheRecovery_OfACarrierTheChannelHas_RecordsTheDayItCarriedAsToldToo_AndNothingIsSentAgain()
    {
        var (school, today, late) = await TwoDaysQueuedAsync(withPhone: false);
        var notice = (await Get<DeliveryClaim>().ClaimAsync(school, late, clock.GetUtcNow(), CancellationToken.None))!.Notice!;
        Assert.Equal(DeliveryOutcome.Accepted, (await Get<NoticeRouting>().Channel(ChannelKind.Email)!.SendAsync(notice.Message, CancellationToken.None)).Outcome);
        // The runner dies between the send and its record: both rows stay "sending", claimed by a runner that is gone.
        await InTransactionAsync((db, tx) => db.ExecuteAsync(
            "UPDATE outbox SET claimed_by = 'other-node:4242:dead', claimed_until = @past WHERE state = 'sending'", new { past = StoreTime.Format(clock.GetUtcNow()) }, tx));
        clock.Advance(TimeSpan.FromMinutes(1));

        await Get<InterruptedSends>().RecoverAsync(school, new DeliveryRun(), CancellationToken.None);
        var after = await Get<OutboxDispatcher>().DeliverAsync("school-1", CancellationToken.None);

        Assert.Equal(("sent", "sent"), ((await RowAsync(late.Id)).State, (await RowAsync(today.Id)).State));
        Assert.Equal(0, after.Sent);
        Assert.Single(install.PickedUpRecipients());
        await using var db = await OpenAsync();
        Assert.Equal(["notified", "notified"], await db.QueryAsync<string>("SELECT state FROM absences ORDER BY date"));
        Assert.Equal("absence-notice.sent", await db.QuerySingleAsync<string>("SELECT action FROM audit_log"));
    }

    /// <summary>
    /// Monday's lesson 2, entered on Tuesday at 09:00, and Tuesday's lesson 1, found by one poll: two messages to the
    /// same guardian, both due. The installation's first poll was on Monday, so Monday is decided.
    /// </summary>
    private async Task<(SchoolContext School, OutboxMessage Today, OutboxMessage Late)> TwoDaysQueuedAsync(bool withPhone)
    {
        var tuesday = Monday.AddDays(1);
        install.Journal.Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Lessons("7Б", Monday, 3).Lessons("7Б", tuesday, 3)
            .Mark(Monday, "p1", 2, "Н", tuesday.ToDateTime(new TimeOnly(9, 0)))
            .Mark(tuesday, "p1", 1, "Н", tuesday.ToDateTime(new TimeOnly(9, 0)))
            .Guardian("g1", "Петрова Мария Ивановна", "maria@example.com", withPhone ? "+79001234567" : null);
        install.UseSmsc("http://127.0.0.1:9");
        host = install.BuildHost(clock);
        await Get<SchoolPoller>().PollAsync("school-1", CancellationToken.None);
        clock.SetUtcNow(At(tuesday, 9, 5));
        await Get<SchoolPoller>().PollAsync("school-1", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(25));
        await using var db = await OpenAsync();
        var due = await OutboxStore.DueAsync(db, "school-1", clock.GetUtcNow(), 10);
        Assert.Equal([Monday, tuesday], due.Select(m => m.Date).Order());
        return (Get<SchoolRegistry>().Get("school-1"), due.Single(m => m.Date == tuesday), due.Single(m => m.Date == Monday));
    }

    public void Dispose()
    {
        host?.Dispose();
        install.Dispose();
    }

    private static DateTimeOffset At(DateOnly date, int hour, int minute) => new DateTimeOffset(date.ToDateTime(new TimeOnly(hour, minute)), Moscow).ToUniversalTime();

    private T Get<T>() where T : notnull => host!.Services.GetRequiredService<T>();

    /// <summary>Monday 09:00: p1 misses the first lesson; the notice to g1 is queued, and due at 09:20 when the clock is moved there.</summary>
    /// <remarks>
    /// On <see cref="ChannelKind.Sms"/> the guardian has a phone only; <paramref name="withPhone"/> gives an e-mail guardian a
    /// phone too. Either way an SMS gateway is configured (never reached here), so SMS is a channel to go or fall back to.
    /// </remarks>
    private async Task<(SchoolContext School, OutboxMessage Message)> QueuedAsync(ChannelKind channel = ChannelKind.Email, bool withPhone = false)
    {
        install.Journal.Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Lessons("7Б", Monday, 3).Mark(Monday, "p1", 1, "Н")
            .Guardian("g1", "Петрова Мария Ивановна", channel == ChannelKind.Sms ? null : "maria@example.com", channel == ChannelKind.Sms || withPhone ? "+79001234567" : null);
        install.UseSmsc("http://127.0.0.1:9");
        if (channel == ChannelKind.Sms) install.School["DefaultChannel"] = "Sms";

        host = install.BuildHost(clock);
        await Get<SchoolPoller>().PollAsync("school-1", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(25));
        await using var db = await OpenAsync();
        var due = await OutboxStore.DueAsync(db, "school-1", clock.GetUtcNow(), 10);
        return (Get<SchoolRegistry>().Get("school-1"), Assert.Single(due));
    }

    private async Task<(SchoolContext School, OutboxMessage Message, ComposedNotice Notice)> ClaimedAsync(bool withPhone = false)
    {
        var (school, message) = await QueuedAsync(withPhone: withPhone);
        var composition = await Get<DeliveryClaim>().ClaimAsync(school, message, clock.GetUtcNow(), CancellationToken.None);
        return (school, message, composition!.Notice!);
    }

    private Task Record(SchoolContext school, OutboxMessage message, ComposedNotice notice, DeliveryResult result) =>
        Get<DeliveryRecord>().RecordAsync(school, message, ChannelKind.Email, notice, result, new DeliveryRun(), CancellationToken.None);

    private Task<System.Data.Common.DbConnection> OpenAsync() => Get<ConnectorDatabase>().OpenAsync(CancellationToken.None);

    private Task InTransactionAsync(Func<System.Data.Common.DbConnection, System.Data.Common.DbTransaction, Task> work) =>
        Get<ConnectorDatabase>().InTransactionAsync(async (db, tx) =>
        {
            await work(db, tx);
            return 0;
        }, CancellationToken.None);

    private async Task<(DateTimeOffset NotBefore, string? Late)> DueAsync(long id)
    {
        await using var db = await OpenAsync();
        var (notBefore, late) = await db.QuerySingleAsync<(string, string?)>("SELECT not_before, deferred_reason FROM outbox WHERE id = @id", new { id });
        return (StoreTime.ParseInstant(notBefore), late);
    }

    private async Task<Row> RowAsync(long id)
    {
        await using var db = await OpenAsync();
        return await db.QuerySingleAsync<Row>(
            """
            SELECT state AS State, attempts AS Attempts, address AS Address, pupil_ids AS PupilIds, provider_id AS ProviderId, last_error AS LastError,
                claimed_by AS ClaimedBy, interruptions AS Interruptions
            FROM outbox WHERE id = @id
            """, new { id });
    }

    private sealed record Row(string State, long Attempts, string? Address, string? PupilIds, string? ProviderId, string? LastError, string? ClaimedBy, long Interruptions);
}
