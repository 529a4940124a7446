using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Connector.Adapters.SetevoyGorod;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Connector.Testing.Sgo;

/// <summary>The faults a test switches on in <see cref="SgoEmulator"/>.</summary>
public enum SgoFault
{
    None,

    /// <summary>The answer comes after <see cref="SgoEmulator.SlowDelay"/>.</summary>
    Slow,

    /// <summary>503 Service Unavailable.</summary>
    ServerError,

    /// <summary>The connection is dropped before any answer.</summary>
    Drop,

    /// <summary>A 200 HTML page (a maintenance page, a firewall) where JSON was expected.</summary>
    Html,

    /// <summary>The real answer, announced whole, cut halfway and the connection dropped.</summary>
    Truncated,
}

/// <summary>Where the emulated server gives the terms of the school year.</summary>
public enum SgoTermsVariant
{
    /// <summary>In the answer of grade/journal/filter/init.</summary>
    InFilter,

    /// <summary>Only from GET terms/search.</summary>
    SearchGet,

    /// <summary>Only from POST terms/search with the class ids.</summary>
    SearchPost,

    /// <summary>Nowhere: only the school year's dates from years/current.</summary>
    YearOnly,
}

/// <summary>How the emulated server names the pupils of a class.</summary>
public enum SgoStudentsVariant
{
    /// <summary>GET users/studentlist?classId= (SGO_API.md §3.1).</summary>
    UsersStudentList,

    /// <summary>Only GET grade/studentList?sgid=&amp;termId= per subject group (§4.3); users/studentlist answers 404.</summary>
    GradeStudentList,
}

/// <summary>What the emulated server tells about parents.</summary>
public enum SgoParentsVariant
{
    /// <summary>Parents with their e-mail and phone.</summary>
    WithContacts,

    /// <summary>Parents' names only.</summary>
    NamesOnly,

    /// <summary>No parents at all.</summary>
    None,
}

/// <summary>Which Sent-folder search the emulated server has.</summary>
public enum SgoRegistryVariant
{
    /// <summary>POST mail/registry (SGO_API.md §3.3 A).</summary>
    Json,

    /// <summary>Only the legacy /asp/ajax/GetMessagesAjax.asp (§3.3 B); mail/registry answers 404.</summary>
    Legacy,

    /// <summary>Neither.</summary>
    None,
}

/// <summary>
/// The protocol variants SGO_API.md leaves open, as one emulated server answers them: a test sets any combination,
/// and the adapter must read the same classes, pupils and lessons from each.
/// </summary>
public sealed record SgoVariants
{
    public SgoTermsVariant Terms { get; init; } = SgoTermsVariant.InFilter;

    public SgoStudentsVariant Students { get; init; } = SgoStudentsVariant.UsersStudentList;

    /// <summary>Pupils named by one <c>nickName</c> ("Фамилия Имя Отчество") instead of lastName/firstName/middleName.</summary>
    public bool NickNames { get; init; }

    /// <summary>Lessons named as the mobile API names them (§3.6): a bare array of <c>classmeetingId</c>, <c>scheduleTimeNumber</c>.</summary>
    public bool MobileLessonNames { get; init; }

    /// <summary>The journal endpoints take the subject group as <c>sgid</c> only (and answer 400 to <c>sgId</c>).</summary>
    public bool LowercaseSgid { get; init; }

    /// <summary>Classes in filter/init carry no class teacher.</summary>
    public bool NoClassTeachers { get; init; }

    public SgoParentsVariant Parents { get; init; } = SgoParentsVariant.WithContacts;

    public SgoRegistryVariant Registry { get; init; } = SgoRegistryVariant.Json;

    /// <summary>Every combination of the read variants (terms, pupils, names, lessons, parameter spelling, class teachers).</summary>
    public static IEnumerable<SgoVariants> AllReads() =>
        from terms in Enum.GetValues<SgoTermsVariant>()
        from students in Enum.GetValues<SgoStudentsVariant>()
        from nick in new[] { false, true }
        from mobile in new[] { false, true }
        from lower in new[] { false, true }
        select new SgoVariants { Terms = terms, Students = students, NickNames = nick, MobileLessonNames = mobile, LowercaseSgid = lower, NoClassTeachers = nick && lower };

    public override string ToString() =>
        $"terms={Terms}, pupils={Students}{(NickNames ? ", nickName" : "")}{(MobileLessonNames ? ", mobile lesson names" : "")}{(LowercaseSgid ? ", sgid" : "")}"
        + $"{(NoClassTeachers ? ", no class teachers" : "")}, parents={Parents}, registry={Registry}";
}

/// <summary>A parent as the emulator holds them.</summary>
public sealed record SgoParentData(string Name, string? Email, string? Phone, string? PreferedCom = null);

/// <summary>A message that reached the emulator's internal mail.</summary>
public sealed record SgoMail(int Id, int AuthorId, IReadOnlyList<int> To, string Subject, string Text, DateTimeOffset Sent, int Variant);

/// <summary>
/// An SGO 5.x server for tests: a real Kestrel server on 127.0.0.1 that speaks SGO_API.md's protocol — the password
/// login (logindata, one-shot salt bound to the NSSESSIONID cookie, pw2/PW verified against the windows-1251 password,
/// 409 on refusal, the <c>at</c> header, idle expiry, logout), the security-warning interstitial for a second session,
/// role choice, an ESIA-only mode, the school's directory, the teacher journal's attendance, and internal mail —
/// with switchable faults. Marks may be given a time from which they are visible, on the emulator's clock.
/// </summary>
public sealed class SgoEmulator : IAsyncDisposable
{
    public const string SessionCookie = "NSSESSIONID";
    public const int StaffRoleId = 7;
    public const string StaffRoleName = "Администратор";

    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private readonly Dictionary<string, Account> accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<int, string> users = [];
    private readonly List<ClassData> classes = [];
    private readonly List<GroupData> groups = [];
    private readonly List<StudentData> students = [];
    private readonly List<MeetingData> meetings = [];
    private readonly List<MarkData> marks = [];
    private readonly List<SgoMail> mail = [];
    private readonly ConcurrentDictionary<string, (string Lt, string Ver, string Salt)> salts = new();
    private readonly ConcurrentDictionary<string, SessionData> sessions = new();
    private readonly ConcurrentQueue<(string Method, string Path, DateTimeOffset At)> log = new();
    private readonly ConcurrentQueue<string> targets = new();
    private WebApplication? app;
    private int nextId = 5000;
    private int logins;
    private int logouts;

    private SgoEmulator(TimeProvider time) => this.time = time;

    public string BaseUrl { get; private set; } = "";

    public int SchoolId { get; } = 1001;

    public string SchoolName { get; set; } = "МБОУ «Школа № 1»";

    public string Version { get; set; } = "5.47.0.0";

    /// <summary>Only Госуслуги login (logindata.esiaMainAuth); password login is refused.</summary>
    public bool EsiaOnly { get; set; }

    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Which mail-send variant of SGO_API.md §3.3 this server accepts (1: POST mail/messages, 2: POST mail/messages/send).</summary>
    public int SendVariant { get; set; } = 2;

    /// <summary>The protocol variants this server answers (SGO_API.md's LIKELY and UNCERTAIN reads).</summary>
    public SgoVariants Variants { get; set; } = new();

    public SgoFault Fault { get; set; }

    /// <summary>The fault meets only paths containing this text; every /webapi path when null.</summary>
    public string? FaultPath { get; set; }

    /// <summary>How many more requests meet the fault before it clears by itself; -1 until it is set back to None.</summary>
    public int FaultCount { get; set; } = -1;

    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromSeconds(30);

    public int Logins => logins;

    public int Logouts => logouts;

    /// <summary>Sessions open now (not logged out, not expired).</summary>
    public int OpenSessions => sessions.Values.Count(s => !Expired(s));

    public IReadOnlyList<(string Method, string Path, DateTimeOffset At)> Requests => log.ToList();

    /// <summary>Every request as "METHOD /path?query", in order.</summary>
    public IReadOnlyList<string> RequestTargets => targets.ToList();

    /// <summary>Changes the JSON of data answers before they are sent (path, JSON → JSON): a server of another version.</summary>
    public Func<string, string, string>? RewriteJson { get; set; }

    public IReadOnlyList<SgoMail> Mail
    {
        get
        {
            lock (gate) return [.. mail];
        }
    }

    public static async Task<SgoEmulator> StartAsync(TimeProvider? time = null)
    {
        var emulator = new SgoEmulator(time ?? TimeProvider.System);
        await emulator.StartCoreAsync();
        return emulator;
    }

    public string UserName(int userId)
    {
        lock (gate) return users[userId];
    }

    /// <summary>An account that can log in; a staff role unless others are given.</summary>
    public int AddAccount(string login, string password, string name, bool seesContacts = true, params (int Id, string Name)[] roles)
    {
        lock (gate)
        {
            var id = ++nextId;
            users[id] = name;
            accounts[login] = new Account(login, password, id, roles.Length > 0 ? roles : [(StaffRoleId, StaffRoleName)], seesContacts);
            return id;
        }
    }

    /// <summary>A member of staff who can be written to (a class teacher, the social pedagogue).</summary>
    public int AddStaff(string name)
    {
        lock (gate)
        {
            var id = ++nextId;
            users[id] = name;
            return id;
        }
    }

    public int AddClass(string name, int teacherUserId, params string[] subjects)
    {
        lock (gate)
        {
            var id = ++nextId;
            classes.Add(new ClassData(id, name, teacherUserId));
            foreach (var subject in subjects.Length > 0 ? subjects : JournalFolder.Subjects) groups.Add(new GroupData(++nextId, id, subject));
            return id;
        }
    }

    public int AddStudent(int classId, string fullName, DateOnly? birthDate, params SgoParentData[] parents)
    {
        lock (gate)
        {
            var id = ++nextId;
            var parts = fullName.Split(' ');
            var parentIds = new List<(int, SgoParentData)>();
            foreach (var parent in parents)
            {
                var existing = students.SelectMany(s => s.Parents).FirstOrDefault(p => p.Data == parent);
                parentIds.Add(existing.Id != 0 ? existing : (++nextId, parent));
            }

            students.Add(new StudentData(id, parts[0], parts.Length > 1 ? parts[1] : "", parts.Length > 2 ? parts[2] : null, birthDate, classId, parentIds));
            return id;
        }
    }

    /// <summary>The ids the emulator gave a pupil's parents, in the order they were added.</summary>
    public IReadOnlyList<int> ParentIds(int studentId)
    {
        lock (gate) return students.Single(s => s.Id == studentId).Parents.Select(p => p.Id).ToList();
    }

    /// <summary>Lessons 1..count of a class on a date, 45 minutes each from 08:30 with 10-minute breaks; subjects in turn.</summary>
    public void Lessons(int classId, DateOnly date, int count)
    {
        lock (gate)
        {
            var classGroups = groups.Where(g => g.ClassId == classId).ToList();
            for (var n = 1; n <= count; n++)
            {
                var start = LessonStart(n);
                meetings.Add(new MeetingData(++nextId, classGroups[(n - 1) % classGroups.Count].Id, date, n, start, start.AddMinutes(45)));
            }
        }
    }

    public static TimeOnly LessonStart(int number) => new TimeOnly(8, 30).AddMinutes((number - 1) * 55);

    /// <summary>A teacher enters a code ("" clears it) for a pupil in a lesson; visible from <paramref name="visibleFrom"/> on the emulator's clock.</summary>
    public void Mark(int studentId, DateOnly date, int lesson, string code, DateTimeOffset? visibleFrom = null)
    {
        lock (gate)
        {
            var classId = students.Single(s => s.Id == studentId).ClassId;
            var meeting = meetings.Single(m => m.Date == date && m.Number == lesson && groups.Single(g => g.Id == m.GroupId).ClassId == classId);
            marks.Add(new MarkData(meeting.Id, studentId, code, visibleFrom ?? DateTimeOffset.MinValue, marks.Count));
        }
    }

    /// <summary>A person logs in with the account in a browser and leaves the session open.</summary>
    public string OpenBrowserSession(string login)
    {
        var account = accounts[login];
        var at = NewToken();
        sessions[at] = new SessionData(at, "browser-cookie", account, time.GetUtcNow(), Warned: false, RoleChosen: true);
        return at;
    }

    /// <summary>Every open session expires now, as after a long idle time.</summary>
    public void ExpireSessions()
    {
        foreach (var (key, session) in sessions) sessions[key] = session with { LastAccess = DateTimeOffset.MinValue };
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
    }

    private async Task StartCoreAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        builder.Logging.ClearProviders();
        // SGO_EMULATOR_LOG=1 shows the emulator's own log (its unhandled exceptions) when a test needs debugging.
        if (Environment.GetEnvironmentVariable("SGO_EMULATOR_LOG") == "1") builder.Logging.AddConsole();
        app = builder.Build();
        app.Use(async (context, next) =>
        {
            log.Enqueue((context.Request.Method, context.Request.Path.Value ?? "", time.GetUtcNow()));
            targets.Enqueue($"{context.Request.Method} {context.Request.Path.Value}{context.Request.QueryString.Value}");
            if (!context.Request.Cookies.ContainsKey(SessionCookie))
            {
                context.Response.Cookies.Append(SessionCookie, NewToken(), new CookieOptions { Path = "/", HttpOnly = true });
            }

            if (await FaultAsync(context, next)) return;
            await next(context);
        });
        MapLogin(app);
        MapData(app);
        MapMail(app);
        await app.StartAsync();
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    private async Task<bool> FaultAsync(HttpContext context, RequestDelegate next)
    {
        var path = context.Request.Path.Value ?? "";
        if (Fault == SgoFault.None || !path.StartsWith("/webapi/", StringComparison.OrdinalIgnoreCase)) return false;
        if (FaultPath is not null && !path.Contains(FaultPath, StringComparison.OrdinalIgnoreCase)) return false;
        var fault = Fault;
        if (FaultCount > 0 && --FaultCount == 0) Fault = SgoFault.None;
        switch (fault)
        {
            case SgoFault.Slow:
                await Task.Delay(SlowDelay, context.RequestAborted);
                return false;
            case SgoFault.ServerError:
                context.Response.StatusCode = 503;
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html><body><h1>503 Service Unavailable</h1></body></html>");
                return true;
            case SgoFault.Drop:
                context.Abort();
                return true;
            case SgoFault.Html:
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync("<html><head><title>Технические работы</title></head><body><h1>Сайт временно недоступен</h1><p>"
                    + new string('.', 1200) + "</p></body></html>");
                return true;
            case SgoFault.Truncated:
                var original = context.Response.Body;
                using (var buffer = new MemoryStream())
                {
                    context.Response.Body = buffer;
                    await next(context);
                    context.Response.Body = original;
                    var bytes = buffer.ToArray();
                    context.Response.ContentLength = bytes.Length;
                    await original.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
                    await original.FlushAsync();
                }

                context.Abort();
                return true;
            default:
                return false;
        }
    }

    private void MapLogin(WebApplication web)
    {
        web.MapGet("/webapi/logindata", () => Results.Json(new
        {
            productName = "Сетевой Город. Образование",
            version = Version,
            schoolLogin = !EsiaOnly,
            emLogin = false,
            esiaLogin = true,
            esiaLoginPage = "",
            esiaMainAuth = EsiaOnly,
            esiaButton = true,
            signatureLogin = false,
            cacheVer = "1",
            windowsAuth = false,
            enableSms = false,
            esaLogin = false,
            esaLoginPage = "",
        }));

        web.MapPost("/webapi/auth/getdata", (HttpContext context) =>
        {
            if (EsiaOnly) return Results.Json(new { });
            var cookie = Cookie(context);
            var data = (Lt: Digits(9), Ver: Digits(9), Salt: Digits(10));
            salts[cookie] = data;
            return Results.Json(new { lt = data.Lt, ver = data.Ver, salt = data.Salt });
        });

        web.MapPost("/webapi/login", async (HttpContext context) =>
        {
            var form = (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            if (EsiaOnly) return Conflict("Вход по логину и паролю отключён. Войдите через Госуслуги.");
            var cookie = Cookie(context);
            if (!salts.TryRemove(cookie, out var data)) return Conflict("Сеанс устарел. Обновите страницу.");
            if (form.GetValueOrDefault("loginType") != "1" || form.GetValueOrDefault("lt") != data.Lt || form.GetValueOrDefault("ver") != data.Ver
                || form.GetValueOrDefault("scid") != SchoolId.ToString(CultureInfo.InvariantCulture))
            {
                return Conflict("Неверные параметры входа.");
            }

            if (!accounts.TryGetValue(form.GetValueOrDefault("UN") ?? "", out var account)) return Conflict("Неправильный пароль или имя пользователя");
            var expected = SgoPassword.Pw2(data.Salt, account.Password);
            if (form.GetValueOrDefault("pw2") != expected
                || (form.TryGetValue("PW", out var pw) && pw != expected[..Math.Min(account.Password.Length, expected.Length)]))
            {
                return Conflict("Неправильный пароль или имя пользователя");
            }

            var roleChosen = account.Roles.Length == 1;
            if (form.TryGetValue("rolegroup", out var rolegroup))
            {
                if (!account.Roles.Any(r => r.Id.ToString(CultureInfo.InvariantCulture) == rolegroup)) return Conflict("Роль не найдена.");
                roleChosen = true;
            }

            var concurrent = sessions.Values.Any(s => s.Account == account && !Expired(s));
            var at = NewToken();
            sessions[at] = new SessionData(at, cookie, account, time.GetUtcNow(), Warned: concurrent && roleChosen, RoleChosen: roleChosen);
            Interlocked.Increment(ref logins);
            var entryPoint = !roleChosen ? "/angular/school/choose-session-role/" : concurrent ? "/asp/SecurityWarning.asp" : "/angular/school/studentdiary/";
            return Results.Json(new
            {
                at,
                code = (string?)null,
                timeOut = (long)SessionTimeout.TotalMilliseconds,
                accessToken = "eyJ" + NewToken(),
                refreshToken = NewToken(),
                tokenType = "Bearer",
                accountInfo = new
                {
                    activeToken = (string?)null,
                    currentOrganization = new { id = SchoolId, name = SchoolName },
                    user = new { id = account.UserId, name = users[account.UserId] },
                    userRoles = account.Roles.Select(r => new { userId = account.UserId, schoolId = SchoolId, role = new { id = r.Id, name = r.Name } }),
                    organizations = new[] { new { id = SchoolId, name = SchoolName } },
                    loginTime = time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
                    active = true,
                    canLogin = true,
                    storeTokens = true,
                },
                entryPoint,
                requestData = concurrent ? new { warnType = "1" } : null,
                errorMessage = (string?)null,
            });
        });

        web.MapPost("/webapi/auth/logout", (HttpContext context) =>
        {
            if (Authenticate(context, out var session) is { } refused) return refused;
            sessions.TryRemove(session!.At, out _);
            Interlocked.Increment(ref logouts);
            return Results.Ok();
        });

        web.MapPost("/asp/SecurityWarning.asp", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var at = form["AT"].ToString();
            if (sessions.TryGetValue(at, out var session) && form["WarnType"] == "2") sessions[at] = session with { Warned = false };
            return Results.Content("<html><body><script>location.href='/angular/school/studentdiary/'</script></body></html>", "text/html");
        });
    }

    private void MapData(WebApplication web)
    {
        web.MapGet("/webapi/context", (HttpContext c) => Data(c, s => new
        {
            at = s.At,
            user = new { id = s.Account.UserId, name = users[s.Account.UserId] },
            userId = s.Account.UserId,
            roles = s.Account.Roles.Select(r => r.Name),
            version = Version,
            schoolId = SchoolId,
            schoolYearId = 2026,
            productName = "Сетевой Город. Образование",
            organization = new { id = SchoolId, name = SchoolName },
        }));
        web.MapGet("/webapi/sysInfo", () => Results.Text($"Id: 1\nВерсия системы: {Version}\n"));
        web.MapGet("/webapi/years/current", (HttpContext c) => Data(c, _ => new { id = 2026, schoolId = SchoolId, startDate = "2026-09-01T00:00:00", endDate = "2027-05-31T00:00:00", name = "2026/2027" }));
        web.MapGet("/webapi/grade/attendance/reasons", (HttpContext c) => Data(c, _ => new[]
        {
            new { id = 1, mark = "ОТ", name = "Отсутствовал" },
            new { id = 2, mark = "УП", name = "Пропуск по уважительной причине" },
            new { id = 3, mark = "Б", name = "Пропуск по болезни" },
            new { id = 4, mark = "НП", name = "Пропуск по неуважительной причине" },
            new { id = 5, mark = "ОП", name = "Опоздал" },
            new { id = 6, mark = "ОСВ", name = "Освобождён" },
        }));
        web.MapGet("/webapi/grade/journal/filter/init", (HttpContext c) => Data(c, _ =>
        {
            lock (gate)
            {
                var answer = new JsonObject
                {
                    ["classes"] = Json(classes.Select(k => Variants.NoClassTeachers
                        ? (object)new { id = k.Id, name = k.Name }
                        : new { id = k.Id, name = k.Name, teacher = new { id = k.TeacherId, name = users[k.TeacherId] } })),
                    ["subjectGroups"] = Json(groups.Select(g => new { id = g.Id, name = $"{classes.Single(k => k.Id == g.ClassId).Name}/{g.Subject}", classId = g.ClassId, subjectName = g.Subject })),
                    ["filterVersion"] = 3,
                };
                if (Variants.Terms == SgoTermsVariant.InFilter) answer["terms"] = TermsJson();
                return (object)answer;
            }
        }));
        web.MapGet("/webapi/terms/search", (HttpContext c) => Variants.Terms == SgoTermsVariant.SearchGet ? Data(c, _ => TermsJson()) : Results.NotFound());
        web.MapPost("/webapi/terms/search", async (HttpContext c) =>
        {
            if (Variants.Terms != SgoTermsVariant.SearchPost) return Results.NotFound();
            var body = await JsonNode.ParseAsync(c.Request.Body);
            return body?["classIds"] is JsonArray { Count: > 0 } ? Data(c, _ => TermsJson()) : Results.BadRequest();
        });
        web.MapGet("/webapi/users/studentlist", (HttpContext c, int classId) => Variants.Students != SgoStudentsVariant.UsersStudentList ? Results.NotFound() : Data(c, s =>
        {
            lock (gate) return (object)Json(students.Where(p => p.ClassId == classId).Select(p => StudentJson(p, s)));
        }));
        web.MapGet("/webapi/grade/studentList", (HttpContext c) =>
        {
            if (Variants.Students != SgoStudentsVariant.GradeStudentList) return Results.NotFound();
            if (GroupParameter(c) is not { } sgid) return Results.BadRequest();
            return Data(c, s =>
            {
                lock (gate)
                {
                    var group = groups.SingleOrDefault(g => g.Id == sgid);
                    return (object)Json(students.Where(p => p.ClassId == group?.ClassId).Select(p => StudentJson(p, s)));
                }
            });
        });
        web.MapGet("/webapi/grade/journal/short", (HttpContext c) =>
        {
            if (GroupParameter(c) is not { } sgId) return Results.BadRequest();
            var termId = int.TryParse(c.Request.Query["termId"], CultureInfo.InvariantCulture, out var t) ? t : (int?)null;
            return Data(c, _ =>
            {
                lock (gate)
                {
                    var (start, end) = termId is { } id && Terms.SingleOrDefault(x => x.Id == id) is { Id: > 0 } term ? (term.Start, term.End) : (Terms[0].Start, Terms[^1].End);
                    var list = meetings.Where(m => m.GroupId == sgId && m.Date >= start && m.Date <= end).ToList();
                    string Time(TimeOnly at) => at.ToString("HH:mm", CultureInfo.InvariantCulture);
                    return Variants.MobileLessonNames
                        ? (object)list.Select(m => new { classmeetingId = m.Id, day = Day(m.Date), scheduleTimeNumber = m.Number, scheduleTimeRelay = 1, startTime = Time(m.Start), endTime = Time(m.End), subjectGroupId = m.GroupId }).ToList()
                        : new { classMeetings = list.Select(m => new { id = m.Id, day = Day(m.Date), number = m.Number, startTime = Time(m.Start), endTime = Time(m.End) }).ToList() };
                }
            });
        });
        web.MapGet("/webapi/grade/journal/edit", (HttpContext c, int cmid) => GroupParameter(c) is null ? Results.BadRequest() : Data(c, _ =>
        {
            lock (gate)
            {
                var meeting = meetings.Single(m => m.Id == cmid);
                var classId = groups.Single(g => g.Id == meeting.GroupId).ClassId;
                var now = time.GetUtcNow();
                return (object)new
                {
                    lessonId = meeting.Id,
                    lessonName = "",
                    attendance = students.Where(p => p.ClassId == classId).Select(p => new
                    {
                        studentId = p.Id,
                        reason = marks.Where(m => m.MeetingId == cmid && m.StudentId == p.Id && m.VisibleFrom <= now)
                            .OrderBy(m => m.VisibleFrom).ThenBy(m => m.Order).LastOrDefault() is { Code.Length: > 0 } mark ? mark.Code : null,
                    }).ToList(),
                    assignments = Array.Empty<object>(),
                };
            }
        }));
    }

    /// <summary>The subject group of a journal call, spelled as this server wants it (sgId, or sgid only); null when misspelled.</summary>
    private int? GroupParameter(HttpContext context)
    {
        var query = context.Request.QueryString.Value ?? "";
        var wanted = Variants.LowercaseSgid ? "sgid=" : "sgId=";
        var at = query.IndexOf(wanted, StringComparison.Ordinal);
        if (at < 0) return null;
        var value = new string(query[(at + wanted.Length)..].TakeWhile(char.IsAsciiDigit).ToArray());
        return int.TryParse(value, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    private object StudentJson(StudentData p, SessionData session)
    {
        var parents = Variants.Parents == SgoParentsVariant.None ? [] : p.Parents.Select(x => (object)new
        {
            id = x.Id,
            name = x.Data.Name,
            email = session.Account.SeesContacts && Variants.Parents == SgoParentsVariant.WithContacts ? x.Data.Email : null,
            mobilePhone = session.Account.SeesContacts && Variants.Parents == SgoParentsVariant.WithContacts ? x.Data.Phone : null,
            preferedCom = x.Data.PreferedCom,
        }).ToList();
        var birthDate = p.BirthDate is { } b ? Day(b) : null;
        return Variants.NickNames
            ? new { studentId = p.Id, nickName = string.Join(' ', new[] { p.LastName, p.FirstName, p.MiddleName }.Where(n => !string.IsNullOrEmpty(n))), birthDate, parents, isActive = true }
            : new { id = p.Id, lastName = p.LastName, firstName = p.FirstName, middleName = p.MiddleName, birthDate, classId = p.ClassId, parents };
    }

    private static JsonNode TermsJson() =>
        Json(Terms.Select(t => new { id = t.Id, termName = t.Name, name = t.Name, startDate = Day(t.Start), endDate = Day(t.End), schoolYearId = 2026 }));

    private static JsonNode Json(object value) => JsonSerializer.SerializeToNode(value)!;

    private void MapMail(WebApplication web)
    {
        web.MapGet("/webapi/mail/recipients", (HttpContext c) => Data(c, _ =>
        {
            lock (gate) return (object)users.Select(u => new { id = RecipientId(u.Key), name = u.Value, organizationName = SchoolName }).ToList();
        }));
        web.MapPost("/webapi/mail/registry", async (HttpContext c) =>
        {
            if (Variants.Registry != SgoRegistryVariant.Json) return Results.NotFound();
            var body = await JsonNode.ParseAsync(c.Request.Body);
            return Data(c, s =>
            {
                var box = body?["filterContext"]?["selectedData"]?[0]?["filterValue"]?.GetValue<string>();
                var search = body?["search"]?["text"]?.GetValue<string>();
                lock (gate)
                {
                    var rows = mail.Where(m => box == "Sent" ? m.AuthorId == s.Account.UserId : m.To.Contains(s.Account.UserId))
                        .Where(m => search is null || m.Subject.Contains(search, StringComparison.OrdinalIgnoreCase))
                        .Select(m => new { id = m.Id, sent = m.Sent.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture), subject = m.Subject, author = users[m.AuthorId], toNames = string.Join(", ", m.To.Select(t => users[t])) })
                        .ToList();
                    return (object)new { rows, page = 1, totalItems = rows.Count };
                }
            });
        });
        web.MapMethods("/asp/ajax/GetMessagesAjax.asp", ["GET", "POST"], (HttpContext c) =>
        {
            if (Variants.Registry != SgoRegistryVariant.Legacy) return Results.NotFound();
            var at = c.Request.Query["AT"].ToString();
            if (!sessions.TryGetValue(at, out var session) || Expired(session)) return Results.Content("<html><body>Ошибка доступа</body></html>", "text/html");
            if (c.Request.Query["nBoxID"] != "3") return Results.Json(new { Records = Array.Empty<object>(), Result = "OK", TotalRecordCount = 0 });
            lock (gate)
            {
                var rows = mail.Where(m => m.AuthorId == session.Account.UserId).OrderByDescending(m => m.Sent)
                    .Select(m => new { MessageId = m.Id, FromName = users[m.AuthorId], Subj = m.Subject, Read = true, Sent = m.Sent.ToString("dd.MM.yyyy HH:mm", CultureInfo.InvariantCulture), SentTo = string.Join(", ", m.To.Select(t => users[t])) })
                    .ToList();
                return Results.Json(new { Records = rows, Result = "OK", ResultStatus = 0, TotalRecordCount = rows.Count });
            }
        });
        web.MapPost("/webapi/mail/messages", (Func<HttpContext, Task<IResult>>)(c => SendAsync(c, 1)));
        web.MapPost("/webapi/mail/messages/send", (Func<HttpContext, Task<IResult>>)(c => SendAsync(c, 2)));
    }

    private async Task<IResult> SendAsync(HttpContext context, int variant)
    {
        if (Authenticate(context, out var session) is { } refused) return refused;
        if (variant != SendVariant) return Results.NotFound();
        var body = await JsonNode.ParseAsync(context.Request.Body);
        var to = body?["to"]?.AsArray().Select(t => variant == 1 ? t!.GetValue<string>() : t!["id"]!.GetValue<string>()).ToList() ?? [];
        var subject = body?["subject"]?.GetValue<string>() ?? "";
        var text = body?["text"]?.GetValue<string>() ?? "";
        var ids = new List<int>();
        foreach (var recipient in to)
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(recipient));
            if (!decoded.StartsWith('u') || !int.TryParse(decoded[1..], CultureInfo.InvariantCulture, out var id) || !users.ContainsKey(id)) return Results.BadRequest();
            ids.Add(id);
        }

        if (ids.Count == 0 || subject.Length == 0 || text.Length > 65535) return Results.BadRequest();
        lock (gate) mail.Add(new SgoMail(++nextId, session!.Account.UserId, ids, subject, text, time.GetUtcNow(), variant));
        return Results.Ok();
    }

    /// <summary>Answers a data call for an authenticated session: 401 when the session is absent or expired, the warning page while it is unacknowledged.</summary>
    private IResult Data(HttpContext context, Func<SessionData, object> answer)
    {
        if (Authenticate(context, out var session) is { } refused) return refused;
        if (session!.Warned) return Results.Content("<html><body><a href=\"/asp/SecurityWarning.asp\">Предупреждение о безопасности</a></body></html>", "text/html");
        if (!session.RoleChosen) return Results.StatusCode(403);
        var json = JsonSerializer.Serialize(answer(session), JsonSerializerOptions.Web);
        if (RewriteJson is { } rewrite) json = rewrite(context.Request.Path.Value ?? "", json);
        return Results.Content(json, "application/json; charset=utf-8");
    }

    private IResult? Authenticate(HttpContext context, out SessionData? session)
    {
        session = null;
        var at = context.Request.Headers["at"].ToString();
        if (at.Length == 0 || !sessions.TryGetValue(at, out var found) || found.Cookie != Cookie(context)) return Results.StatusCode(401);
        if (Expired(found))
        {
            sessions.TryRemove(at, out _);
            return Results.StatusCode(401);
        }

        session = found with { LastAccess = time.GetUtcNow() };
        sessions[at] = session;
        return null;
    }

    private bool Expired(SessionData session) => session.LastAccess + SessionTimeout < time.GetUtcNow();

    private static IResult Conflict(string message) => Results.Json(new { message }, statusCode: 409);

    private static string Cookie(HttpContext context) => context.Request.Cookies[SessionCookie] ?? "";

    public static string RecipientId(int userId) => Convert.ToBase64String(Encoding.UTF8.GetBytes("u" + userId.ToString(CultureInfo.InvariantCulture)));

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00";

    private static string Digits(int count) => string.Concat(Enumerable.Range(0, count).Select(_ => (char)('0' + Random.Shared.Next(10))));

    private static string NewToken() => Digits(26);

    private static readonly (int Id, string Name, DateOnly Start, DateOnly End)[] Terms =
    [
        (301, "1 полугодие", new DateOnly(2026, 9, 1), new DateOnly(2026, 12, 31)),
        (302, "2 полугодие", new DateOnly(2027, 1, 1), new DateOnly(2027, 5, 31)),
    ];

    private sealed record Account(string Login, string Password, int UserId, (int Id, string Name)[] Roles, bool SeesContacts);

    private sealed record SessionData(string At, string Cookie, Account Account, DateTimeOffset LastAccess, bool Warned, bool RoleChosen);

    private sealed record ClassData(int Id, string Name, int TeacherId);

    private sealed record GroupData(int Id, int ClassId, string Subject);

    private sealed record StudentData(int Id, string LastName, string FirstName, string? MiddleName, DateOnly? BirthDate, int ClassId, List<(int Id, SgoParentData Data)> Parents);

    private sealed record MeetingData(int Id, int GroupId, DateOnly Date, int Number, TimeOnly Start, TimeOnly End);

    private sealed record MarkData(int MeetingId, int StudentId, string Code, DateTimeOffset VisibleFrom, int Order);
}
