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

    /// <summary>How often the SMS gateway is asked what became of sent messages.</summary>
    public static readonly TimeSpan StatusCheckInterval = TimeSpan.FromMinutes(5);

    public static IEnumerable<IJobDetail> Jobs(SchoolContext school) =>
    [
        JobBuilder.Create<PollJournalJob>().WithIdentity(PollJob(school.Id)).UsingJobData(SchoolIdKey, school.Id).StoreDurably()
            .WithDescription($"Опрос журнала школы {school.Id}").Build(),
        JobBuilder.Create<DeliverOutboxJob>().WithIdentity(DeliveryJob(school.Id)).UsingJobData(SchoolIdKey, school.Id).StoreDurably()
            .WithDescription($"Отправка сообщений школы {school.Id}").Build(),
        JobBuilder.Create<CheckDeliveryJob>().WithIdentity(CheckDeliveryJob(school.Id)).UsingJobData(SchoolIdKey, school.Id).StoreDurably()
            .WithDescription($"Проверка доставки SMS школы {school.Id}").Build(),
        JobBuilder.Create<WriteBackJob>().WithIdentity(WriteBackJob(school.Id)).UsingJobData(SchoolIdKey, school.Id).StoreDurably()
            .WithDescription($"Запись отметок в журнал школы {school.Id}").Build(),
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
        yield return TriggerBuilder.Create()
            .WithIdentity($"deliver-{school.Id}", Group)
            .ForJob(DeliveryJob(school.Id))
            .StartAt(startAt)
            .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromSeconds(delivery.IntervalSeconds)).RepeatForever()
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
            .Build();
        yield return TriggerBuilder.Create()
            .WithIdentity($"sms-status-{school.Id}", Group)
            .ForJob(CheckDeliveryJob(school.Id))
            .StartAt(startAt)
            .WithSimpleSchedule(s => s.WithInterval(StatusCheckInterval).RepeatForever()
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
            .Build();
        yield return TriggerBuilder.Create()
            .WithIdentity($"write-back-{school.Id}", Group)
            .ForJob(WriteBackJob(school.Id))
            .StartAt(startAt)
            .WithSimpleSchedule(s => s.WithInterval(StatusCheckInterval).RepeatForever()
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))
            .Build();
    }
}
