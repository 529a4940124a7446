using Microsoft.Extensions.Logging;

namespace Connector;

/// <summary>
/// Every log line the host writes. Ids only: no names, phones, e-mail addresses or message bodies at Information
/// or above.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Debug, "School {SchoolId}: {Date:yyyy-MM-dd} is not a school day; nothing to poll")]
    public static partial void NotASchoolDay(ILogger logger, string schoolId, DateOnly date);

    [LoggerMessage(1002, LogLevel.Information, "School {SchoolId}: roster read, {Pupils} pupils, {Guardians} guardians")]
    public static partial void RosterSynced(ILogger logger, string schoolId, int pupils, int guardians);

    [LoggerMessage(5003, LogLevel.Debug, "School {SchoolId}: the journal's data is as last read; decided on the store without reading it again")]
    public static partial void JournalUnchanged(ILogger logger, string schoolId);

    [LoggerMessage(1003, LogLevel.Information,
        "School {SchoolId}: polled {Date:yyyy-MM-dd}; {Changed} marks changed; absences opened {Opened}, explained {Explained}, corrected {Corrected}; notices queued {Queued}, guardians unreachable {Unreachable}")]
    public static partial void Polled(ILogger logger, string schoolId, DateOnly date, int changed, int opened, int explained, int corrected, int queued, int unreachable);

    [LoggerMessage(EventId = 1004, Message = "School {SchoolId}: {Source}: {Count} {What}: {Reason} (the first: record {Record}, field {Field})")]
    public static partial void SourceProblems(ILogger logger, LogLevel level, string schoolId, string source, int count, string what, string reason, string record, string field);

    [LoggerMessage(1012, LogLevel.Error, "School {SchoolId} does not run until its settings are fixed: {Problems}")]
    public static partial void SchoolDisabled(ILogger logger, string schoolId, string problems);

    [LoggerMessage(1010, LogLevel.Warning,
        "School {SchoolId}: the {Source} read is quarantined ({Kind}, fingerprint {Fingerprint}); nothing was decided from it, and staff see why in the digest")]
    public static partial void ReadQuarantined(ILogger logger, string schoolId, string source, string kind, string fingerprint);

    [LoggerMessage(1011, LogLevel.Warning,
        "School {SchoolId}: the {Source} read lost the same records at every poll for {Minutes} minutes; taken as the journal's truth")]
    public static partial void LossConfirmed(ILogger logger, string schoolId, string source, int minutes);

    [LoggerMessage(1005, LogLevel.Warning, "School {SchoolId}: pupil {PupilId} is absent without a reason but has no guardian in the journal; the class teacher must call")]
    public static partial void NoGuardians(ILogger logger, string schoolId, string pupilId);

    [LoggerMessage(1006, LogLevel.Error, "School {SchoolId}: the journal could not be read ({Failure}, poll {InRow} in a row): {Message}. Nothing was decided; the next poll tries again")]
    public static partial void PollFailed(ILogger logger, string schoolId, string failure, int inRow, string message);

    [LoggerMessage(1013, LogLevel.Debug, "School {SchoolId}: the journal still cannot be read ({Failure}, poll {InRow} in a row); logged again at the next power of two")]
    public static partial void PollStillFailing(ILogger logger, string schoolId, string failure, int inRow);

    [LoggerMessage(1007, LogLevel.Error, "School {SchoolId}: the poll failed unexpectedly; nothing was decided")]
    public static partial void PollCrashed(ILogger logger, string schoolId, Exception exception);

    [LoggerMessage(2001, LogLevel.Information, "School {SchoolId}: message {MessageId} to guardian {GuardianId} handed to {Channel}")]
    public static partial void NoticeSent(ILogger logger, string schoolId, long messageId, string guardianId, string channel);

    [LoggerMessage(2002, LogLevel.Information, "School {SchoolId}: message {MessageId} cancelled: every absence in it was explained before sending")]
    public static partial void NoticeCancelled(ILogger logger, string schoolId, long messageId);

    [LoggerMessage(2003, LogLevel.Warning, "School {SchoolId}: message {MessageId} cannot go by {Channel}: {Detail}")]
    public static partial void NoticeFailedPermanently(ILogger logger, string schoolId, long messageId, string channel, string detail);

    [LoggerMessage(2004, LogLevel.Warning, "School {SchoolId}: message {MessageId} will be retried: {Detail}")]
    public static partial void NoticeWillRetry(ILogger logger, string schoolId, long messageId, string detail);

    [LoggerMessage(2005, LogLevel.Error, "School {SchoolId}: the {Channel} channel is misconfigured, sending paused: {Detail}")]
    public static partial void ChannelMisconfigured(ILogger logger, string schoolId, string channel, string detail);

    [LoggerMessage(2006, LogLevel.Warning, "School {SchoolId}: message {MessageId} was interrupted after sending; the channel has it, recorded as sent")]
    public static partial void RecoveredAsSent(ILogger logger, string schoolId, long messageId);

    [LoggerMessage(2015, LogLevel.Debug, "School {SchoolId}: message {MessageId} was claimed by another runner first")]
    public static partial void ClaimedElsewhere(ILogger logger, string schoolId, long messageId);

    [LoggerMessage(2016, LogLevel.Warning,
        "School {SchoolId}: message {MessageId} was interrupted while sending; its channel could tell whether it went but did not answer, so it is asked again later and not sent meanwhile")]
    public static partial void RecoveryAsksLater(ILogger logger, string schoolId, long messageId);

    [LoggerMessage(2007, LogLevel.Warning, "School {SchoolId}: message {MessageId} was interrupted while sending and will be sent again ({Why})")]
    public static partial void RecoveredForResend(ILogger logger, string schoolId, long messageId, string why);

    [LoggerMessage(2008, LogLevel.Error, "{Job} for school {SchoolId} failed unexpectedly; what it had not finished stays queued for the next run")]
    public static partial void JobFailed(ILogger logger, string job, string schoolId, Exception exception);

    [LoggerMessage(2009, LogLevel.Information, "School {SchoolId}: message {MessageId} waits for the end of the quiet hours ({Channel}) at {Until:u}")]
    public static partial void Deferred(ILogger logger, string schoolId, long messageId, string channel, DateTimeOffset until);

    [LoggerMessage(2010, LogLevel.Warning, "School {SchoolId}: message {MessageId} failed for good; queued again by {Channel}")]
    public static partial void FellBack(ILogger logger, string schoolId, long messageId, string channel);

    [LoggerMessage(2011, LogLevel.Warning, "School {SchoolId}: SMS {MessageId} was not delivered ({Detail})")]
    public static partial void SmsNotDelivered(ILogger logger, string schoolId, long messageId, string detail);

    [LoggerMessage(2012, LogLevel.Warning, "School {SchoolId}: the SMS gateway could not be asked about delivery: {Detail}")]
    public static partial void StatusUnavailable(ILogger logger, string schoolId, string detail);

    [LoggerMessage(2013, LogLevel.Information, "Removed {Count} send attempts older than {Days} days (Delivery:KeepAttemptsDays)")]
    public static partial void AttemptsPruned(ILogger logger, int count, int days);

    [LoggerMessage(1014, LogLevel.Information, "School {SchoolId}: the data of {Pupils} pupils who left was removed after the profile's retention, and {Guardians} guardians with no other child at the school")]
    public static partial void LeaversRemoved(ILogger logger, string schoolId, int pupils, int guardians);

    [LoggerMessage(1015, LogLevel.Information, "School {SchoolId}: taking {Cases} pupils off the register proposed to staff (the profile's conditions hold)")]
    public static partial void DeregistrationProposed(ILogger logger, string schoolId, int cases);

    [LoggerMessage(1008, LogLevel.Information, "School {SchoolId}: {Breaches} threshold levels reached; {Cases} escalation cases opened")]
    public static partial void Breaches(ILogger logger, string schoolId, int breaches, int cases);

    [LoggerMessage(4001, LogLevel.Information, "School {SchoolId}: flag {Key} written to the journal")]
    public static partial void FlagWritten(ILogger logger, string schoolId, string key);

    [LoggerMessage(4002, LogLevel.Warning, "School {SchoolId}: flag {Key} could not be written ({Failure}): {Message}")]
    public static partial void FlagNotWritten(ILogger logger, string schoolId, string key, string failure, string message);

    [LoggerMessage(3001, LogLevel.Information, "Scheduled school {SchoolId} ({TimeZone}): poll every {Interval} min {Start}–{End} school-local; outbox every {Delivery} s")]
    public static partial void Scheduled(ILogger logger, string schoolId, string timeZone, int interval, string start, string end, int delivery);

    [LoggerMessage(5001, LogLevel.Information, "Connector {Version} started: home {Home}, store {Store}, schools: {Schools}; channels: {Channels}")]
    public static partial void ServiceStarted(ILogger logger, string version, string home, string store, string schools, string channels);

    [LoggerMessage(5002, LogLevel.Information, "Connector {Version} stopped")]
    public static partial void ServiceStopped(ILogger logger, string version);
}
