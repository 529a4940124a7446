using System.Data.Common;
using Dapper;

namespace Connector.Store;

/// <summary>What the demo's timeline prints: what the store recorded between two instants, across schools.</summary>
internal static class DemoStore
{
    public static async Task<DemoWindow> BetweenAsync(DbConnection db, DateTimeOffset from, DateTimeOffset to)
    {
        var window = new { from = StoreTime.Format(from), to = StoreTime.Format(to) };
        var found = (await db.QueryAsync<(string FullName, string ClassName, string Date)>(
            """
            SELECT p.full_name, p.class_name, a.date FROM absences a JOIN pupils p ON p.school_id = a.school_id AND p.pupil_id = a.pupil_id
            WHERE a.first_seen_at > @from AND a.first_seen_at <= @to ORDER BY p.class_name, p.full_name
            """, window).ConfigureAwait(false)).Select(r => (r.FullName, r.ClassName, StoreTime.ParseDate(r.Date))).ToList();
        var closed = (await db.QueryAsync<string>(
            """
            SELECT state FROM outbox
            WHERE kind <> 'digest' AND NOT (carried_by IS NOT NULL AND state = 'sent') AND ((sent_at > @from AND sent_at <= @to) OR (closed_at > @from AND closed_at <= @to))
            """, window).ConfigureAwait(false)).Select(OutboxStore.ParseState).ToList();
        var corrected = (await db.QueryAsync<(string FullName, string ClassName, string Correction)>(
            """
            SELECT p.full_name, p.class_name, a.correction FROM absences a JOIN pupils p ON p.school_id = a.school_id AND p.pupil_id = a.pupil_id
            WHERE a.corrected_at > @from AND a.corrected_at <= @to ORDER BY p.class_name
            """, window).ConfigureAwait(false)).ToList();
        var breaches = (await db.QueryAsync<(string FullName, string ClassName, string Level, double Share, long CaseId)>(
            """
            SELECT p.full_name, p.class_name, b.level_id, b.share, COALESCE(c.id, 0) FROM breaches b
            JOIN pupils p ON p.school_id = b.school_id AND p.pupil_id = b.pupil_id
            LEFT JOIN cases c ON c.breach_id = b.id
            WHERE b.detected_at > @from AND b.detected_at <= @to ORDER BY p.class_name
            """, window).ConfigureAwait(false)).ToList();
        var explained = await db.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM absences WHERE explained_at > @from AND explained_at <= @to", window).ConfigureAwait(false);
        return new DemoWindow(found, closed, corrected, breaches, explained);
    }
}

/// <summary>
/// Absences first found (pupil, class, day), outbox messages closed (their states), corrections, breaches found (with
/// the case opened for each, 0 for none), and how many absences were explained, in a window of time.
/// </summary>
internal sealed record DemoWindow(
    IReadOnlyList<(string FullName, string ClassName, DateOnly Date)> Found,
    IReadOnlyList<OutboxState> Closed,
    IReadOnlyList<(string FullName, string ClassName, string Correction)> Corrected,
    IReadOnlyList<(string FullName, string ClassName, string Level, double Share, long CaseId)> Breaches,
    int Explained);
