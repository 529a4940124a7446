using System.Data.Common;
using Dapper;

namespace Connector.Store;

/// <summary>How a poll of a school ended.</summary>
internal enum PollOutcome
{
    /// <summary>Started and not finished: running now, or the process died during it.</summary>
    Running,
    Ok,
    /// <summary>Not a school day: nothing was read.</summary>
    Skipped,
    /// <summary>Read, but the read was not accepted (docs/file-journal.md, "A read is judged before it decides"): nothing decided.</summary>
    Quarantined,
    /// <summary>The journal could not be read (its failure kind is kept).</summary>
    Failed,
    /// <summary>An unexpected error; nothing decided.</summary>
    Crashed,
}

/// <summary>The last poll of each school: when it started and ended, how, and how many failures in a row.</summary>
internal static class PollRunRepository
{
    public sealed record Stored(
        string SchoolId, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, PollOutcome Outcome, string? Failure, string? Detail,
        int ChangedMarks, int FailuresInRow, DateTimeOffset? LastOkAt);

    public static Task StartAsync(DbConnection db, string schoolId, DateTimeOffset now) => db.ExecuteAsync(
        """
        INSERT INTO poll_runs (school_id, started_at, outcome) VALUES (@schoolId, @now, 'running')
        ON CONFLICT (school_id) DO UPDATE SET started_at = excluded.started_at, finished_at = NULL, outcome = 'running'
        """,
        new { schoolId, now = StoreTime.Format(now) });

    /// <summary>Records how the poll ended, counting failures in a row (back to 0 after a success).</summary>
    public static Task FinishAsync(DbConnection db, string schoolId, DateTimeOffset now, PollOutcome outcome, int changedMarks, string? failure = null, string? detail = null)
    {
        var failed = outcome is PollOutcome.Failed or PollOutcome.Crashed;
        return db.ExecuteAsync(
            """
            UPDATE poll_runs SET finished_at = @now, outcome = @outcome, failure = @failure, detail = @detail, changed_marks = @changedMarks,
                failures_in_row = CASE WHEN @failed THEN failures_in_row + 1 ELSE 0 END,
                last_ok_at = CASE WHEN @failed THEN last_ok_at ELSE @now END,
                last_read_at = CASE WHEN @outcome = 'ok' THEN started_at ELSE last_read_at END
            WHERE school_id = @schoolId
            """,
            new { schoolId, now = StoreTime.Format(now), outcome = Name(outcome), failure, detail, changedMarks, failed });
    }

    /// <summary>
    /// The date absences are decided from: the school-local date of the first poll that decided, set to
    /// <paramref name="today"/> by that poll (in its transaction, so a poll that does not commit sets nothing).
    /// </summary>
    public static async Task<DateOnly> DecidesFromAsync(DbConnection db, DbTransaction tx, string schoolId, DateOnly today)
    {
        // The poll's row is there: StartAsync wrote it before the read.
        await db.ExecuteAsync("UPDATE poll_runs SET decides_from = COALESCE(decides_from, @today) WHERE school_id = @schoolId",
            new { schoolId, today = StoreTime.Format(today) }, tx).ConfigureAwait(false);
        return StoreTime.ParseDate(await db.ExecuteScalarAsync<string>(
            "SELECT decides_from FROM poll_runs WHERE school_id = @schoolId", new { schoolId }, tx).ConfigureAwait(false) ?? StoreTime.Format(today));
    }

    /// <summary>When the last read the store took began: what a message's counts refer to.</summary>
    public static async Task<DateTimeOffset?> LastReadAtAsync(DbConnection db, DbTransaction? tx, string schoolId) =>
        await db.ExecuteScalarAsync<string?>("SELECT last_read_at FROM poll_runs WHERE school_id = @schoolId", new { schoolId }, tx).ConfigureAwait(false) is { } text
            ? StoreTime.ParseInstant(text)
            : null;

    public static async Task<Stored?> GetAsync(DbConnection db, string schoolId)
    {
        var row = await db.QuerySingleOrDefaultAsync<(string Started, string? Finished, string Outcome, string? Failure, string? Detail, long Changed, long InRow, string? LastOk)?>(
            "SELECT started_at, finished_at, outcome, failure, detail, changed_marks, failures_in_row, last_ok_at FROM poll_runs WHERE school_id = @schoolId",
            new { schoolId }).ConfigureAwait(false);
        if (row is not { } r) return null;
        return new Stored(
            schoolId, StoreTime.ParseInstant(r.Started), r.Finished is null ? null : StoreTime.ParseInstant(r.Finished),
            Enum.Parse<PollOutcome>(r.Outcome, ignoreCase: true), r.Failure, r.Detail, (int)r.Changed, (int)r.InRow,
            r.LastOk is null ? null : StoreTime.ParseInstant(r.LastOk));
    }

    private static string Name(PollOutcome outcome) => outcome.ToString().ToLowerInvariant();
}
