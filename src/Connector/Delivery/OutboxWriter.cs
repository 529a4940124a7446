using System.Data.Common;
using Connector.Abstractions.Schools;
using Connector.Store;
using Dapper;

namespace Connector.Delivery;

/// <summary>
/// Puts messages into the outbox, in the caller's transaction. One rule for every path: a guardian gets one
/// message of a kind per day, on the first channel the policy allows. A channel is tried at most once for the
/// same message, and each message has a natural key, so the same decision queues it once.
/// </summary>
internal static class OutboxWriter
{
    public const string Absence = "absence";
    public const string Correction = "correction";
    public const string Digest = "digest";

    /// <summary>Queues the day's digest to a staff member by e-mail.</summary>
    public static Task QueueDigestAsync(DbConnection db, DbTransaction tx, string schoolId, string staffId, DateOnly date, DateTimeOffset now) =>
        InsertRowAsync(db, tx, Key(Digest, schoolId, $"staff-{staffId}", date, nameof(ChannelKind.Email), null), schoolId, Digest, StaffRecipient(staffId), date,
            nameof(ChannelKind.Email), null, "pending", now, now, null, null);

    /// <summary>How a staff member stands in the outbox's recipient column.</summary>
    public static string StaffRecipient(string staffId) => $"staff:{staffId}";

    /// <summary>
    /// Queues the day's absence notice to each guardian of <paramref name="pupilId"/>. A sibling or a later lesson
    /// joins a message still queued. Only a child first found absent after that day's message already went gets a
    /// message of their own. Returns how many were queued and how many guardians cannot be reached.
    /// </summary>
    public static async Task<(int Queued, int Unreachable, bool HasGuardians)> QueueAbsenceAsync(
        DbConnection db, DbTransaction tx, string schoolId, ChannelKind schoolDefault, NoticeRouting routing,
        string pupilId, DateOnly date, DateTimeOffset notBefore, DateTimeOffset now)
    {
        var guardians = (await db.QueryAsync<string>(
            "SELECT guardian_id FROM pupil_guardians WHERE school_id = @schoolId AND pupil_id = @pupilId ORDER BY guardian_id",
            new { schoolId, pupilId }, tx).ConfigureAwait(false)).ToList();
        var (queued, unreachable) = (0, 0);
        foreach (var guardianId in guardians)
        {
            var rows = (await db.QueryAsync<(long Id, string State, string? PupilIds, string? Channel)>(
                "SELECT id, state, pupil_ids, channel FROM outbox WHERE school_id = @schoolId AND guardian_id = @guardianId AND date = @date AND kind = @Absence ORDER BY id",
                new { schoolId, guardianId, date = StoreTime.Format(date), Absence }, tx).ConfigureAwait(false)).ToList();

            string? onlyPupil = null;
            if (rows.Count > 0 && rows.All(r => r.State == "cancelled"))
            {
                await db.ExecuteAsync("UPDATE outbox SET state = 'pending', not_before = @notBefore, closed_at = NULL, last_error = NULL WHERE id = @id",
                    new { id = rows[^1].Id, notBefore = StoreTime.Format(notBefore) }, tx).ConfigureAwait(false);
                queued++;
                continue;
            }

            var tried = new List<ChannelKind>();
            if (rows.Count > 0)
            {
                var waiting = rows.Any(r => r.State is "pending");
                // The guard that makes "one message per guardian per day" hold: a guardian already told (or being
                // told) about this child today is not told again, whatever the absence's own state says.
                var told = rows.Any(r => r.State is "sent" or "sending" && (r.PupilIds ?? "").Split(',').Contains(pupilId));
                if (waiting || told) continue;
                if (rows.All(r => r.State is "failed" or "unreachable"))
                {
                    // Nobody was told yet: try the channels not tried, now that the journal may have a new address.
                    tried.AddRange(rows.Where(r => r.Channel is not null).Select(r => Enum.Parse<ChannelKind>(r.Channel!)));
                }
                else
                {
                    onlyPupil = pupilId;
                }
            }

            if (await InsertAsync(db, tx, schoolId, schoolDefault, routing, Absence, guardianId, date, onlyPupil, notBefore, now, tried, fallbackOf: null).ConfigureAwait(false))
            {
                queued++;
            }
            else
            {
                unreachable++;
            }
        }

        return (queued, unreachable, guardians.Count > 0);
    }

    /// <summary>Queues a correction to each guardian who was told about <paramref name="pupilId"/>'s absence that day, on the channel they were told by.</summary>
    public static async Task<int> QueueCorrectionAsync(DbConnection db, DbTransaction tx, string schoolId, string pupilId, DateOnly date, DateTimeOffset notBefore, DateTimeOffset now)
    {
        var told = (await db.QueryAsync<(string GuardianId, string Channel, string? PupilIds)>(
            "SELECT guardian_id, channel, pupil_ids FROM outbox WHERE school_id = @schoolId AND date = @date AND kind = @Absence AND state = 'sent'",
            new { schoolId, date = StoreTime.Format(date), Absence }, tx).ConfigureAwait(false))
            .Where(r => (r.PupilIds ?? "").Split(',').Contains(pupilId))
            .DistinctBy(r => r.GuardianId)
            .ToList();
        foreach (var (guardianId, channel, _) in told)
        {
            await InsertRowAsync(db, tx, Key(Correction, schoolId, guardianId, date, channel, pupilId), schoolId, Correction, guardianId, date, channel, pupilId,
                "pending", notBefore, now, null, null).ConfigureAwait(false);
        }

        return told.Count;
    }

    /// <summary>
    /// After a permanent failure, queues the same message on the next channel the policy allows that was not
    /// tried yet. Returns the channel, or null when none is left.
    /// </summary>
    public static async Task<ChannelKind?> QueueFallbackAsync(
        DbConnection db, DbTransaction tx, string schoolId, ChannelKind schoolDefault, NoticeRouting routing, OutboxMessage failed, DateTimeOffset now)
    {
        var tried = (await db.QueryAsync<string>(
                """
                SELECT channel FROM outbox WHERE school_id = @schoolId AND guardian_id = @GuardianId AND date = @Date AND kind = @Kind
                    AND channel IS NOT NULL AND COALESCE(only_pupil_id, '') = COALESCE(@OnlyPupilId, '')
                """,
                new { schoolId, failed.GuardianId, failed.Date, failed.Kind, failed.OnlyPupilId }, tx).ConfigureAwait(false))
            .Select(c => Enum.Parse<ChannelKind>(c)).ToHashSet();
        var contact = await GuardianContacts.LoadAsync(db, tx, schoolId, failed.GuardianId).ConfigureAwait(false);
        if (contact is null) return null;
        var next = ChannelPolicy.Order(contact, schoolDefault, routing.Available).Where(c => !tried.Contains(c)).Cast<ChannelKind?>().FirstOrDefault();
        if (next is not { } channel) return null;

        await InsertRowAsync(db, tx, Key(failed.Kind, schoolId, failed.GuardianId, StoreTime.ParseDate(failed.Date), channel.ToString(), failed.OnlyPupilId),
            schoolId, failed.Kind, failed.GuardianId, StoreTime.ParseDate(failed.Date), channel.ToString(), failed.OnlyPupilId, "pending", now, now, null, failed.Id).ConfigureAwait(false);
        return channel;
    }

    /// <summary>The natural key: kind, school, guardian, date, channel, and the pupil for a message about one child only.</summary>
    public static string Key(string kind, string schoolId, string guardianId, DateOnly date, string? channel, string? onlyPupil) =>
        $"{kind}:{schoolId}:{guardianId}:{StoreTime.Format(date)}:{channel?.ToLowerInvariant() ?? "none"}{(onlyPupil is null ? "" : ":" + onlyPupil)}";

    private static async Task<bool> InsertAsync(
        DbConnection db, DbTransaction tx, string schoolId, ChannelKind schoolDefault, NoticeRouting routing, string kind, string guardianId,
        DateOnly date, string? onlyPupil, DateTimeOffset notBefore, DateTimeOffset now, IReadOnlyCollection<ChannelKind> tried, long? fallbackOf)
    {
        var contact = await GuardianContacts.LoadAsync(db, tx, schoolId, guardianId).ConfigureAwait(false);
        var order = contact is null ? [] : ChannelPolicy.Order(contact, schoolDefault, routing.Available).Where(c => !tried.Contains(c)).ToList();
        if (order.Count == 0)
        {
            var why = contact is null ? "представителя нет в журнале" : ChannelPolicy.WhyUnreachable(contact, routing.Available);
            await InsertRowAsync(db, tx, Key(kind, schoolId, guardianId, date, null, onlyPupil), schoolId, kind, guardianId, date, null, onlyPupil,
                "unreachable", notBefore, now, why, fallbackOf).ConfigureAwait(false);
            return false;
        }

        var channel = order[0].ToString();
        await InsertRowAsync(db, tx, Key(kind, schoolId, guardianId, date, channel, onlyPupil), schoolId, kind, guardianId, date, channel, onlyPupil,
            "pending", notBefore, now, null, fallbackOf).ConfigureAwait(false);
        return true;
    }

    private static Task InsertRowAsync(
        DbConnection db, DbTransaction tx, string key, string schoolId, string kind, string guardianId, DateOnly date, string? channel,
        string? onlyPupil, string state, DateTimeOffset notBefore, DateTimeOffset now, string? error, long? fallbackOf) => db.ExecuteAsync(
        """
        INSERT INTO outbox (idempotency_key, school_id, kind, guardian_id, date, channel, only_pupil_id, state, not_before, created_at, last_error, closed_at, fallback_of)
        VALUES (@key, @schoolId, @kind, @guardianId, @date, @channel, @onlyPupil, @state, @notBefore, @at, @error, CASE WHEN @state = 'unreachable' THEN @at END, @fallbackOf)
        ON CONFLICT DO NOTHING
        """,
        new { key, schoolId, kind, guardianId, date = StoreTime.Format(date), channel, onlyPupil, state, notBefore = StoreTime.Format(notBefore), at = StoreTime.Format(now), error, fallbackOf },
        tx);
}
