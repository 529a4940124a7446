using System.Text.Json;
using System.Text.Json.Serialization;

namespace Connector.Adapters.SetevoyGorod;

// The shapes of SGO's answers, as far as the adapter reads them (SGO_API.md §2–§4). Fields it does not need are not declared.
// The login handshake (CERTAIN) is read into records; the uncertain reads are read tolerantly through SgoNode.

internal sealed record LoginData(string? ProductName, string? Version, bool SchoolLogin, bool EsiaLogin, bool EsiaMainAuth);

internal sealed record AuthData(string? Lt, string? Ver, string? Salt);

internal sealed record LoginAnswer(string? At, long TimeOut, string? EntryPoint, AccountInfo? AccountInfo, string? Message);

internal sealed record AccountInfo(IdName? User, IdName? CurrentOrganization, IReadOnlyList<UserRole>? UserRoles);

internal sealed record UserRole(int UserId, int SchoolId, IdName? Role);

internal sealed record IdName(int Id, string? Name);

internal sealed record ContextAnswer(int UserId, string? Version, int SchoolId, int SchoolYearId, IdName? Organization);

internal sealed record ErrorAnswer(string? Message);

internal sealed record AttendanceReason(int Id, string? Mark, string? Name);

internal sealed record SgoClass(int Id, string Name, IdName? Teacher);

internal sealed record SubjectGroup(int Id, string? Name, int ClassId, string? SubjectName);

/// <summary>A term, or the school year when the server names no terms (then <paramref name="Id"/> is null and the journal is read without a term).</summary>
internal sealed record Term(int? Id, string? Name, DateOnly Start, DateOnly End);

internal sealed record SgoStudent(int Id, string? LastName, string? FirstName, string? MiddleName, DateTime? BirthDate, int ClassId, IReadOnlyList<SgoParent>? Parents)
{
    /// <summary>Last name, first name, patronymic, as the journal spells them.</summary>
    public string FullName => string.Join(' ', new[] { LastName, FirstName, MiddleName }.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim()));
}

internal sealed record SgoParent(int Id, string? Name, string? Email, string? MobilePhone, string? PreferedCom);

/// <summary>A lesson (class meeting) of a subject group.</summary>
internal sealed record ClassMeeting(int Id, DateOnly Day, int Number, string? StartTime);

internal sealed record MailRecipient(string Id, string? Name, string? OrganizationName);

internal static class SgoJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };
}
