namespace Connector.Notifier.Templates;

/// <summary>What the absence-notice templates (<c>config/templates/absence.*.hbs</c>) can use.</summary>
/// <param name="SchoolName">The school's name.</param>
/// <param name="SchoolPhone">The school's phone for parents, or null.</param>
/// <param name="Greeting">How to address the guardian: name and patronymic.</param>
/// <param name="SmsSchoolName">The school's short name for SMS.</param>
/// <param name="DateText">"23 ноября 2026 г."</param>
/// <param name="ShortDateText">"23.11", for SMS.</param>
/// <param name="WeekdayText">"понедельник"</param>
/// <param name="IsToday">True when the absence is today's (false when it was entered after hours or days late and found on a later day).</param>
/// <param name="Pupils">The guardian's children absent that day without a valid reason, recorded or not (one message for siblings).</param>
/// <param name="AsOfText">
/// When the journal was last read, which the lessons counted refer to: «09:20» on the day of sending, «9 ноября 2026 г.,
/// 16:00» before it; null when unknown. A parent told «1 урок» in the morning then knows why the evening's journal says more.
/// </param>
/// <param name="EarlierDays">
/// Earlier days the guardian was not told of yet, oldest first, in the same message: an absence entered days late and
/// found with this day's (one message per guardian per day of sending). Empty as a rule.
/// </param>
public sealed record AbsenceNoticeModel(
    string SchoolName,
    string SmsSchoolName,
    string? SchoolPhone,
    string Greeting,
    string DateText,
    string ShortDateText,
    string WeekdayText,
    bool IsToday,
    IReadOnlyList<AbsentPupilModel> Pupils,
    string? AsOfText = null,
    IReadOnlyList<AbsenceDayModel>? EarlierDays = null)
{
    /// <summary>The message tells of more than one day.</summary>
    public bool HasEarlierDays => EarlierDays is { Count: > 0 };

    /// <summary>«В понедельник», «Во вторник», «В среду»…: how a sentence about the day starts when it is not today.</summary>
    public string OnWeekdayText => RussianText.OnWeekday(WeekdayText);

    /// <summary>«в понедельник», «во вторник»…: the same inside a sentence («Сегодня, во вторник, 10 ноября…»).</summary>
    public string OnWeekdayLowerText => string.Concat(OnWeekdayText[..1].ToLowerInvariant(), OnWeekdayText[1..]);

    /// <summary>Some lesson is marked as missed without a valid reason (НП), not only without a recorded one.</summary>
    public bool AnyUnexcused => AllPupils.Any(p => p.Lessons.Any(l => l.Unexcused));

    /// <summary>Every lesson listed is marked as missed without a valid reason: no reason is awaited from the guardian.</summary>
    public bool AllUnexcused => AllPupils.All(p => p.Lessons.All(l => l.Unexcused));

    private IEnumerable<AbsentPupilModel> AllPupils => Pupils.Concat((EarlierDays ?? []).SelectMany(d => d.Pupils));
}

/// <summary>An earlier day in a notice: its date and the children absent then.</summary>
/// <param name="DateText">"9 ноября 2026 г."</param>
/// <param name="ShortDateText">"09.11", for SMS.</param>
/// <param name="WeekdayText">"понедельник"</param>
/// <param name="Pupils">The guardian's children absent that day without a valid reason.</param>
public sealed record AbsenceDayModel(string DateText, string ShortDateText, string WeekdayText, IReadOnlyList<AbsentPupilModel> Pupils)
{
    /// <summary>«в понедельник», «во вторник»…, inside a sentence.</summary>
    public string OnWeekdayLowerText
    {
        get
        {
            var on = RussianText.OnWeekday(WeekdayText);
            return string.Concat(on[..1].ToLowerInvariant(), on[1..]);
        }
    }
}

/// <summary>One absent child in a notice.</summary>
/// <param name="Name">"Иван Петров".</param>
/// <param name="SmsName">How an SMS names the child: the first name, or «ребёнок» where the school keeps names off locked screens.</param>
/// <param name="ClassName">"7Б".</param>
/// <param name="Noun">"Ученик" or "Ученица".</param>
/// <param name="Lessons">The lessons missed without a valid reason: none recorded yet, or marked unexcused.</param>
/// <param name="TeacherName">The class teacher, or null.</param>
/// <param name="MissedThisMonth">Lessons missed without a valid or recorded reason this month, this day included.</param>
public sealed record AbsentPupilModel(
    string Name,
    string SmsName,
    string ClassName,
    string Noun,
    IReadOnlyList<MissedLessonModel> Lessons,
    string? TeacherName,
    int MissedThisMonth)
{
    /// <summary>How many lessons are listed.</summary>
    public int LessonCount => Lessons.Count;
}

/// <summary>One missed lesson.</summary>
/// <param name="Number">The lesson's number in the day.</param>
/// <param name="Subject">The subject.</param>
/// <param name="Unexcused">Marked as missed without a valid reason (НП); false where no reason is recorded yet.</param>
public sealed record MissedLessonModel(int Number, string Subject, bool Unexcused = false);
