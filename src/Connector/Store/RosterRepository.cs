using System.Data.Common;
using Connector.Abstractions.Schools;
using Dapper;

namespace Connector.Store;

/// <summary>Pupils and guardians as last read from the journal.</summary>
internal static class RosterRepository
{
    public static async Task<bool> NeedsSyncAsync(DbConnection db, string schoolId, DateOnly localDate)
    {
        var last = await db.ExecuteScalarAsync<string?>(
            "SELECT local_date FROM roster_syncs WHERE school_id = @schoolId", new { schoolId }).ConfigureAwait(false);
        return last != StoreTime.Format(localDate);
    }

    /// <summary>The active pupils and the guardians with a contact, as the last accepted roster had them.</summary>
    public static async Task<Polling.StoredRoster> LoadStoredAsync(DbConnection db, DbTransaction tx, string schoolId)
    {
        var pupils = (await db.QueryAsync<string>("SELECT pupil_id FROM pupils WHERE school_id = @schoolId AND active = 1", new { schoolId }, tx).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
        var guardians = (await db.QueryAsync<string>(
                "SELECT guardian_id FROM guardians WHERE school_id = @schoolId AND (email IS NOT NULL OR phone IS NOT NULL)", new { schoolId }, tx).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
        return new Polling.StoredRoster(pupils, guardians);
    }

    /// <summary>Whether any of <paramref name="pupilIds"/> is a pupil the store does not know.</summary>
    public static async Task<bool> HasUnknownAsync(DbConnection db, string schoolId, IEnumerable<string> pupilIds)
    {
        var known = (await db.QueryAsync<string>("SELECT pupil_id FROM pupils WHERE school_id = @schoolId", new { schoolId }).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
        return pupilIds.Any(id => !known.Contains(id));
    }

    /// <summary>Replaces the school's roster. Pupils the journal no longer lists are kept but marked inactive.</summary>
    public static async Task SaveAsync(DbConnection db, DbTransaction tx, string schoolId, Roster roster, DateTimeOffset now, DateOnly localDate)
    {
        var at = StoreTime.Format(now);
        // A pupil whose data was removed after leaving stays removed while the journal still lists them as left:
        // neither the name nor the guardians come back with the next roster.
        var removed = (await db.QueryAsync<string>("SELECT pupil_id FROM pupils WHERE school_id = @schoolId AND anonymised_at IS NOT NULL", new { schoolId }, tx).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
        removed.IntersectWith(roster.Pupils.Where(p => !p.Active).Select(p => p.Id));
        if (removed.Count > 0)
        {
            var kept = roster.Pupils.Where(p => !removed.Contains(p.Id)).ToList();
            var linked = kept.SelectMany(p => p.GuardianIds).ToHashSet(StringComparer.Ordinal);
            var dropped = roster.Pupils.Where(p => removed.Contains(p.Id)).SelectMany(p => p.GuardianIds).Where(g => !linked.Contains(g)).ToHashSet(StringComparer.Ordinal);
            roster = roster with { Pupils = kept, Guardians = roster.Guardians.Where(g => !dropped.Contains(g.Id)).ToList() };
        }

        await db.ExecuteAsync("UPDATE pupils SET active = 0 WHERE school_id = @schoolId", new { schoolId }, tx).ConfigureAwait(false);
        await db.ExecuteAsync(
            """
            INSERT INTO pupils (school_id, pupil_id, full_name, class_name, grade, birth_date, enrolled_on, active, updated_at)
            VALUES (@schoolId, @Id, @FullName, @ClassName, @Grade, @BirthDate, @EnrolledOn, @Active, @at)
            ON CONFLICT (school_id, pupil_id) DO UPDATE SET full_name = excluded.full_name, class_name = excluded.class_name,
                grade = excluded.grade, birth_date = excluded.birth_date, enrolled_on = excluded.enrolled_on, active = excluded.active, updated_at = excluded.updated_at
            """,
            roster.Pupils.Select(p => new
            {
                schoolId, p.Id, p.FullName, p.ClassName, p.Grade, BirthDate = p.BirthDate is { } b ? StoreTime.Format(b) : null,
                EnrolledOn = p.EnrolledOn is { } e ? StoreTime.Format(e) : null, Active = p.Active ? 1 : 0, at,
            }),
            tx).ConfigureAwait(false);
        await db.ExecuteAsync(
            """
            INSERT INTO guardians (school_id, guardian_id, full_name, email, phone, preferred_channel, updated_at)
            VALUES (@schoolId, @Id, @FullName, @Email, @Phone, @Preferred, @at)
            ON CONFLICT (school_id, guardian_id) DO UPDATE SET full_name = excluded.full_name, email = excluded.email,
                phone = excluded.phone, preferred_channel = excluded.preferred_channel, updated_at = excluded.updated_at
            """,
            roster.Guardians.Select(g => new { schoolId, g.Id, g.FullName, g.Email, g.Phone, Preferred = g.PreferredChannel?.ToString(), at }),
            tx).ConfigureAwait(false);
        // Leaving is dated once, on the day the journal first stops listing the pupil as studying; coming back (a
        // pupil anonymised too: the journal has just given the data again) clears it.
        await db.ExecuteAsync(
            """
            UPDATE pupils SET left_on = @today WHERE school_id = @schoolId AND active = 0 AND left_on IS NULL;
            UPDATE pupils SET left_on = NULL, anonymised_at = NULL WHERE school_id = @schoolId AND active = 1 AND (left_on IS NOT NULL OR anonymised_at IS NOT NULL);
            """,
            new { schoolId, today = StoreTime.Format(localDate) }, tx).ConfigureAwait(false);
        await db.ExecuteAsync("DELETE FROM pupil_guardians WHERE school_id = @schoolId", new { schoolId }, tx).ConfigureAwait(false);
        await db.ExecuteAsync(
            "INSERT INTO pupil_guardians (school_id, pupil_id, guardian_id) VALUES (@schoolId, @pupilId, @guardianId) ON CONFLICT DO NOTHING",
            roster.Pupils.SelectMany(p => p.GuardianIds.Select(g => new { schoolId, pupilId = p.Id, guardianId = g })),
            tx).ConfigureAwait(false);
        await db.ExecuteAsync(
            """
            INSERT INTO roster_syncs (school_id, synced_at, local_date) VALUES (@schoolId, @at, @date)
            ON CONFLICT (school_id) DO UPDATE SET synced_at = excluded.synced_at, local_date = excluded.local_date
            """,
            new { schoolId, at, date = StoreTime.Format(localDate) }, tx).ConfigureAwait(false);
    }

    /// <summary>The school's pupils studying now, as a contacts file is matched against them.</summary>
    public static async Task<IReadOnlyList<Pupil>> ActivePupilsAsync(DbConnection db, string schoolId) =>
        (await db.QueryAsync<(string Id, string Name, string ClassName, string? Birth)>(
            "SELECT pupil_id, full_name, class_name, birth_date FROM pupils WHERE school_id = @schoolId AND active = 1", new { schoolId }).ConfigureAwait(false))
        .Select(p => new Pupil(p.Id, p.Name, p.ClassName, 1, [], true, p.Birth is null ? null : StoreTime.ParseDate(p.Birth)))
        .ToList();

    /// <summary>Pupils with an unexplained absence today or on the previous school day none of whose guardians has an e-mail or a phone: class and id.</summary>
    public static async Task<IReadOnlyList<(string ClassName, string PupilId)>> StrandedAsync(DbConnection db, string schoolId, DateOnly today, DateOnly previous) =>
        (await db.QueryAsync<(string ClassName, string PupilId)>(
            """
            SELECT DISTINCT p.class_name, p.pupil_id FROM absences a
            JOIN pupils p ON p.school_id = a.school_id AND p.pupil_id = a.pupil_id
            WHERE a.school_id = @schoolId AND a.date IN (@today, @previous) AND a.state <> 'explained'
              AND NOT EXISTS (SELECT 1 FROM pupil_guardians pg JOIN guardians g ON g.school_id = pg.school_id AND g.guardian_id = pg.guardian_id
                              WHERE pg.school_id = a.school_id AND pg.pupil_id = a.pupil_id AND (g.email IS NOT NULL OR g.phone IS NOT NULL))
            ORDER BY p.class_name, p.pupil_id
            """, new { schoolId, today = StoreTime.Format(today), previous = StoreTime.Format(previous) }).ConfigureAwait(false)).ToList();
}
