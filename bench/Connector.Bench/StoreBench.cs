using System.Diagnostics;
using System.Globalization;
using LiteDB;
using Microsoft.Data.Sqlite;

namespace Connector.Bench;

/// <summary>
/// The store decision, measured: one upsert of the same marks (a municipality's lookback window) into SQLite as the
/// store keeps them (WAL, one transaction, a prepared statement) and into LiteDB (one transaction, a document per
/// mark keyed like the table), first into empty files and then again unchanged, in the same run.
/// </summary>
internal static class StoreBench
{
    public static void Run(int count)
    {
        var marks = Marks(count);
        var folder = Directory.CreateTempSubdirectory("connector-bench-").FullName;
        try
        {
            Console.WriteLine($"Upsert of {count:N0} marks, one transaction each, {Environment.ProcessorCount} cores".Replace('\u00a0', ' '));
            Console.WriteLine($"{"store",-10} {"first s",9} {"unchanged s",12} {"file MiB",9}");
            for (var run = 1; run <= 2; run++)
            {
                var sqlite = Path.Combine(folder, $"marks-{run}.db");
                var first = Time(() => Sqlite(sqlite, marks));
                var again = Time(() => Sqlite(sqlite, marks));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"SQLite",-10} {first,9:0.00} {again,12:0.00} {new FileInfo(sqlite).Length / 1048576.0,9:0.0}"));
                var lite = Path.Combine(folder, $"marks-{run}.litedb");
                first = Time(() => Lite(lite, marks));
                again = Time(() => Lite(lite, marks));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"LiteDB",-10} {first,9:0.00} {again,12:0.00} {new FileInfo(lite).Length / 1048576.0,9:0.0}"));
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record Mark(string School, string Pupil, string Date, int Lesson, string Presence, string Reason, string Code);

    /// <summary>Schools of ~1,000 pupils, 10 school days of 6 lessons, a mark where a pupil was absent or late (fixed seed).</summary>
    private static List<Mark> Marks(int count)
    {
        var random = new Random(20261109);
        var marks = new List<Mark>(count);
        var seen = new HashSet<(int, int, int, int)>();
        while (marks.Count < count)
        {
            var (school, pupil, day, lesson) = (random.Next(50), random.Next(1000), random.Next(10), random.Next(1, 7));
            if (!seen.Add((school, pupil, day, lesson))) continue;
            var absent = random.Next(10) < 8;
            marks.Add(new Mark($"school-{school}", $"p{pupil:0000}", $"2026-11-{9 + day:00}", lesson, absent ? "Absent" : "Late",
                absent ? random.Next(3) == 0 ? "Illness" : "NoneRecorded" : "None", absent ? "Н" : "ОП"));
        }

        return marks;
    }

    private static double Time(Action work)
    {
        var watch = Stopwatch.StartNew();
        work();
        return watch.Elapsed.TotalSeconds;
    }

    private static void Sqlite(string path, List<Mark> marks)
    {
        using var db = new SqliteConnection($"Data Source={path};Pooling=false");
        db.Open();
        using (var setup = db.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
                CREATE TABLE IF NOT EXISTS marks (school_id TEXT NOT NULL, pupil_id TEXT NOT NULL, date TEXT NOT NULL, lesson_no INTEGER NOT NULL,
                    presence TEXT NOT NULL, reason TEXT NOT NULL, source_code TEXT NOT NULL, PRIMARY KEY (school_id, pupil_id, date, lesson_no));
                """;
            setup.ExecuteNonQuery();
        }

        using var tx = db.BeginTransaction();
        using var upsert = db.CreateCommand();
        upsert.Transaction = tx;
        upsert.CommandText = """
            INSERT INTO marks VALUES ($s, $p, $d, $l, $presence, $reason, $code)
            ON CONFLICT (school_id, pupil_id, date, lesson_no) DO UPDATE SET presence = excluded.presence, reason = excluded.reason, source_code = excluded.source_code
            WHERE presence <> excluded.presence OR reason <> excluded.reason OR source_code <> excluded.source_code
            """;
        var parameters = new[] { "$s", "$p", "$d", "$l", "$presence", "$reason", "$code" }.Select(name => upsert.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();
        upsert.Prepare();
        foreach (var mark in marks)
        {
            parameters[0].Value = mark.School;
            parameters[1].Value = mark.Pupil;
            parameters[2].Value = mark.Date;
            parameters[3].Value = mark.Lesson;
            parameters[4].Value = mark.Presence;
            parameters[5].Value = mark.Reason;
            parameters[6].Value = mark.Code;
            upsert.ExecuteNonQuery();
        }

        tx.Commit();
    }

    private static void Lite(string path, List<Mark> marks)
    {
        using var db = new LiteDatabase($"Filename={path};Connection=direct");
        var collection = db.GetCollection("marks");
        db.BeginTrans();
        collection.Upsert(marks.Select(mark => new BsonDocument
        {
            ["_id"] = $"{mark.School}|{mark.Pupil}|{mark.Date}|{mark.Lesson}",
            ["presence"] = mark.Presence,
            ["reason"] = mark.Reason,
            ["code"] = mark.Code,
        }));
        db.Commit();
    }
}

/// <summary>
/// The rate check before every message (DeliveryGate.SentInLastMinuteAsync: the last minute's attempts of a channel),
/// over a long send history, without and with the index migration 7 adds.
/// </summary>
internal static class RateBench
{
    public static void Run(int history)
    {
        var folder = Directory.CreateTempSubdirectory("connector-bench-").FullName;
        try
        {
            var path = Path.Combine(folder, "rate.db");
            using var db = new SqliteConnection($"Data Source={path};Pooling=false");
            db.Open();
            Exec(db, """
                PRAGMA journal_mode = WAL;
                CREATE TABLE outbox (id INTEGER PRIMARY KEY, channel TEXT NULL);
                CREATE TABLE delivery_attempts (outbox_id INTEGER NOT NULL, attempted_at TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NULL);
                """);
            using (var tx = db.BeginTransaction())
            {
                using var insert = db.CreateCommand();
                insert.Transaction = tx;
                insert.CommandText = "INSERT INTO outbox (id, channel) VALUES ($id, 'Email'); INSERT INTO delivery_attempts VALUES ($id, $at, 'sent', NULL)";
                var id = insert.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
                var at = insert.Parameters.Add(new SqliteParameter { ParameterName = "$at" });
                var start = new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero);
                for (var i = 0; i < history; i++)
                {
                    id.Value = i + 1;
                    at.Value = start.AddSeconds(i * 15).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
                    insert.ExecuteNonQuery();
                }

                tx.Commit();
            }

            var now = new DateTimeOffset(2026, 9, 1, 8, 0, 0, TimeSpan.Zero).AddSeconds(history * 15.0);
            Console.WriteLine($"Rate check over {history} past send attempts (1,000 checks)");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  without the index: {Checks(db, now),8:0.000} ms per check"));
            Exec(db, "CREATE INDEX ix_delivery_attempts_at ON delivery_attempts (attempted_at)");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  with the index:    {Checks(db, now),8:0.000} ms per check"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double Checks(SqliteConnection db, DateTimeOffset now)
    {
        using var check = db.CreateCommand();
        check.CommandText = """
            SELECT COUNT(*) FROM delivery_attempts a JOIN outbox o ON o.id = a.outbox_id
            WHERE o.channel = 'Email' AND a.attempted_at > $since AND a.attempted_at <= $now
            """;
        check.Parameters.AddWithValue("$since", now.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        check.Parameters.AddWithValue("$now", now.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        var watch = Stopwatch.StartNew();
        long found = 0;
        for (var i = 0; i < 1000; i++) found += (long)check.ExecuteScalar()!;
        if (found != 3000) throw new InvalidOperationException($"the check found {found / 1000} attempts in the last minute, not 3");
        return watch.Elapsed.TotalMilliseconds / 1000;
    }

    private static void Exec(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
