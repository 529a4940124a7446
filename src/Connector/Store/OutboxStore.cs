using System.Data.Common;
using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;
using Connector.Delivery;
using Dapper;

namespace Connector.Store;

/// <summary>Where an outbox message stands. The store writes each as its lower-case name.</summary>
internal enum OutboxState
{
    /// <summary>Waiting for its time (<c>not_before</c>) and a runner.</summary>
    Pending,

    /// <summary>Claimed by a runner, which is handing it to its channel.</summary>
    Sending,

    Sent,
    Cancelled,
    Failed,

    /// <summary>No channel reaches the recipient; closed as it was queued.</summary>
    Unreachable,
}

/// <summary>
/// The outbox as delivery asks for it: due messages, the claim, each outcome, the messages a runner left behind, and
/// the channel pauses and rate the gate reads. Every statement on <c>outbox</c>, <c>delivery_attempts</c> and
/// <c>channel_pauses</c> is here.
/// </summary>
internal static class OutboxStore
{
    public static string Text(OutboxState state) => state.ToString().ToLowerInvariant();

    public static OutboxState ParseState(string text) => Enum.Parse<OutboxState>(text, ignoreCase: true);

    /// <summary>The school's pending messages whose time has come, oldest first.</summary>
    public static async Task<List<OutboxMessage>> DueAsync(DbConnection db, string schoolId, DateTimeOffset now, int limit) =>
        (await db.QueryAsync<OutboxRow>(
            $"SELECT {OutboxRow.Columns} FROM outbox WHERE school_id = @schoolId AND state = 'pending' AND not_before <= @now ORDER BY id LIMIT @limit",
            new { schoolId, now = StoreTime.Format(now), limit }).ConfigureAwait(false)).Select(r => r.Message()).ToList();

    /// <summary>Moves a message to <paramref name="until"/>; <paramref name="lateReason"/>, when given, says why it missed its day.</summary>
    public static Task DeferAsync(DbConnection db, long id, DateTimeOffset until, string? lateReason) => db.ExecuteAsync(
        "UPDATE outbox SET not_before = @until, deferred_reason = COALESCE(@lateReason, deferred_reason) WHERE id = @id",
        new { id, until = StoreTime.Format(until), lateReason });

    /// <summary>
    /// The claim, a compare-and-set on the state: of two runners that picked the same message, one gets it (true).
    /// The claim lasts until <paramref name="until"/>; after that any runner may take the message back.
    /// </summary>
    public static async Task<bool> ClaimAsync(DbConnection db, DbTransaction tx, long id, string runnerId, DateTimeOffset until, DateTimeOffset now) =>
        await db.ExecuteAsync(
            """
            UPDATE outbox SET state = 'sending', claimed_by = @runnerId, claimed_until = @until, last_attempt_at = @now
            WHERE id = @id AND state = 'pending'
            """,
            new { id, runnerId, until = StoreTime.Format(until), now = StoreTime.Format(now) }, tx).ConfigureAwait(false) == 1;

    /// <summary>
    /// Claims, with <paramref name="carrier"/>, the guardian's other absence messages on the same channel that are due:
    /// days the guardian was not told of yet (a late entry found with today's absence), to go as one message. Each is
    /// taken by compare-and-set, as the carrier was; those another runner took meanwhile are left to it.
    /// </summary>
    public static async Task<List<OutboxMessage>> ClaimRidersAsync(
        DbConnection db, DbTransaction tx, string schoolId, OutboxMessage carrier, string runnerId, DateTimeOffset until, DateTimeOffset now)
    {
        var candidates = (await db.QueryAsync<OutboxRow>(
            $"""
            SELECT {OutboxRow.Columns} FROM outbox
            WHERE school_id = @schoolId AND guardian_id = @GuardianId AND kind = @kind AND channel = @channel AND state = 'pending' AND not_before <= @now AND id <> @Id
            ORDER BY date, id
            """,
            new { schoolId, carrier.GuardianId, kind = MessageKind.Absence.Name(), channel = carrier.Channel?.ToString(), now = StoreTime.Format(now), carrier.Id }, tx)
            .ConfigureAwait(false)).Select(r => r.Message()).ToList();
        var riders = new List<OutboxMessage>();
        foreach (var candidate in candidates)
        {
            var taken = await db.ExecuteAsync(
                """
                UPDATE outbox SET state = 'sending', claimed_by = @runnerId, claimed_until = @until, last_attempt_at = @now, carried_by = @carrier
                WHERE id = @id AND state = 'pending'
                """,
                new { id = candidate.Id, runnerId, until = StoreTime.Format(until), now = StoreTime.Format(now), carrier = carrier.Id }, tx).ConfigureAwait(false) == 1;
            if (taken) riders.Add(candidate with { CarriedBy = carrier.Id });
        }

        return riders;
    }

    /// <summary>The messages <paramref name="carrierId"/> carries, in <paramref name="state"/>.</summary>
    public static async Task<List<OutboxMessage>> RidersOfAsync(DbConnection db, DbTransaction tx, long carrierId, OutboxState state) =>
        (await db.QueryAsync<OutboxRow>(
            $"SELECT {OutboxRow.Columns} FROM outbox WHERE carried_by = @carrierId AND state = @state ORDER BY date, id",
            new { carrierId, state = Text(state) }, tx).ConfigureAwait(false)).Select(r => r.Message()).ToList();

    /// <summary>
    /// Puts the messages a carrier was taking in the queue again on their own: the carrier was not sent, so they wait
    /// with it (due at <paramref name="notBefore"/>, the carrier's next try) or, with null, are due as they were.
    /// </summary>
    public static Task ReleaseRidersAsync(DbConnection db, DbTransaction tx, long carrierId, DateTimeOffset? notBefore) => db.ExecuteAsync(
        """
        UPDATE outbox SET state = 'pending', carried_by = NULL, claimed_by = NULL, claimed_until = NULL, not_before = COALESCE(@notBefore, not_before)
        WHERE carried_by = @carrierId AND state = 'sending'
        """,
        new { carrierId, notBefore = notBefore is { } at ? StoreTime.Format(at) : null }, tx);

    /// <summary>Counts the attempt about to be made and what it is made with: the address and the children it names.</summary>
    public static Task StartAttemptAsync(DbConnection db, DbTransaction tx, long id, string address, IEnumerable<string> pupilIds) => db.ExecuteAsync(
        "UPDATE outbox SET attempts = attempts + 1, address = @address, pupil_ids = @pupils WHERE id = @id",
        new { id, address, pupils = string.Join(',', pupilIds) }, tx);

    /// <summary>Closes a message that has nothing left to tell.</summary>
    public static Task CancelAsync(DbConnection db, DbTransaction tx, long id, string reason, DateTimeOffset now) => db.ExecuteAsync(
        "UPDATE outbox SET state = 'cancelled', closed_at = @now, last_error = @reason WHERE id = @id",
        new { id, reason, now = StoreTime.Format(now) }, tx);

    /// <summary>Closes a message as failed for good.</summary>
    public static Task FailAsync(DbConnection db, DbTransaction tx, long id, string error, DateTimeOffset now) => db.ExecuteAsync(
        "UPDATE outbox SET state = 'failed', closed_at = @now, last_error = @error WHERE id = @id",
        new { id, error, now = StoreTime.Format(now) }, tx);

    /// <summary>Gives a claimed message back to the queue, due at <paramref name="notBefore"/>.</summary>
    public static Task RetryAsync(DbConnection db, DbTransaction tx, long id, DateTimeOffset notBefore, string? error) => db.ExecuteAsync(
        "UPDATE outbox SET state = 'pending', not_before = @notBefore, last_error = @error WHERE id = @id",
        new { id, notBefore = StoreTime.Format(notBefore), error }, tx);

    /// <summary>Records one hand-over to a channel and what the channel said.</summary>
    public static Task RecordAttemptAsync(DbConnection db, DbTransaction tx, long id, DeliveryOutcome outcome, string? detail, DateTimeOffset at) => db.ExecuteAsync(
        "INSERT INTO delivery_attempts (outbox_id, attempted_at, outcome, detail) VALUES (@id, @at, @outcome, @detail)",
        new { id, at = StoreTime.Format(at), outcome = outcome.ToString(), detail }, tx);

    /// <summary>Closes a message as sent; an SMS then waits for its delivery status.</summary>
    public static Task MarkSentAsync(DbConnection db, DbTransaction tx, long id, string address, string? providerId, DateTimeOffset now) => db.ExecuteAsync(
        """
        UPDATE outbox SET state = 'sent', sent_at = @at, closed_at = @at, provider_id = COALESCE(@providerId, provider_id), address = @address,
            delivery_status = CASE WHEN channel = 'Sms' THEN 'Pending' END, last_error = NULL
        WHERE id = @id
        """,
        new { id, at = StoreTime.Format(now), providerId, address }, tx);

    /// <summary>Removes send attempts made before <paramref name="before"/>; returns how many.</summary>
    public static Task<int> PruneAttemptsAsync(DbConnection db, DateTimeOffset before) =>
        db.ExecuteAsync("DELETE FROM delivery_attempts WHERE attempted_at < @before", new { before = StoreTime.Format(before) });

    /// <summary>
    /// Messages another runner left "sending" that this one may look at: all of them while it holds the installation
    /// lock (no other runner can be alive), else those whose lease ran out, and with <paramref name="liveness"/> those
    /// of any runner, whose presence the caller then checks.
    /// </summary>
    public static async Task<List<OutboxMessage>> InterruptedAsync(DbConnection db, string schoolId, string runnerId, bool exclusive, bool liveness, DateTimeOffset now) =>
        (await db.QueryAsync<OutboxRow>(
            $"""
            SELECT {OutboxRow.Columns} FROM outbox
            WHERE school_id = @schoolId AND state = 'sending' AND COALESCE(claimed_by, '') <> @runnerId
                AND (@exclusive = 1 OR claimed_until IS NULL OR claimed_until < @now OR (@liveness = 1 AND claimed_by <> @unknown))
            """,
            new { schoolId, runnerId, exclusive = exclusive ? 1 : 0, liveness = liveness ? 1 : 0, now = StoreTime.Format(now), unknown = UnknownRunner })
            .ConfigureAwait(false)).Select(r => r.Message()).ToList();

    /// <summary>Whether the claim still runs at <paramref name="now"/>.</summary>
    public static bool IsLeased(OutboxMessage message, DateTimeOffset now) => message.ClaimedUntil >= now;

    /// <summary>Takes a message back from the runner that claimed it, by compare-and-set: of two runners recovering it, one gets it (true).</summary>
    public static async Task<bool> TakeBackAsync(DbConnection db, DbTransaction tx, OutboxMessage message, string runnerId, DateTimeOffset until) =>
        await db.ExecuteAsync(
            """
            UPDATE outbox SET claimed_by = @runnerId, claimed_until = @until, interruptions = interruptions + 1
            WHERE id = @Id AND state = 'sending' AND COALESCE(claimed_by, '') = COALESCE(@ClaimedBy, '')
            """,
            new { message.Id, runnerId, until = StoreTime.Format(until), message.ClaimedBy }, tx).ConfigureAwait(false) == 1;

    /// <summary>The claimant of a message whose channel did not say whether it has it: nobody, till <c>claimed_until</c>.</summary>
    public const string UnknownRunner = "unknown";

    /// <summary>Leaves a taken-back message with nobody until <paramref name="later"/>, when the channel is asked again.</summary>
    public static Task AskLaterAsync(DbConnection db, DbTransaction tx, long id, DateTimeOffset later) => db.ExecuteAsync(
        "UPDATE outbox SET claimed_by = @unknown, claimed_until = @later, last_error = 'the channel did not say whether it has the message; asked again later' WHERE id = @id",
        new { id, later = StoreTime.Format(later), unknown = UnknownRunner }, tx);

    /// <summary>
    /// Puts a taken-back message back in the queue, due at once for every runner: its not_before stays as it was when
    /// it was claimed, so a runner whose clock is behind this one's (another node, a rehearsal started again) does not
    /// find it "not yet".
    /// </summary>
    public static Task ReleaseAsync(DbConnection db, DbTransaction tx, long id, DateTimeOffset now) => db.ExecuteAsync(
        "UPDATE outbox SET state = 'pending', not_before = CASE WHEN not_before < @now THEN not_before ELSE @now END, claimed_by = NULL, claimed_until = NULL WHERE id = @id",
        new { id, now = StoreTime.Format(now) }, tx);

    /// <summary>The school's SMS sent since <paramref name="since"/> whose delivery the gateway has not reported yet, oldest first.</summary>
    public static async Task<List<OutboxMessage>> AwaitingStatusAsync(DbConnection db, string schoolId, DateTimeOffset since, int limit) =>
        (await db.QueryAsync<OutboxRow>(
            $"""
            SELECT {OutboxRow.Columns} FROM outbox
            WHERE school_id = @schoolId AND channel = 'Sms' AND state = 'sent' AND delivery_status = 'Pending' AND provider_id IS NOT NULL AND sent_at > @since
            ORDER BY id LIMIT @limit
            """, new { schoolId, since = StoreTime.Format(since), limit }).ConfigureAwait(false)).Select(r => r.Message()).ToList();

    public static Task RecordStatusAsync(DbConnection db, DbTransaction tx, long id, DeliveryState state, string? detail, DateTimeOffset now) => db.ExecuteAsync(
        "UPDATE outbox SET delivery_status = @state, delivery_detail = @detail, status_checked_at = @at WHERE id = @id OR (carried_by = @id AND state = 'sent')",
        new { id, state = state.ToString(), detail, at = StoreTime.Format(now) }, tx);

    /// <summary>A guardian's messages of one kind and day, oldest first, as the writer weighs them.</summary>
    public static async Task<List<QueuedMessage>> OfGuardianAsync(DbConnection db, DbTransaction tx, string schoolId, string guardianId, DateOnly date, MessageKind kind) =>
        (await db.QueryAsync<(long Id, string State, string? PupilIds, string? Channel)>(
            "SELECT id, state, pupil_ids, channel FROM outbox WHERE school_id = @schoolId AND guardian_id = @guardianId AND date = @date AND kind = @kind ORDER BY id",
            new { schoolId, guardianId, date = StoreTime.Format(date), kind = kind.Name() }, tx).ConfigureAwait(false))
        .Select(r => new QueuedMessage(r.Id, ParseState(r.State), PupilList(r.PupilIds), r.Channel is null ? null : Enum.Parse<ChannelKind>(r.Channel)))
        .ToList();

    /// <summary>Queues a cancelled message again, due at <paramref name="notBefore"/>.</summary>
    public static Task ReopenAsync(DbConnection db, DbTransaction tx, long id, DateTimeOffset notBefore) => db.ExecuteAsync(
        "UPDATE outbox SET state = 'pending', not_before = @notBefore, closed_at = NULL, last_error = NULL WHERE id = @id",
        new { id, notBefore = StoreTime.Format(notBefore) }, tx);

    /// <summary>The guardians told of a day's absences, each with the channel and the children the message named.</summary>
    public static async Task<List<(string GuardianId, ChannelKind Channel, IReadOnlyList<string> PupilIds)>> ToldOnAsync(DbConnection db, DbTransaction tx, string schoolId, DateOnly date, MessageKind kind) =>
        (await db.QueryAsync<(string GuardianId, string Channel, string? PupilIds)>(
            "SELECT guardian_id, channel, pupil_ids FROM outbox WHERE school_id = @schoolId AND date = @date AND kind = @kind AND state = 'sent'",
            new { schoolId, date = StoreTime.Format(date), kind = kind.Name() }, tx).ConfigureAwait(false))
        .Select(r => (r.GuardianId, Enum.Parse<ChannelKind>(r.Channel), PupilList(r.PupilIds)))
        .ToList();

    /// <summary>The channels already tried for the same message as <paramref name="message"/>.</summary>
    public static async Task<HashSet<ChannelKind>> ChannelsTriedAsync(DbConnection db, DbTransaction tx, string schoolId, OutboxMessage message) =>
        (await db.QueryAsync<string>(
            """
            SELECT channel FROM outbox WHERE school_id = @schoolId AND guardian_id = @GuardianId AND date = @date AND kind = @kind
                AND channel IS NOT NULL AND COALESCE(only_pupil_id, '') = COALESCE(@OnlyPupilId, '')
            """,
            new { schoolId, message.GuardianId, date = StoreTime.Format(message.Date), kind = message.Kind.Name(), message.OnlyPupilId }, tx).ConfigureAwait(false))
        .Select(c => Enum.Parse<ChannelKind>(c)).ToHashSet();

    /// <summary>Adds a message once: a second insert with the same natural key does nothing. An unreachable one is closed as it is queued.</summary>
    public static Task InsertAsync(DbConnection db, DbTransaction tx, NewOutboxMessage message) => db.ExecuteAsync(
        """
        INSERT INTO outbox (idempotency_key, school_id, kind, guardian_id, date, channel, only_pupil_id, state, not_before, created_at, last_error, closed_at, fallback_of)
        VALUES (@key, @schoolId, @kind, @guardianId, @date, @channel, @onlyPupil, @state, @notBefore, @at, @error, CASE WHEN @state = 'unreachable' THEN @at END, @fallbackOf)
        ON CONFLICT DO NOTHING
        """,
        new
        {
            key = message.Key, schoolId = message.SchoolId, kind = message.Kind.Name(), guardianId = message.GuardianId, date = StoreTime.Format(message.Date),
            channel = message.Channel?.ToString(), onlyPupil = message.OnlyPupilId, state = Text(message.State), notBefore = StoreTime.Format(message.NotBefore),
            at = StoreTime.Format(message.Now), error = message.Error, fallbackOf = message.FallbackOf,
        },
        tx);

    /// <summary>
    /// How many messages went through the channel in the minute before <paramref name="now"/>, from every school, leaving
    /// out the attempts of the messages <paramref name="except"/> (those still on their way, counted by the caller).
    /// </summary>
    public static Task<int> SentInLastMinuteAsync(DbConnection db, ChannelKind channel, DateTimeOffset now, IReadOnlyCollection<long> except) => db.ExecuteScalarAsync<int>(
        $"""
        SELECT COUNT(*) FROM delivery_attempts a JOIN outbox o ON o.id = a.outbox_id
        WHERE o.channel = @channel AND a.attempted_at > @since AND a.attempted_at <= @now AND NOT (a.outbox_id {SqlDialect.In(db, "except")})
        """,
        new { channel = channel.ToString(), since = StoreTime.Format(now.AddMinutes(-1)), now = StoreTime.Format(now), except = except.ToList() });

    public static async Task<bool> IsPausedAsync(DbConnection db, ChannelKind channel, DateTimeOffset now) =>
        await db.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM channel_pauses WHERE channel = @channel AND paused_until > @now",
            new { channel = channel.ToString(), now = StoreTime.Format(now) }).ConfigureAwait(false) > 0;

    public static Task PauseAsync(DbConnection db, DbTransaction tx, ChannelKind channel, DateTimeOffset until, string reason, DateTimeOffset now) => db.ExecuteAsync(
        """
        INSERT INTO channel_pauses (channel, paused_until, reason, since) VALUES (@channel, @until, @reason, @now)
        ON CONFLICT (channel) DO UPDATE SET paused_until = excluded.paused_until, reason = excluded.reason
        """,
        new { channel = channel.ToString(), until = StoreTime.Format(until), reason, now = StoreTime.Format(now) }, tx);

    public static Task ResumeAsync(DbConnection db, DbTransaction tx, ChannelKind channel) =>
        db.ExecuteAsync("DELETE FROM channel_pauses WHERE channel = @channel", new { channel = channel.ToString() }, tx);

    /// <summary>The children a message named, as the store keeps them: ids joined by commas.</summary>
    public static IReadOnlyList<string> PupilList(string? text) => (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>An outbox row as the store holds it, and the message it maps to: the one place its text columns become dates, enums and lists.</summary>
    private sealed record OutboxRow(
        long Id, string IdempotencyKey, string Kind, string GuardianId, string Date, string? Channel, string? OnlyPupilId, string CreatedAt, long Attempts,
        string? Address, string? PupilIds, string? ProviderId, string? ClaimedBy, string? ClaimedUntil, long? CarriedBy)
    {
        /// <summary>The columns, in the order of the constructor.</summary>
        public const string Columns = """
            id AS Id, idempotency_key AS IdempotencyKey, kind AS Kind, guardian_id AS GuardianId, date AS Date, channel AS Channel,
            only_pupil_id AS OnlyPupilId, created_at AS CreatedAt, attempts AS Attempts, address AS Address, pupil_ids AS PupilIds,
            provider_id AS ProviderId, claimed_by AS ClaimedBy, claimed_until AS ClaimedUntil, carried_by AS CarriedBy
            """;

        public OutboxMessage Message() => new(
            Id, IdempotencyKey, Enum.Parse<MessageKind>(Kind, ignoreCase: true), GuardianId, StoreTime.ParseDate(Date), Channel is null ? null : Enum.Parse<ChannelKind>(Channel),
            OnlyPupilId, StoreTime.ParseInstant(CreatedAt), (int)Attempts, Address, PupilList(PupilIds), ProviderId, ClaimedBy,
            ClaimedUntil is null ? null : StoreTime.ParseInstant(ClaimedUntil), CarriedBy);
    }
}

/// <summary>A message of a guardian's day as the outbox writer weighs it.</summary>
internal sealed record QueuedMessage(long Id, OutboxState State, IReadOnlyList<string> PupilIds, ChannelKind? Channel);

/// <summary>A message to add to the outbox.</summary>
internal sealed record NewOutboxMessage(
    string Key, string SchoolId, MessageKind Kind, string GuardianId, DateOnly Date, ChannelKind? Channel, string? OnlyPupilId,
    OutboxState State, DateTimeOffset NotBefore, DateTimeOffset Now, string? Error = null, long? FallbackOf = null);
