namespace Connector.Store;

/// <summary>
/// The schema, as ordered migrations. A migration, once released, is never edited: a change is a new entry.
/// Only what the work needs is stored: names (for the messages), class, grade, birth date where given, guardians'
/// contacts, lesson marks with the reason category (never health details).
/// </summary>
internal static class Migrations
{
    public static readonly IReadOnlyList<(int Version, string Name, string Sql)> All =
    [
        (1, "initial", """
            CREATE TABLE pupils (
                school_id TEXT NOT NULL, pupil_id TEXT NOT NULL,
                full_name TEXT NOT NULL, class_name TEXT NOT NULL, grade INTEGER NOT NULL,
                birth_date TEXT NULL, active INTEGER NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (school_id, pupil_id));

            CREATE TABLE guardians (
                school_id TEXT NOT NULL, guardian_id TEXT NOT NULL,
                full_name TEXT NOT NULL, email TEXT NULL, phone TEXT NULL, preferred_channel TEXT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (school_id, guardian_id));

            CREATE TABLE pupil_guardians (
                school_id TEXT NOT NULL, pupil_id TEXT NOT NULL, guardian_id TEXT NOT NULL,
                PRIMARY KEY (school_id, pupil_id, guardian_id));
            CREATE INDEX ix_pupil_guardians_guardian ON pupil_guardians (school_id, guardian_id);

            CREATE TABLE roster_syncs (
                school_id TEXT NOT NULL PRIMARY KEY, synced_at TEXT NOT NULL, local_date TEXT NOT NULL);

            CREATE TABLE lessons (
                school_id TEXT NOT NULL, class_name TEXT NOT NULL, date TEXT NOT NULL, lesson_no INTEGER NOT NULL,
                subject TEXT NOT NULL, taken INTEGER NOT NULL,
                PRIMARY KEY (school_id, class_name, date, lesson_no));

            -- One row per pupil and lesson the journal ever marked; a mark the journal no longer has is stored as present.
            CREATE TABLE marks (
                school_id TEXT NOT NULL, pupil_id TEXT NOT NULL, date TEXT NOT NULL, lesson_no INTEGER NOT NULL,
                presence TEXT NOT NULL, reason TEXT NOT NULL, source_code TEXT NOT NULL,
                recorded_at TEXT NULL, first_seen_at TEXT NOT NULL, changed_at TEXT NOT NULL,
                PRIMARY KEY (school_id, pupil_id, date, lesson_no));
            CREATE INDEX ix_marks_date ON marks (school_id, date);

            -- The decision: one per pupil and day with an unexplained absence.
            CREATE TABLE absences (
                school_id TEXT NOT NULL, pupil_id TEXT NOT NULL, date TEXT NOT NULL,
                state TEXT NOT NULL,                 -- open | notified | explained
                first_seen_at TEXT NOT NULL,
                notified_at TEXT NULL, notified_lessons TEXT NULL,
                explained_at TEXT NULL,
                correction TEXT NULL,                -- present | excused: a lesson the guardians were told about changed
                corrected_at TEXT NULL,
                PRIMARY KEY (school_id, pupil_id, date));

            -- The only way out. A message is identified by its natural key, so a decision taken twice queues it once.
            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                idempotency_key TEXT NOT NULL UNIQUE,
                school_id TEXT NOT NULL, kind TEXT NOT NULL, guardian_id TEXT NOT NULL, date TEXT NOT NULL,
                channel TEXT NULL, only_pupil_id TEXT NULL,
                state TEXT NOT NULL,                 -- pending | sending | sent | cancelled | failed | unreachable
                not_before TEXT NOT NULL, created_at TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, last_attempt_at TEXT NULL,
                sent_at TEXT NULL, provider_id TEXT NULL, pupil_ids TEXT NULL,
                closed_at TEXT NULL, last_error TEXT NULL);
            CREATE INDEX ix_outbox_due ON outbox (school_id, state, not_before);
            CREATE INDEX ix_outbox_guardian ON outbox (school_id, guardian_id, date, kind);

            CREATE TABLE delivery_attempts (
                outbox_id INTEGER NOT NULL, attempted_at TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NULL);

            -- Every transfer of personal data: when, what, to whom, why. Ids only, never names or bodies.
            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL, school_id TEXT NOT NULL, action TEXT NOT NULL,
                recipient TEXT NOT NULL, channel TEXT NULL, subject_ids TEXT NOT NULL,
                purpose TEXT NOT NULL, reference TEXT NULL);
            """),
        (2, "channels", """
            -- Where the message went (set when it is claimed), so that recovery and delivery checks know the number.
            ALTER TABLE outbox ADD COLUMN address TEXT NULL;
            -- 'quiet-hours' when the send window moved a notice past the day of the absence: the digest says so.
            ALTER TABLE outbox ADD COLUMN deferred_reason TEXT NULL;
            -- What the SMS gateway says became of a sent message.
            ALTER TABLE outbox ADD COLUMN delivery_status TEXT NULL;
            ALTER TABLE outbox ADD COLUMN delivery_detail TEXT NULL;
            ALTER TABLE outbox ADD COLUMN status_checked_at TEXT NULL;
            -- The message this one replaces after a permanent failure on another channel.
            ALTER TABLE outbox ADD COLUMN fallback_of INTEGER NULL;
            CREATE INDEX ix_outbox_status ON outbox (channel, state, delivery_status);

            -- Consent and opt-out per guardian and channel, with when and on what basis they were recorded.
            CREATE TABLE guardian_consents (
                school_id TEXT NOT NULL, guardian_id TEXT NOT NULL, channel TEXT NOT NULL,
                status TEXT NOT NULL,                -- consent | opt-out
                recorded_at TEXT NOT NULL, source TEXT NOT NULL,
                PRIMARY KEY (school_id, guardian_id, channel));

            -- A channel whose settings the server refused is paused, so it is not hammered; the digest shows it.
            CREATE TABLE channel_pauses (
                channel TEXT NOT NULL PRIMARY KEY, paused_until TEXT NOT NULL, reason TEXT NOT NULL, since TEXT NOT NULL);
            """),
        (3, "thresholds and escalation", """
            ALTER TABLE pupils ADD COLUMN enrolled_on TEXT NULL;

            -- A level reached by a pupil in a period: fires once per pupil, level and period.
            CREATE TABLE breaches (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                school_id TEXT NOT NULL, pupil_id TEXT NOT NULL, profile_id TEXT NOT NULL,
                level_id TEXT NOT NULL, level_rank INTEGER NOT NULL,
                period_key TEXT NOT NULL, period_name TEXT NOT NULL,
                share REAL NOT NULL, missed INTEGER NOT NULL, scheduled INTEGER NOT NULL,
                detected_at TEXT NOT NULL,
                dropped_at TEXT NULL, dropped_share REAL NULL,   -- a reason recorded later took the pupil below it: shown, not forgotten
                UNIQUE (school_id, pupil_id, level_id, period_key));

            CREATE TABLE cases (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                school_id TEXT NOT NULL, pupil_id TEXT NOT NULL, profile_id TEXT NOT NULL, level_id TEXT NOT NULL,
                breach_id INTEGER NOT NULL,
                opened_at TEXT NOT NULL, opened_on TEXT NOT NULL,
                state TEXT NOT NULL,                  -- open | closed
                closed_at TEXT NULL, closed_reason TEXT NULL,
                UNIQUE (breach_id));
            CREATE INDEX ix_cases_school ON cases (school_id, state);

            CREATE TABLE case_steps (
                case_id INTEGER NOT NULL, seq INTEGER NOT NULL,
                step_id TEXT NOT NULL, name TEXT NOT NULL, owner_role TEXT NOT NULL, source TEXT NOT NULL,
                due_on TEXT NOT NULL,
                state TEXT NOT NULL,                  -- pending | done
                outcome TEXT NULL, recorded_at TEXT NULL, recorded_by TEXT NULL,
                PRIMARY KEY (case_id, seq));

            -- What the connector writes back to the journal, once each.
            CREATE TABLE journal_flags (
                key TEXT NOT NULL PRIMARY KEY,
                school_id TEXT NOT NULL, pupil_id TEXT NOT NULL, kind TEXT NOT NULL, date TEXT NOT NULL, text TEXT NOT NULL,
                state TEXT NOT NULL,                  -- pending | written | failed
                attempts INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, written_at TEXT NULL, last_error TEXT NULL);
            """),
        (4, "reliability", """
            -- A read of the journal that decided nothing, and why (README, "A read is judged before it decides").
            -- One row per school and source while it lasts; the digest and the command line show it.
            CREATE TABLE read_quarantines (
                school_id TEXT NOT NULL, source TEXT NOT NULL,          -- attendance | roster
                kind TEXT NOT NULL,                                      -- Unreadable | Lost | RosterQuarantined
                description TEXT NOT NULL, fingerprint TEXT NOT NULL,
                first_seen_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, polls INTEGER NOT NULL,
                PRIMARY KEY (school_id, source));

            -- Who claimed a message for sending and until when: only a claim whose process is gone is recovered.
            ALTER TABLE outbox ADD COLUMN claimed_by TEXT NULL;
            ALTER TABLE outbox ADD COLUMN claimed_until TEXT NULL;
            -- How often a send of this message was interrupted by the process dying; each resend is audited.
            ALTER TABLE outbox ADD COLUMN interruptions INTEGER NOT NULL DEFAULT 0;

            -- When an absence first went missing from a read (in a format where a missing row means present): it is
            -- taken as present only once it stayed missing for ReadChecks:ConfirmVanishedMinutes; meanwhile it is
            -- neither notified nor corrected, so a file cut at a line boundary sends nobody anything.
            ALTER TABLE marks ADD COLUMN vanished_at TEXT NULL;
            """),
        (5, "adapters", """
            -- Which protocol variant a remote server answers (SGO_API.md's LIKELY and UNCERTAIN reads), per server,
            -- so that a restart does not search again. No personal data.
            CREATE TABLE adapter_memory (
                scope TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at TEXT NOT NULL,
                PRIMARY KEY (scope, key));

            -- A flag that could not be written is tried again from this time on, with back-off.
            ALTER TABLE journal_flags ADD COLUMN next_attempt_at TEXT NULL;
            """),
        (6, "status", """
            -- The last poll of each school and how it ended, for `connector status` and for logging a lasting
            -- failure once and then with back-off. No personal data: the detail is the adapter's redacted message.
            CREATE TABLE poll_runs (
                school_id TEXT NOT NULL PRIMARY KEY,
                started_at TEXT NOT NULL, finished_at TEXT NULL,
                outcome TEXT NOT NULL,                -- running | ok | skipped | quarantined | failed | crashed
                failure TEXT NULL, detail TEXT NULL,  -- the journal's failure kind and message, when it failed
                changed_marks INTEGER NOT NULL DEFAULT 0,
                failures_in_row INTEGER NOT NULL DEFAULT 0,
                last_ok_at TEXT NULL);
            """),
        (7, "rate check", """
            -- The rate check counts the last minute's send attempts before every message; without this index it read
            -- the whole send history, so delivery slowed as months of attempts piled up (bench: `-- rate`).
            CREATE INDEX ix_delivery_attempts_at ON delivery_attempts (attempted_at);
            """),
        (8, "decides from", """
            -- The school-local date of the first poll that decided: absences of earlier dates are the past the
            -- installation found, never notified. Set once, by that poll; an upgraded installation's first poll after
            -- the upgrade sets it, so nothing that the earlier rule left alone is told now.
            ALTER TABLE poll_runs ADD COLUMN decides_from TEXT NULL;
            """),
        (9, "marks hash", """
            -- A hash of the marks each lesson was last stored with, so that a poll compares mark by mark only the
            -- lessons that changed. NULL (every lesson of an upgraded installation) compares the lesson once.
            ALTER TABLE lessons ADD COLUMN marks_hash TEXT NULL;
            -- The marks still vanishing, looked at again at every poll.
            CREATE INDEX ix_marks_vanishing ON marks (school_id, date) WHERE vanished_at IS NOT NULL;
            -- The marks other than present: the days the same-day rule reads (most marks of a window say present).
            CREATE INDEX ix_marks_absent ON marks (school_id, date) WHERE presence <> 'Present';
            """),
        (10, "read at", """
            -- When the last read of the journal that the store took began: the time a notice's count refers to
            -- («по данным журнала на 09:20»). A failed, quarantined or skipped poll leaves it as it was.
            ALTER TABLE poll_runs ADD COLUMN last_read_at TEXT NULL;
            """),
        (11, "retention", """
            -- When the journal stopped listing a pupil as studying (school-local date), and when the pupil's data was
            -- removed or anonymised after the profile's retention (003 §6.4). Pupils inactive before this migration
            -- count from their last update, which is no earlier than their leaving.
            ALTER TABLE pupils ADD COLUMN left_on TEXT NULL;
            ALTER TABLE pupils ADD COLUMN anonymised_at TEXT NULL;
            UPDATE pupils SET left_on = substr(updated_at, 1, 10) WHERE active = 0;
            -- The guardian's consent to the processing of the child's data (003 §6.3.1): when it was given and on what basis.
            CREATE TABLE processing_consents (
                school_id TEXT NOT NULL, guardian_id TEXT NOT NULL,
                given_on TEXT NOT NULL, basis TEXT NOT NULL, recorded_at TEXT NOT NULL,
                PRIMARY KEY (school_id, guardian_id));
            """),
        (12, "cases on representation", """
            -- A case may open on a staff member's representation (002 §4.1.1, 001 Инструкция §3.1, 003 §4.1.3), with no
            -- breach behind it: breach_id becomes optional, and the case keeps the representation and who made it.
            -- SQLite cannot relax NOT NULL in place: the table is built again, ids and all.
            CREATE TABLE cases_new (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                school_id TEXT NOT NULL, pupil_id TEXT NOT NULL, profile_id TEXT NOT NULL, level_id TEXT NOT NULL,
                breach_id INTEGER NULL,
                opened_at TEXT NOT NULL, opened_on TEXT NOT NULL,
                state TEXT NOT NULL,
                closed_at TEXT NULL, closed_reason TEXT NULL,
                representation TEXT NULL, represented_by TEXT NULL,
                UNIQUE (breach_id));
            INSERT INTO cases_new (id, school_id, pupil_id, profile_id, level_id, breach_id, opened_at, opened_on, state, closed_at, closed_reason)
                SELECT id, school_id, pupil_id, profile_id, level_id, breach_id, opened_at, opened_on, state, closed_at, closed_reason FROM cases;
            DROP TABLE cases;
            ALTER TABLE cases_new RENAME TO cases;
            CREATE INDEX ix_cases_school ON cases (school_id, state);
            """),
        (13, "one message a sending day", """
            -- A guardian's absence messages of other days that are due when one is claimed go with it, as one message
            -- (a late entry and today's absence found together): each keeps its row, its day and its children, and
            -- carried_by names the message that carried it. Sent, retried, failed or taken back together.
            ALTER TABLE outbox ADD COLUMN carried_by INTEGER NULL;
            CREATE INDEX ix_outbox_carried ON outbox (carried_by) WHERE carried_by IS NOT NULL;
            """),
        (14, "present marks not kept", """
            -- A lesson taken with no stored mark is attended: a present mark is kept only where the lesson was marked
            -- otherwise before (an absence turned present keeps its row, so its correction is found). The present marks
            -- that never were anything else go: most of the table, and nothing the work needs.
            DELETE FROM marks WHERE presence = 'Present' AND changed_at = first_seen_at AND vanished_at IS NULL;
            """),
    ];
}
