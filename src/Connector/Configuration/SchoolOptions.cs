using Connector.Abstractions.Schools;
using Microsoft.Extensions.Configuration;

namespace Connector.Configuration;

/// <summary>One school (<c>Connector:Schools:N</c>).</summary>
public sealed class SchoolOptions
{
    /// <summary>The connector's id of the school: latin letters, digits and dashes, unique.</summary>
    public string Id { get; set; } = "";

    /// <summary>The school's name as parents know it.</summary>
    public string Name { get; set; } = "";

    /// <summary>The school's IANA time zone, e.g. "Europe/Moscow", "Asia/Kamchatka".</summary>
    public string TimeZone { get; set; } = "";

    /// <summary>The rule profile; "default" until the school's municipality's profile is chosen.</summary>
    public string Profile { get; set; } = "default";

    /// <summary>The school's phone for parents, printed in notices.</summary>
    public string? Phone { get; set; }

    /// <summary>Where parents' replies to notices go (the school's or the secretary's mailbox).</summary>
    public string? ReplyTo { get; set; }

    /// <summary>
    /// Parents' replies to a notice go to the class teacher of the children it names (when they share one, with an
    /// e-mail in Staff), not to <see cref="ReplyTo"/>; ReplyTo stays for the rest.
    /// </summary>
    public bool RepliesToClassTeacher { get; set; }

    /// <summary>When lessons run, school-local, "HH:mm"; polls happen only inside these hours.</summary>
    public string SchoolHoursStart { get; set; } = "08:00";

    /// <summary>End of school hours, school-local, "HH:mm".</summary>
    public string SchoolHoursEnd { get; set; } = "17:00";

    /// <summary>Minutes between polls of the journal during school hours.</summary>
    public int PollIntervalMinutes { get; set; } = 15;

    /// <summary>
    /// Minutes to wait after an unexplained absence is first seen before telling the guardians, so that a teacher's
    /// slip or a reason entered a moment later cancels the notice instead of alarming a parent.
    /// </summary>
    public int GracePeriodMinutes { get; set; } = 20;

    /// <summary>Days back from today each poll reads, to notice reasons and corrections entered late.</summary>
    public int LookbackDays { get; set; } = 7;

    /// <summary>
    /// How far back an absence entered late is still told to the guardians (000 §2.4: within a day of its detection,
    /// whenever the lesson was): a number of days, or null, the default, for the current school quarter (from its
    /// first day; in the summer, LookbackDays). A journal of files is read that far at the first poll of each day; a
    /// journal server («Сетевой Город») only LookbackDays back, each day further costing a request per lesson.
    /// </summary>
    public int? NoticeHorizonDays { get; set; }

    /// <summary>5 (Monday–Friday) or 6 (Monday–Saturday).</summary>
    public int DaysPerWeek { get; set; } = 5;

    /// <summary>The school's holidays (каникулы) and other days without lessons: "yyyy-MM-dd" or "yyyy-MM-dd..yyyy-MM-dd".</summary>
    public List<string> Holidays { get; set; } = [];

    /// <summary>Days with lessons outside the working week (a Saturday worked instead of a holiday): "yyyy-MM-dd".</summary>
    public List<string> ExtraSchoolDays { get; set; } = [];

    /// <summary>The channel for guardians who did not choose one: Email or Sms.</summary>
    public ChannelKind DefaultChannel { get; set; } = ChannelKind.Email;

    /// <summary>No SMS from this time (school-local, "HH:mm")…</summary>
    public string QuietHoursStart { get; set; } = "21:00";

    /// <summary>…until this time; a message due in between goes out when the quiet hours end.</summary>
    public string QuietHoursEnd { get; set; } = "08:00";

    /// <summary>Whether e-mail keeps the quiet hours too (it does not wake anyone, so by default it does not).</summary>
    public bool QuietHoursForEmail { get; set; }

    /// <summary>Whether an SMS, which shows on a locked screen, may carry the child's first name.</summary>
    public bool ChildNameInSms { get; set; } = true;

    /// <summary>A short name for SMS, where every character counts; the full name when empty.</summary>
    public string SmsName { get; set; } = "";

    /// <summary>When staff get their morning digest, school-local "HH:mm", on working days.</summary>
    public string DigestTime { get; set; } = "07:30";

    /// <summary>Whether a day with nothing to report still gets a one-line «всё в порядке» digest.</summary>
    public bool DigestWhenNothing { get; set; } = true;

    /// <summary>The guardians' contacts file, merged with what the journal gives (any adapter).</summary>
    public Contacts.ContactsOptions Contacts { get; set; } = new();

    /// <summary>How a read of the journal is judged before anything is decided from it.</summary>
    public Polling.ReadChecksOptions ReadChecks { get; set; } = new();

    /// <summary>Staff who receive digests and escalations.</summary>
    public List<StaffOptions> Staff { get; set; } = [];

    /// <summary>The journal adapter's settings; <c>Kind</c> picks the adapter ("files", "sgo"), the rest is the adapter's own.</summary>
    public IConfigurationSection? Adapter { get; set; }
}
