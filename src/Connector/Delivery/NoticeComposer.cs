using System.Data.Common;
using System.Globalization;
using Connector.Abstractions.Attendance;
using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;
using Connector.Notifier.Templates;
using Connector.Schools;
using Connector.Store;

namespace Connector.Delivery;

/// <summary>
/// Composes a message from the store as it is now, just before sending: for a notice, the guardian's children
/// still absent that day without a recorded reason; for a correction, the children whose marks changed. Nobody
/// left → nothing to send. The template is <c>{kind}.{channel}</c> in config/templates.
/// </summary>
internal sealed class NoticeComposer(MessageTemplates templates, Digest.DigestBuilder digests, Digest.DigestRenderer digestRenderer)
{
    public static IEnumerable<string> TemplatesFor(IEnumerable<ChannelKind> channels) =>
        channels.SelectMany(c => new[] { $"{MessageKind.Absence.Name()}.{Name(c)}", $"{MessageKind.Correction.Name()}.{Name(c)}" })
            .Concat([Digest.DigestRenderer.TextTemplate, Digest.DigestRenderer.HtmlTemplate]);

    /// <summary>
    /// Composes <paramref name="message"/> and, for an absence notice, the <paramref name="riders"/> claimed with it
    /// (the guardian's other days not told yet) into one message; a rider whose day has nothing left to tell is
    /// listed in <see cref="ComposedNotice.Emptied"/>.
    /// </summary>
    public async Task<Composition> ComposeAsync(
        DbConnection db, DbTransaction tx, SchoolContext school, OutboxMessage message, DateOnly today, DateTimeOffset now, IReadOnlyList<OutboxMessage>? riders = null)
    {
        if (message.Kind == MessageKind.Digest) return await DigestAsync(db, tx, school, message, now).ConfigureAwait(false);
        var channel = message.Channel!.Value;
        var contact = await GuardianStore.ContactAsync(db, tx, school.Id, message.GuardianId).ConfigureAwait(false);
        var greeting = RussianText.Greeting(await GuardianStore.FullNameAsync(db, tx, school.Id, message.GuardianId).ConfigureAwait(false) ?? "");
        object? model;
        IReadOnlyDictionary<string, IReadOnlyList<int>> lessons;
        var carried = new List<CarriedDay>();
        var emptied = new List<OutboxMessage>();
        if (message.Kind == MessageKind.Correction)
        {
            (model, lessons) = await CorrectionAsync(db, tx, school, message, message.Date, greeting).ConfigureAwait(false);
        }
        else
        {
            var own = await DayAsync(db, tx, school, message).ConfigureAwait(false);
            lessons = own.Lessons;
            var others = new List<(DateOnly Date, IReadOnlyList<AbsentPupilModel> Pupils)>();
            foreach (var rider in riders ?? [])
            {
                var day = await DayAsync(db, tx, school, rider).ConfigureAwait(false);
                if (day.Pupils.Count == 0)
                {
                    emptied.Add(rider);
                    continue;
                }

                carried.Add(new CarriedDay(rider, day.Lessons));
                others.Add((rider.Date, day.Pupils));
            }

            // The message speaks of its latest day first (today's, as a rule); the days entered late follow, oldest first.
            // Two messages of one day (a child of its own, on another's heels) make one day in the text.
            var days = others.Prepend((message.Date, own.Pupils))
                .Where(d => d.Pupils.Count > 0)
                .GroupBy(d => d.Date)
                .Select(g => (Date: g.Key, Pupils: (IReadOnlyList<AbsentPupilModel>)g.SelectMany(d => d.Pupils).DistinctBy(p => (p.Name, p.ClassName)).ToList()))
                .OrderBy(d => d.Date)
                .ToList();
            if (own.Pupils.Count == 0)
            {
                model = null;
            }
            else
            {
                var (date, pupils) = days[^1];
                var earlier = days.SkipLast(1).Select(d => new AbsenceDayModel(
                    RussianText.Date(d.Date), ShortDate(d.Date), RussianText.Weekday(d.Date), d.Pupils.Select(p => p with { MissedThisMonth = 0 }).ToList())).ToList();
                model = new AbsenceNoticeModel(
                    school.Ref.Name, SmsSchoolName(school), school.Options.Phone, greeting, RussianText.Date(date), ShortDate(date),
                    RussianText.Weekday(date), date == today, pupils, await AsOfAsync(db, tx, school, today).ConfigureAwait(false), earlier);
            }
        }

        if (model is null) return Composition.NothingToTell;

        if (contact is null || contact.OptedOut.Contains(channel) || contact.AddressFor(channel) is not { } address)
        {
            return Composition.NoAddress(contact is null ? "представителя больше нет в журнале" : ChannelPolicy.WhyUnreachable(contact, [channel]));
        }

        var rendered = templates.Render($"{message.Kind.Name()}.{Name(channel)}", model);
        var outgoing = new OutgoingMessage(message.IdempotencyKey, channel, address, rendered.Subject, rendered.Body,
            channel == ChannelKind.Email ? ReplyTo(school, model) : null);
        return Composition.Ready(new ComposedNotice(outgoing, lessons) { Carried = carried, Emptied = emptied });
    }

    /// <summary>The guardian's children absent on the message's day without a valid reason, with the month's count up to that day.</summary>
    private static async Task<(IReadOnlyList<AbsentPupilModel> Pupils, IReadOnlyDictionary<string, IReadOnlyList<int>> Lessons)> DayAsync(
        DbConnection db, DbTransaction tx, SchoolContext school, OutboxMessage message)
    {
        var rows = await NoticeStore.AbsentChildrenAsync(db, tx, school.Id, message.GuardianId, message.Date, message.OnlyPupilId).ConfigureAwait(false);
        var monthStart = new DateOnly(message.Date.Year, message.Date.Month, 1);
        var pupils = new List<AbsentPupilModel>();
        var lessons = new Dictionary<string, IReadOnlyList<int>>();
        foreach (var pupil in rows.GroupBy(r => (r.PupilId, r.FullName, r.ClassName)))
        {
            var missed = await NoticeStore.MissedSinceAsync(db, tx, school.Id, pupil.Key.PupilId, pupil.Key.ClassName, monthStart, message.Date).ConfigureAwait(false);
            pupils.Add(new AbsentPupilModel(
                RussianText.FirstAndLastName(pupil.Key.FullName),
                SmsName(school, pupil.Key.FullName),
                pupil.Key.ClassName,
                RussianText.PupilNoun(pupil.Key.FullName),
                pupil.Select(r => new MissedLessonModel((int)r.Lesson, r.Subject, r.Reason == nameof(AbsenceReason.Unexcused))).ToList(),
                school.ClassTeacherOf(pupil.Key.ClassName)?.FullName,
                missed));
            lessons[pupil.Key.PupilId] = pupil.Select(r => (int)r.Lesson).ToList();
        }

        return (pupils, lessons);
    }

    /// <summary>Where a parent's reply goes: the children's one class teacher where the school asks so, else the school's ReplyTo.</summary>
    private static string? ReplyTo(SchoolContext school, object model)
    {
        if (!school.Options.RepliesToClassTeacher) return school.Options.ReplyTo;
        var classes = model switch
        {
            AbsenceNoticeModel absence => absence.Pupils.Concat((absence.EarlierDays ?? []).SelectMany(d => d.Pupils)).Select(p => p.ClassName),
            CorrectionNoticeModel correction => correction.Pupils.Select(p => p.ClassName),
            _ => [],
        };
        var teachers = classes.Select(c => school.ClassTeacherOf(c)?.Email).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return teachers is [{ Length: > 0 } teacher] ? teacher : school.Options.ReplyTo;
    }

    /// <summary>The school-local time of the last read the store took: «09:20» today, «9 ноября 2026 г., 16:00» on an earlier day.</summary>
    private static async Task<string?> AsOfAsync(DbConnection db, DbTransaction tx, SchoolContext school, DateOnly today)
    {
        if (await PollRunRepository.LastReadAtAsync(db, tx, school.Id).ConfigureAwait(false) is not { } readAt) return null;
        var local = school.LocalTime(readAt);
        var time = local.ToString("HH:mm", CultureInfo.InvariantCulture);
        return DateOnly.FromDateTime(local) == today ? time : $"{RussianText.Date(DateOnly.FromDateTime(local))}, {time}";
    }

    private static async Task<(object?, IReadOnlyDictionary<string, IReadOnlyList<int>>)> CorrectionAsync(
        DbConnection db, DbTransaction tx, SchoolContext school, OutboxMessage message, DateOnly date, string greeting)
    {
        var rows = await NoticeStore.CorrectionsAsync(db, tx, school.Id, message.Date, message.OnlyPupilId).ConfigureAwait(false);
        if (rows.Count == 0) return (null, new Dictionary<string, IReadOnlyList<int>>());

        var model = new CorrectionNoticeModel(
            school.Ref.Name, SmsSchoolName(school), school.Options.Phone, greeting, RussianText.Date(date), ShortDate(date),
            rows.Select(r => new CorrectedPupilModel(RussianText.FirstAndLastName(r.FullName), SmsName(school, r.FullName), r.ClassName, r.Correction == "present")).ToList());
        return (model, rows.ToDictionary(r => r.PupilId, _ => (IReadOnlyList<int>)[]));
    }

    /// <summary>A staff member's digest, read from the store as it is at sending time.</summary>
    private async Task<Composition> DigestAsync(DbConnection db, DbTransaction tx, SchoolContext school, OutboxMessage message, DateTimeOffset now)
    {
        var staff = school.Staff.FirstOrDefault(s => OutboxWriter.StaffRecipient(s.Id) == message.GuardianId);
        if (staff is null) return Composition.NoAddress("сотрудника больше нет в настройках школы");
        var model = await digests.BuildAsync(db, tx, school, staff, message.Date, now).ConfigureAwait(false);
        if (model.IsEmpty && !school.Options.DigestWhenNothing) return Composition.NothingToTell;
        var (subject, text, html) = digestRenderer.Render(model);
        var outgoing = new OutgoingMessage(message.IdempotencyKey, ChannelKind.Email, staff.Email, subject, text, null, html);
        return Composition.Ready(new ComposedNotice(outgoing, new Dictionary<string, IReadOnlyList<int>>()));
    }

    private static string Name(ChannelKind channel) => channel.ToString().ToLowerInvariant();

    private static string ShortDate(DateOnly date) => date.ToString("dd.MM", CultureInfo.InvariantCulture);

    private static string SmsSchoolName(SchoolContext school) => school.Options.SmsName.Length > 0 ? school.Options.SmsName : school.Ref.Name;

    private static string SmsName(SchoolContext school, string fullName) =>
        school.Options.ChildNameInSms ? RussianText.FirstAndLastName(fullName).Split(' ')[0] : "ребёнок";
}

/// <summary>
/// A message ready to send, and which lessons of which pupils it tells about; with the days of other messages it
/// carries (<see cref="Carried"/>), and the carried messages that turned out to have nothing left (<see cref="Emptied"/>).
/// </summary>
internal sealed record ComposedNotice(OutgoingMessage Message, IReadOnlyDictionary<string, IReadOnlyList<int>> LessonsByPupil)
{
    public IReadOnlyList<CarriedDay> Carried { get; init; } = [];

    public IReadOnlyList<OutboxMessage> Emptied { get; init; } = [];
}

/// <summary>A message of another day carried by one being sent, and the lessons of its day it tells about.</summary>
internal sealed record CarriedDay(OutboxMessage Message, IReadOnlyDictionary<string, IReadOnlyList<int>> LessonsByPupil);

/// <summary>What composing found: a message, nothing to tell any more, or no address on this channel.</summary>
internal sealed record Composition(ComposedNotice? Notice, string? NoAddressReason)
{
    public static readonly Composition NothingToTell = new(null, null);

    public static Composition Ready(ComposedNotice notice) => new(notice, null);

    public static Composition NoAddress(string reason) => new(null, reason);
}
