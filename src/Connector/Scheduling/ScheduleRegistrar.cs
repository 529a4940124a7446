using Connector.Configuration;
using Connector.Schools;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace Connector.Scheduling;

/// <summary>
/// Puts every school's jobs into the scheduler once the options have been validated. In the live service the
/// triggers go in too; in a replay (the demo) only the jobs do, and the replay fires them on its virtual clock.
/// </summary>
internal sealed class ScheduleRegistrar(
    ISchedulerFactory schedulerFactory,
    SchoolRegistry schools,
    IOptions<ConnectorOptions> options,
    ScheduleModeHolder mode,
    TimeProvider time,
    ILogger<ScheduleRegistrar> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken).ConfigureAwait(false);
        foreach (var school in schools.All)
        {
            foreach (var job in SchoolSchedule.Jobs(school))
            {
                await scheduler.AddJob(job, new AddJobOptions { Replace = true }, cancellationToken).ConfigureAwait(false);
            }

            if (mode.Mode != ScheduleMode.Live) continue;
            foreach (var trigger in SchoolSchedule.Triggers(school, options.Value.Delivery, time.GetUtcNow()))
            {
                await PlaceAsync(scheduler, trigger, cancellationToken).ConfigureAwait(false);
            }

            Log.Scheduled(logger, school.Id, school.Ref.TimeZone, school.Options.PollIntervalMinutes,
                school.Options.SchoolHoursStart, school.Options.SchoolHoursEnd, options.Value.Delivery.IntervalSeconds);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Puts the trigger in, or replaces the one already there: in a cluster the first node to start stores every
    /// school's triggers, and each node that starts after it (with the same settings) replaces them with its own.
    /// </summary>
    private static async Task PlaceAsync(IScheduler scheduler, ITrigger trigger, CancellationToken cancellationToken)
    {
        if (await scheduler.RescheduleJob(trigger.Key, trigger, cancellationToken).ConfigureAwait(false) is not null) return;
        try
        {
            await scheduler.ScheduleJob(trigger, new ScheduleJobOptions(), cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Another node stored it between the two calls.
            await scheduler.RescheduleJob(trigger.Key, trigger, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Whether Quartz's own triggers drive the jobs (the service) or a replay does (the demo).</summary>
internal enum ScheduleMode
{
    Live,
    Replay,
}

/// <summary>The schedule mode as a service.</summary>
internal sealed record ScheduleModeHolder(ScheduleMode Mode);
