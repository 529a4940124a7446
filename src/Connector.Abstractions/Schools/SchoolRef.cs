namespace Connector.Abstractions.Schools;

/// <summary>A school as the adapters and the notifier see it.</summary>
/// <param name="Id">The connector's own id of the school, as configured (latin letters, digits, dashes).</param>
/// <param name="Name">The school's name as parents know it, used in messages.</param>
/// <param name="TimeZone">The school's IANA time zone id, e.g. "Asia/Kamchatka".</param>
/// <param name="ProfileId">The rule profile the school runs under, e.g. "default" or "krasnodar".</param>
/// <param name="AdapterKind">The kind of journal adapter, e.g. "files" or "sgo".</param>
public sealed record SchoolRef(string Id, string Name, string TimeZone, string ProfileId, string AdapterKind);
