namespace Connector.Abstractions.Schools;

/// <summary>A member of the school's staff who receives digests and escalations.</summary>
/// <param name="Id">The connector's id of the staff member.</param>
/// <param name="FullName">Full name.</param>
/// <param name="Email">Where the digest goes.</param>
/// <param name="Roles">What the person does.</param>
/// <param name="Classes">The classes they lead, for class teachers (e.g. "7Б").</param>
/// <param name="ReceivesDigest">Whether they get the morning digest.</param>
public sealed record StaffMember(
    string Id,
    string FullName,
    string Email,
    IReadOnlyList<StaffRole> Roles,
    IReadOnlyList<string> Classes,
    bool ReceivesDigest = true);
