using Connector.Configuration;
using Connector.Schools;
using Quartz;

namespace Connector.Scheduling;

/// <summary>
/// The jobs and triggers of one school: poll every N minutes between the school's hours on its working weekdays,
/// in its own time zone (the job skips days the school calendar says have no lessons); deliver the outbox every
/// few seconds. Every job and trigger is named after the school.
/// </summary>
internal static class SchoolSchedule
{
    public const string SchoolIdKey = "schoolId";
    public const string Group = "schools";

    public static JobKey PollJob(string schoolId) => new($"poll-{schoolId}", Group);

    public static JobKey DeliveryJob(string schoolId) => new($"deliver-{schoolId}", Group);

    public static JobKey CheckDeliveryJob(string schoolId) => new($"sms-status-{schoolId}", Group);

    public static JobKey WriteBackJob(string schoolId) => new($"write-back-{schoolId}", Group);

    public static JobKey DigestJob(string schoolId) => new($"digest-{schoolId}", Group);

    /// <summary>How often the SMS gateway is asked what became of sent messages.</summary>
    public static readonly TimeSpan StatusCheckInterval = TimeSpan.FromMinutes(5);

    public static IEnumerable<IJobDetail> Jobs(SchoolContext school) =>
    [
        Job<PollJournalJob>(PollJob(school.Id), school.Id, "Опрос журнала"),
        Job<DeliverOutboxJob>(DeliveryJob(school.Id), school.Id, "Отправка сообщений"),
        Job<CheckDeliveryJob>(CheckDeliveryJob(school.Id), school.Id, "Проверка доставки SMS"),
        Job<WriteBackJob>(WriteBackJob(school.Id), school.Id, "Запись отметок в журнал"),
        Job<DigestJob>(DigestJob(school.Id), school.Id, "Утренняя сводка сотрудникам"),
    ];

    public static IEnumerable<ITrigger> Triggers(SchoolContext school, DeliveryOptions delivery, DateTimeOffset startAt)
    {
        // Every day of the week: the job asks the school calendar, which knows extra school days and holidays.
        var days = Enum.GetValues<DayOfWeek>();
        yield return TriggerBuilder.Create()
            .WithIdentity($"poll-{school.Id}", Group)
            .ForJob(PollJob(school.Id))
            .StartAt(startAt)
            .WithDailyTimeIntervalSchedule(s => s
                .StartingDailyAt(school.HoursStart)
                .EndingDailyAt(school.HoursEnd)
                .WithInterval(school.Options.PollIntervalMinutes, IntervalUnit.Minute)
                .OnDaysOfTheWeek(days)
                .InTimeZone(school.TimeZone)
                .WithMisfireInstruction(DailyTimeIntervalTriggerMisfireInstruction.DoNothing))
            .Build();
        yield return Every(DeliveryJob(school.Id), TimeSpan.FromSeconds(delivery.IntervalSeconds), startAt);
        yield return Every(CheckDeliveryJob(school.Id), StatusCheckInterval, startAt);
        yield return Every(WriteBackJob(school.Id), StatusCheckInterval, startAt);
        var digestAt = TimeOnly.ParseExact(school.Options.DigestTime, "HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        yield return TriggerBuilder.Create()
            .WithIdentity(DigestJob(school.Id).Name, Group)
            .ForJob(DigestJob(school.Id))
            .StartAt(startAt)
            .WithCronSchedule($"0 {digestAt.Minute} {digestAt.Hour} ? * *", c => c.InTimeZone(school.TimeZone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
            .Build();
    }

    /// <summary>
    /// When the school's journal is next polled after <paramref name="now"/>: the poll trigger's own next firing that
    /// falls on a school day (the job skips the others); null when none does within three weeks (a long holiday).
    /// </summary>
    public static DateTimeOffset? NextPoll(SchoolContext school, DateTimeOffset now)
    {
        var trigger = Triggers(school, new DeliveryOptions(), now).First();
        var next = trigger.GetFireTimeAfter(now);
        for (var i = 0; i < 5000 && next is { } at && at < now.AddDays(21); i++, next = trigger.GetFireTimeAfter(at))
        {
            if (school.IsWithinSchoolHours(at)) return at;
        }

        return null;
    }

    private static IJobDetail Job<T>(JobKey key, string schoolId, string what) where T : IJob =>
        JobBuilder.Create<T>().WithIdentity(key).UsingJobData(SchoolIdKey, schoolId).StoreDurably().WithDescription($"{what}: школа {schoolId}").Build();

    /// <summary>A trigger named after its job that fires it every <paramref name="interval"/>; a missed firing is skipped, not repeated.</summary>
    private static ITrigger Every(JobKey job, TimeSpan interval, DateTimeOffset startAt) => TriggerBuilder.Create()
        .WithIdentity(job.Name, Group)
        .ForJob(job)
        .StartAt(startAt)
        .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
        .Build();
}
