using System.Globalization;
using System.Text.Json;
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
/// <param name="PupilsWithContacts">Pupils with at least one parent whose e-mail or phone the account sees, if read.</param>
/// <param name="Endpoints">Each variant of each read tried, and how it answered.</param>
/// <param name="Missing">What the service needs and the server did not give, in Russian; empty when all is there.</param>
/// <param name="LoggedOut">Whether the server confirmed the logout at the end; null when no session was opened.</param>
/// <param name="Cost">What a poll of this school would cost in requests, estimated from a sample of its subject groups; null when the lessons could not be read.</param>
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
    int? PupilsWithContacts,
    IReadOnlyList<SgoProbeEndpoint> Endpoints,
    IReadOnlyList<string> Missing,
    bool? LoggedOut,
    SgoPollCost? Cost = null);

/// <summary>
/// What a poll of a school costs in requests, as the adapter reads (SGO_API.md §4.2–4.3): one list of lessons per
/// subject group and one page per lesson begun; today's pages every poll, the previous lesson day's and older ones
/// by their refresh (README, «Сетевой Город»). Estimated for a 7-day window and a poll every 15 minutes.
/// </summary>
/// <param name="SampledGroups">How many subject groups' lessons were read for the estimate.</param>
/// <param name="Groups">The subject groups the account sees.</param>
/// <param name="LessonsPerDay">Lessons on a school day, all groups together.</param>
/// <param name="FirstPoll">The first poll after a start: every list and every page of the window.</param>
/// <param name="LargestPoll">The largest later poll: at the end of a school day.</param>
/// <param name="RequestsPerMinute">The configured pace.</param>
public sealed record SgoPollCost(int SampledGroups, int Groups, int LessonsPerDay, int FirstPoll, int LargestPoll, int RequestsPerMinute)
{
    public const int WindowDays = 7;
    public const int PollMinutes = 15;

    public static SgoPollCost Estimate(int sampledGroups, int groups, double lessonsPerGroupInWindow, int schoolDaysInWindow, SgoOptions options)
    {
        var window = (int)Math.Round(lessonsPerGroupInWindow * groups);
        var perDay = schoolDaysInWindow == 0 ? 0 : (int)Math.Round((double)window / schoolDaysInWindow);
        var recent = Share(perDay, options.RecentRefreshMinutes);
        var older = Share(Math.Max(0, window - 2 * perDay) + groups, options.OlderRefreshMinutes);
        return new SgoPollCost(sampledGroups, groups, perDay, groups + window, perDay + recent + older, options.RequestsPerMinute);
    }

    /// <summary>Minutes a poll of <paramref name="requests"/> takes at the pace.</summary>
    public double Minutes(int requests) => (double)requests / RequestsPerMinute;

    private static int Share(int count, int refreshMinutes) =>
        refreshMinutes <= PollMinutes ? count : (int)Math.Ceiling(count * (double)PollMinutes / refreshMinutes);
}

/// <summary>One variant of one read that the probe tried.</summary>
/// <param name="Read">The read, in Russian: «классы», «периоды», «ученики», «уроки», «страница урока», «почта: адресаты»…</param>
/// <param name="Path">The variant: the path and its parameters, without the ids.</param>
/// <param name="Answered">Whether it answered as expected.</param>
/// <param name="Detail">What it answered: a count, or the error.</param>
public sealed record SgoProbeEndpoint(string Read, string Path, bool Answered, string Detail);

/// <summary>
/// Tries a school's SGO server with the configured account: logs in, reads the server's version and login options,
/// the account's roles, and then every variant of every read the adapter makes (sending nothing), never stopping at
/// a failure: each read that fails is named in <see cref="SgoProbeReport.Missing"/>. Logs out at the end. With a file
/// to save to, every answer is written there with names, phones, e-mails and tokens masked, for whoever maintains the
/// adapter. For an IT person setting up a real server; prints no secret.
/// </summary>
public sealed class SgoProbe
{
    private const string ReasonsPath = "webapi/grade/attendance/reasons";
    private readonly SgoAdapterFactory factory;

    internal SgoProbe(SgoAdapterFactory factory) => this.factory = factory;

    public async Task<SgoProbeReport> RunAsync(SchoolRef school, IConfigurationSection adapterSection, CancellationToken cancellationToken, string? saveTo = null)
    {
        var (client, options) = factory.CreateClient(school, adapterSection);
        await using (client.ConfigureAwait(false))
        {
            if (saveTo is not null) client.Recording = [];
            var trials = new List<SgoVariantTrial>();
            var missing = new List<string>();
            var reasons = new List<(string, string)>();
            (int Classes, int Pupils, int WithContacts)? seen = null;
            SgoPollCost? cost = null;
            string? loginError = null;
            try
            {
                await client.RunAsync(ct => ProbeReadsAsync(client, school, options, trials, missing, reasons, counts => seen = counts, estimate => cost = estimate, ct), cancellationToken).ConfigureAwait(false);
            }
            catch (JournalException ex)
            {
                loginError = ex.Message;
            }

            var session = client.Session;
            var roles = session?.Roles.Select(r => r.Role?.Name ?? "?").Distinct().ToList() ?? [];
            await client.LogoutAsync(cancellationToken).ConfigureAwait(false);
            var login = client.LoginData;
            if (saveTo is not null) await SaveAsync(saveTo, client, cancellationToken).ConfigureAwait(false);
            if (loginError is not null) missing.Insert(0, "вход в систему");
            return new SgoProbeReport(client.Server.Origin, login?.ProductName, login?.Version,
                login is null ? null : login.SchoolLogin && !login.EsiaMainAuth, login?.EsiaMainAuth, loginError, roles, reasons,
                seen?.Classes, seen?.Pupils, seen?.WithContacts,
                [.. trials.Select(t => new SgoProbeEndpoint(t.Read, t.Variant, t.Answered, t.Detail))], missing, client.LastLogoutConfirmed, cost);
        }
    }

    private async Task<bool> ProbeReadsAsync(SgoClient client, SchoolRef school, SgoOptions options, List<SgoVariantTrial> trials, List<string> missing,
        List<(string, string)> reasons, Action<(int, int, int)> seen, Action<SgoPollCost> estimated, CancellationToken cancellationToken)
    {
        await client.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
        var reasonList = await Try(trials, "причины отсутствия", missing, optional: true, t => SgoVariantSearch.FirstAnsweringAsync<List<(string, string)>>(client, "reasons",
        [
            new(ReasonsPath + "?lng=ru", async ct => Reasons(await client.GetAnswerAsync(ReasonsPath + "?lng=ru", ReasonsPath, ct).ConfigureAwait(false))),
            new(ReasonsPath, async ct => Reasons(await client.GetAnswerAsync(ReasonsPath, ReasonsPath, ct).ConfigureAwait(false))),
        ], cancellationToken, t, r => Count(r.Count, "причин"))).ConfigureAwait(false);
        reasons.AddRange(reasonList ?? []);

        var today = DateOnly.FromDateTime(factory.LocalNow(school));
        SgoAnswer? filter = null;
        List<SgoClass> classes = [];
        List<SubjectGroup> groups = [];
        try
        {
            (filter, classes, groups) = await SchoolDirectoryReader.FilterAsync(client, cancellationToken).ConfigureAwait(false);
            trials.Add(new SgoVariantTrial("классы", SchoolDirectoryReader.FilterPath, true,
                string.Create(CultureInfo.InvariantCulture, $"классов: {classes.Count}, предметных групп: {groups.Count}, с классным руководителем: {classes.Count(c => c.Teacher is not null)}")));
            if (classes.Count > 0 && classes.All(c => c.Teacher is null)) missing.Add("классные руководители (необязательно: укажите их в настройках школы, Staff с ролью ClassTeacher)");
        }
        catch (JournalException ex) when (ex.Failure != JournalFailure.Authentication)
        {
            trials.Add(new SgoVariantTrial("классы", SchoolDirectoryReader.FilterPath, false, ex.Message));
            missing.Add("классы и предметные группы (" + SchoolDirectoryReader.FilterPath + ")");
        }

        var terms = await Try(trials, "периоды учебного года", missing, optional: false,
            t => SchoolDirectoryReader.TermsAsync(client, filter, classes, cancellationToken, t)).ConfigureAwait(false);
        var term = terms is null ? null : new SchoolDirectory(classes, groups, terms, []).TermOf(today);
        if (classes.Count > 0)
        {
            var students = await Try(trials, "ученики", missing, optional: false,
                t => SchoolDirectoryReader.StudentsAsync(client, classes, groups, term, cancellationToken, t)).ConfigureAwait(false);
            if (students is not null)
            {
                var withContacts = students.Count(s => s.Parents?.Any(p => !string.IsNullOrWhiteSpace(p.Email) || !string.IsNullOrWhiteSpace(p.MobilePhone)) == true);
                seen((classes.Count, students.Count, withContacts));
                if (withContacts == 0) missing.Add("контакты родителей: учётная запись не видит ни одного адреса или телефона; дайте их в файле контактов (Contacts:File)");
            }
        }

        if (groups.Count > 0 && (term is not null || terms is null))
        {
            // The first subject group with a lesson already begun, so that its journal page can be tried too.
            List<ClassMeeting>? meetings = null;
            SubjectGroup? chosen = null;
            foreach (var group in groups.Take(20))
            {
                // Every variant is shown for the first group; later groups only look for a lesson already given.
                meetings = await Try(chosen is null ? trials : [], "уроки", missing, optional: false,
                    t => TeacherJournalReader.MeetingsAsync(client, group.Id, term?.Id, cancellationToken, chosen is null ? t : null)).ConfigureAwait(false);
                if (meetings is null) break;
                chosen = group;
                if (meetings.Any(m => m.Day <= today)) break;
            }

            if (chosen is not null) estimated(await EstimateAsync(client, groups, term?.Id, today, options, cancellationToken).ConfigureAwait(false));

            if (chosen is not null && meetings?.Where(m => m.Day <= today).MaxBy(m => m.Day) is { } meeting)
            {
                await Try(trials, "страница урока", missing, optional: false,
                    t => TeacherJournalReader.AttendanceAsync(client, chosen.Id, term?.Id, meeting.Id, cancellationToken, t)).ConfigureAwait(false);
            }
            else if (meetings is not null)
            {
                trials.Add(new SgoVariantTrial("страница урока", TeacherJournalReader.LessonPath, false, "не проверена: в первых группах нет ни одного прошедшего урока"));
            }
        }

        var mailbox = new SgoMailbox(client, new SgoOptions(), school.Id, "", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        try
        {
            var book = await client.GetAnswerAsync(SgoMailbox.RecipientsQuery(client.Session!), SgoMailbox.RecipientsPath, cancellationToken).ConfigureAwait(false);
            trials.Add(new SgoVariantTrial("почта: адресаты", SgoMailbox.RecipientsPath, true, Count(book.Root.Items().Count, "адресатов")));
        }
        catch (JournalException ex) when (ex.Failure != JournalFailure.Authentication)
        {
            trials.Add(new SgoVariantTrial("почта: адресаты", SgoMailbox.RecipientsPath, false, ex.Message));
            missing.Add("почта: адресная книга (отметки сотрудникам не будут отправляться)");
        }

        await Try(trials, "почта: папка «Отправленные» (без неё отметки сотрудникам не отправляются, чтобы не отправить дважды)", missing, optional: false,
            t => mailbox.SentSubjectsAsync(null, cancellationToken, t), read: "почта: «Отправленные»").ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Reads the lessons of up to ten subject groups (the lists the probe already read come from the same server
    /// again, a request each) and scales their last week to all groups: what a poll costs, at the configured refresh.
    /// </summary>
    private static async Task<SgoPollCost> EstimateAsync(SgoClient client, List<SubjectGroup> groups, int? termId, DateOnly today, SgoOptions options, CancellationToken cancellationToken)
    {
        var from = today.AddDays(-SgoPollCost.WindowDays);
        var sample = groups.Take(10).ToList();
        var lessons = 0;
        var days = new HashSet<DateOnly>();
        foreach (var group in sample)
        {
            var inWindow = (await TeacherJournalReader.MeetingsAsync(client, group.Id, termId, cancellationToken).ConfigureAwait(false))
                .Where(m => m.Day >= from && m.Day <= today).ToList();
            lessons += inWindow.Count;
            days.UnionWith(inWindow.Select(m => m.Day));
        }

        return SgoPollCost.Estimate(sample.Count, groups.Count, (double)lessons / sample.Count, days.Count, options);
    }

    /// <summary>
    /// Makes one read with every variant tried; files each trial under the read's Russian name; on failure names the
    /// read in <paramref name="missing"/> (unless optional) and goes on.
    /// </summary>
    private static async Task<T?> Try<T>(List<SgoVariantTrial> trials, string what, List<string> missing, bool optional,
        Func<List<SgoVariantTrial>, Task<T>> call, string? read = null) where T : class
    {
        var mine = new List<SgoVariantTrial>();
        try
        {
            return await call(mine).ConfigureAwait(false);
        }
        catch (JournalException ex) when (ex.Failure != JournalFailure.Authentication)
        {
            if (!optional) missing.Add(what);
            if (mine.Count == 0) mine.Add(new SgoVariantTrial(what, "", false, ex.Message));
            return null;
        }
        finally
        {
            trials.AddRange(mine.Select(t => t with { Read = read ?? what }));
        }
    }

    private static List<(string, string)> Reasons(SgoAnswer answer) =>
        [.. answer.Root.Items().Select(r => (r.String("mark", "reasonMark", "abbr") ?? "?", r.String("name", "reasonName") ?? ""))];

    private static async Task SaveAsync(string path, SgoClient client, CancellationToken cancellationToken)
    {
        var answers = client.Recording!.Select(r => new
        {
            request = r.Request,
            status = r.Status,
            contentType = r.MediaType,
            body = SgoMask.Body(r.Body),
        });
        var text = JsonSerializer.Serialize(new
        {
            server = client.Server.Origin.AbsoluteUri,
            note = "Ответы сервера «Сетевого Города» для сопровождающих адаптер. Имена, телефоны, адреса и ключи сеанса заменены на *** и #…#.",
            answers,
        }, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        await File.WriteAllTextAsync(path, text, cancellationToken).ConfigureAwait(false);
    }

    private static string Count(int count, string what) => string.Create(CultureInfo.InvariantCulture, $"{what}: {count}");
}
