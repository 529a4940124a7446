using System.Data.Common;
using Connector.Polling;
using Dapper;

namespace Connector.Store;

/// <summary>The reads of a school's journal that are quarantined now, one per source.</summary>
internal static class ReadQuarantineRepository
{
    /// <summary>A quarantine as stored: what it was, since when, and over how many polls.</summary>
    public sealed record Stored(string SchoolId, string Source, string Kind, string Description, string Fingerprint, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, int Polls);

    public static async Task<Stored?> GetAsync(DbConnection db, DbTransaction tx, string schoolId, string source)
    {
        var row = await db.QuerySingleOrDefaultAsync<(string Kind, string Description, string Fingerprint, string First, string Last, long Polls)?>(
            "SELECT kind, description, fingerprint, first_seen_at, last_seen_at, polls FROM read_quarantines WHERE school_id = @schoolId AND source = @source",
            new { schoolId, source }, tx).ConfigureAwait(false);
        return row is { } r ? new Stored(schoolId, source, r.Kind, r.Description, r.Fingerprint, StoreTime.ParseInstant(r.First), StoreTime.ParseInstant(r.Last), (int)r.Polls) : null;
    }

    /// <summary>Records <paramref name="quarantine"/>; the same fingerprint keeps its first sighting, another starts anew.</summary>
    public static Task PutAsync(DbConnection db, DbTransaction tx, string schoolId, ReadQuarantine quarantine, DateTimeOffset now) => db.ExecuteAsync(
        """
        INSERT INTO read_quarantines (school_id, source, kind, description, fingerprint, first_seen_at, last_seen_at, polls)
        VALUES (@schoolId, @Source, @Kind, @Description, @Fingerprint, @at, @at, 1)
        ON CONFLICT (school_id, source) DO UPDATE SET
            first_seen_at = CASE WHEN read_quarantines.fingerprint = excluded.fingerprint AND read_quarantines.kind = excluded.kind
                THEN read_quarantines.first_seen_at ELSE excluded.first_seen_at END,
            polls = CASE WHEN read_quarantines.fingerprint = excluded.fingerprint AND read_quarantines.kind = excluded.kind THEN read_quarantines.polls + 1 ELSE 1 END,
            kind = excluded.kind, description = excluded.description, fingerprint = excluded.fingerprint, last_seen_at = excluded.last_seen_at
        """,
        new { schoolId, quarantine.Source, Kind = quarantine.Kind.ToString(), quarantine.Description, quarantine.Fingerprint, at = StoreTime.Format(now) }, tx);

    public static Task ClearAsync(DbConnection db, DbTransaction tx, string schoolId, string source) =>
        db.ExecuteAsync("DELETE FROM read_quarantines WHERE school_id = @schoolId AND source = @source", new { schoolId, source }, tx);

    /// <summary>Every quarantine of a school (of every school with null), for the digest and the command line.</summary>
    public static async Task<IReadOnlyList<Stored>> ListAsync(DbConnection db, DbTransaction? tx, string? schoolId) =>
        (await db.QueryAsync<(string SchoolId, string Source, string Kind, string Description, string Fingerprint, string First, string Last, long Polls)>(
            """
            SELECT school_id, source, kind, description, fingerprint, first_seen_at, last_seen_at, polls FROM read_quarantines
            WHERE @schoolId IS NULL OR school_id = @schoolId ORDER BY school_id, source
            """, new { schoolId }, tx).ConfigureAwait(false))
        .Select(r => new Stored(r.SchoolId, r.Source, r.Kind, r.Description, r.Fingerprint, StoreTime.ParseInstant(r.First), StoreTime.ParseInstant(r.Last), (int)r.Polls))
        .ToList();
}
