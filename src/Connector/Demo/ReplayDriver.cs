using System.Collections.Concurrent;
using Connector.Configuration;
using Connector.Scheduling;
using Connector.Schools;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Quartz;

namespace Connector.Demo;

/// <summary>
/// Replays school days on a clock that stands still until moved (the demo's <see cref="VirtualClock"/>, a test's
/// FakeTimeProvider), moved by <paramref name="moveClock"/>, through the real pipeline: it asks each school's own
/// triggers (the ones the live service schedules) when they would fire next, moves the clock there, and fires the
/// same Quartz jobs, one at a time, waiting for each to finish.
/// </summary>
internal sealed class ReplayDriver(IHost host, Action<DateTimeOffset> moveClock)
{
    private const string TokenKey = "replayToken";

    /// <summary>Runs from the start of <paramref name="from"/> to the end of <paramref name="to"/>, calling <paramref name="afterStep"/> after every fired instant.</summary>
    public async Task RunAsync(DateOnly from, DateOnly to, Func<DateTimeOffset, Task> afterStep, CancellationToken cancellationToken)
    {
        var schools = host.Services.GetRequiredService<SchoolRegistry>().All;
        var delivery = host.Services.GetRequiredService<IOptions<ConnectorOptions>>().Value.Delivery;
        var scheduler = await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler(cancellationToken).ConfigureAwait(false);
        var listener = new CompletionListener();
        scheduler.ListenerManager.AddJobListener(listener, GroupMatcher<JobKey>.GroupEquals(SchoolSchedule.Group));

        var start = schools.Min(s => s.Instant(from, TimeOnly.MinValue));
        var end = schools.Max(s => s.Instant(to, new TimeOnly(23, 59)));
        var triggers = schools.SelectMany(s => SchoolSchedule.Triggers(s, delivery, start)).ToList();
        moveClock(start);
        var now = start.AddTicks(-1);
        while (!cancellationToken.IsCancellationRequested)
        {
            var due = triggers
                .Select(t => (Trigger: t, At: t.GetFireTimeAfter(now)))
                .Where(x => x.At is { } at && at <= end)
                .ToList();
            if (due.Count == 0) break;

            now = due.Min(x => x.At!.Value);
            moveClock(now);
            foreach (var (trigger, _) in due.Where(x => x.At == now))
            {
                var token = Guid.NewGuid().ToString("N");
                var done = listener.Expect(token);
                await scheduler.TriggerJob(trigger.JobKey, new JobDataMap { [TokenKey] = token }, cancellationToken).ConfigureAwait(false);
                await done.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            await afterStep(now).ConfigureAwait(false);
        }
    }

    private sealed class CompletionListener : IJobListener
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> pending = new();

        public string Name => "replay";

        public Task Expect(string token) =>
            pending.GetOrAdd(token, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobProgressChanged(IJobExecutionContext context, Quartz.Extensibility.FireInstanceProgress progress, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            Complete(context);
            return ValueTask.CompletedTask;
        }

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
        {
            Complete(context);
            return ValueTask.CompletedTask;
        }

        private void Complete(IJobExecutionContext context)
        {
            if (context.MergedJobDataMap.TryGetString(TokenKey, out var token) && token is not null && pending.TryRemove(token, out var tcs))
            {
                tcs.SetResult();
            }
        }
    }
}
