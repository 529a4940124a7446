using System.Globalization;
using Connector.Abstractions.Journals;
using Connector.Abstractions.Schools;
using Microsoft.Extensions.Configuration;

namespace Connector.Adapters.SetevoyGorod;

/// <summary>What the probe found on a school's SGO server.</summary>
/// <param name="Server">The server's origin.</param>
/// <param name="ProductName">The product name the server gives.</param>
/// <param name="Version">The server's version, from logindata.</param>
/// <param name="PasswordLogin">Whether password login is allowed.</param>
/// <param name="EsiaOnly">Whether Госуслуги is the only way in.</param>
/// <param name="LoginError">Why logging in failed, or null.</param>
/// <param name="Roles">The account's roles.</param>
/// <param name="Reasons">The attendance reasons list (code, name).</param>
/// <param name="Classes">Classes the account sees, if read.</param>
/// <param name="Pupils">Pupils the account sees, if read.</param>
/// <param name="Endpoints">Each endpoint tried and how it answered.</param>
/// <param name="LoggedOut">Whether the server confirmed the logout at the end; null when no session was opened.</param>
public sealed record SgoProbeReport(
    Uri Server,
    string? ProductName,
    string? Version,
    bool? PasswordLogin,
    bool? EsiaOnly,
    string? LoginError,
    IReadOnlyList<string> Roles,
    IReadOnlyList<(string Code, string Name)> Reasons,
    int? Classes,
    int? Pupils,
    IReadOnlyList<SgoProbeEndpoint> Endpoints,
    bool? LoggedOut);

/// <summary>One endpoint the probe tried.</summary>
/// <param name="Group">"attendance" or "mail".</param>
/// <param name="Path">The path, without the query's ids.</param>
/// <param name="Answered">Whether it answered as expected.</param>
/// <param name="Detail">What it answered: a count, or the error.</param>
public sealed record SgoProbeEndpoint(string Group, string Path, bool Answered, string Detail);

/// <summary>
/// Tries a school's SGO server with the configured account: logs in, reads the server's version and login options,
/// the account's roles, the reasons list, the classes and pupils it sees, tries each attendance and mail endpoint the
/// adapter uses (sending nothing), and logs out. For an IT person setting up a real server; prints no secret.
/// </summary>
public sealed class SgoProbe
{
    private readonly SgoAdapterFactory factory;

    internal SgoProbe(SgoAdapterFactory factory) => this.factory = factory;

    public async Task<SgoProbeReport> RunAsync(SchoolRef school, IConfigurationSection adapterSection, CancellationToken cancellationToken)
    {
        var (client, _) = factory.CreateClient(school, adapterSection);
        await using (client.ConfigureAwait(false))
        {
            var endpoints = new List<SgoProbeEndpoint>();
            var reasons = new List<(string, string)>();
            SchoolDirectory? directory = null;
            string? loginError = null;
            try
            {
                await client.RunAsync(async ct =>
                {
                    var reasonList = await Try(endpoints, "attendance", "webapi/grade/attendance/reasons",
                        () => client.GetJsonAsync<List<AttendanceReason>>("webapi/grade/attendance/reasons?lng=ru", ct), r => Count(r.Count, "причин")).ConfigureAwait(false);
                    reasons.AddRange((reasonList ?? []).Select(r => (r.Mark ?? "?", r.Name ?? "")));

                    directory = await Try(endpoints, "attendance", $"{SchoolDirectoryReader.FilterPath} + {SchoolDirectoryReader.StudentsPath}…",
                        () => SchoolDirectoryReader.ReadAsync(client, ct), d => $"классов {d.Classes.Count}, учеников {d.Students.Count}").ConfigureAwait(false);

                    var group = directory is { SubjectGroups.Count: > 0 } ? directory.SubjectGroups[0] : null;
                    var today = factory.LocalNow(school).Date;
                    var term = directory?.Terms.FirstOrDefault(t => t.StartDate <= today && t.EndDate >= today) ?? (directory is { Terms.Count: > 0 } ? directory.Terms[0] : null);
                    if (group is not null && term is not null)
                    {
                        var query = string.Create(CultureInfo.InvariantCulture, $"?sgId={group.Id}&termId={term.Id}");
                        var lessons = await Try(endpoints, "attendance", TeacherJournalReader.LessonsPath,
                            () => client.GetJsonAsync<JournalShort>(TeacherJournalReader.LessonsPath + query, ct), l => Count(l.ClassMeetings?.Count ?? 0, "уроков в группе")).ConfigureAwait(false);
                        if (lessons?.ClassMeetings is { Count: > 0 } meetings && meetings[0] is { } meeting)
                        {
                            await Try(endpoints, "attendance", TeacherJournalReader.LessonPath,
                                () => client.GetJsonAsync<JournalLesson>(TeacherJournalReader.LessonPath + query + string.Create(CultureInfo.InvariantCulture, $"&cmid={meeting.Id}"), ct),
                                l => Count(l.Attendance?.Count ?? 0, "учеников на странице урока")).ConfigureAwait(false);
                        }
                    }

                    await Try(endpoints, "mail", SgoMailbox.RecipientsPath,
                        () => client.GetJsonAsync<List<MailRecipient>>(SgoMailbox.RecipientsQuery(client.Session!), ct), r => Count(r.Count, "адресатов")).ConfigureAwait(false);
                    await Try(endpoints, "mail", SgoMailbox.RegistryPath,
                        () => client.PostJsonAsync<MailRegistry>(SgoMailbox.RegistryPath, SgoMailbox.Registry("Sent", "Отправленные", null), ct), r => Count(r.TotalItems, "писем в «Отправленных»")).ConfigureAwait(false);
                    return true;
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (JournalException ex)
            {
                loginError = ex.Message;
            }

            var session = client.Session;
            var roles = session?.Roles.Select(r => r.Role?.Name ?? "?").Distinct().ToList() ?? [];
            await client.LogoutAsync(cancellationToken).ConfigureAwait(false);
            var login = client.LoginData;
            return new SgoProbeReport(client.Server.Origin, login?.ProductName, login?.Version,
                login is null ? null : login.SchoolLogin && !login.EsiaMainAuth, login?.EsiaMainAuth, loginError, roles, reasons,
                directory?.Classes.Count, directory?.Students.Count, endpoints, client.LastLogoutConfirmed);
        }
    }

    private static async Task<T?> Try<T>(List<SgoProbeEndpoint> endpoints, string group, string path, Func<Task<T>> call, Func<T, string> describe) where T : class
    {
        try
        {
            var result = await call().ConfigureAwait(false);
            endpoints.Add(new SgoProbeEndpoint(group, path, true, describe(result)));
            return result;
        }
        catch (JournalException ex) when (ex.Failure != JournalFailure.Authentication)
        {
            endpoints.Add(new SgoProbeEndpoint(group, path, false, ex.Message));
            return null;
        }
    }

    private static string Count(int count, string what) => string.Create(CultureInfo.InvariantCulture, $"{what}: {count}");
}
