using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Connector.Abstractions.Journals;
using Microsoft.Extensions.Logging;

namespace Connector.Adapters.SetevoyGorod;

/// <summary>
/// The typed HTTP client of one SGO account: its own cookie container, the password login handshake (SGO_API.md §2),
/// one session reused for all work, kept alive while work is pending and logged out when the work is done or the
/// service stops. A call that meets an expired session logs in again once and is repeated; a call that meets the
/// security-warning interstitial acknowledges it once and is repeated. Calls of one account never overlap.
/// </summary>
internal sealed partial class SgoClient : IAsyncDisposable
{
    private readonly SgoServer server;
    private readonly SgoOptions options;
    private readonly string school;
    private readonly string settings;
    private readonly TimeProvider network;
    private readonly ILogger logger;
    private readonly HttpClient http;
    private readonly SemaphoreSlim serial = new(1, 1);
    private readonly Lock leaseGate = new();
    private int leases;
    private ITimer? keepAlive;
    private ITimer? linger;
    private bool disposed;

    public SgoClient(SgoServer server, SgoOptions options, string school, string settingsPath, TimeProvider network, ILogger logger, HttpMessageHandler? handler = null)
    {
        this.server = server;
        this.options = options;
        this.school = school;
        settings = settingsPath;
        this.network = network;
        this.logger = logger;
        http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            CookieContainer = new CookieContainer(),
            UseCookies = true,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.All,
        })
        {
            BaseAddress = server.Origin,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        http.DefaultRequestHeaders.Add("X-Requested-With", "XMLHttpRequest");
        http.DefaultRequestHeaders.Referrer = new Uri(server.Origin, "/");
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Connector", "1.0"));
    }

    /// <summary>The open session, if any.</summary>
    public SgoSession? Session { get; private set; }

    /// <summary>What the server said about its login options, at the last login.</summary>
    public LoginData? LoginData { get; private set; }

    public SgoServer Server => server;

    /// <summary>When set, every answer is kept here (the probe's <c>--save</c>); the request line has its token removed.</summary>
    public List<SgoRecordedAnswer>? Recording { get; set; }

    /// <summary>The connector's id of the school whose account this is.</summary>
    public string School => school;

    /// <summary>Logs that the server was found to answer a read by a variant not used before.</summary>
    public void VariantChosen(string read, string variant) => Log.VariantChosen(logger, school, server.Origin, read, variant);

    /// <summary>Whether the last logout was confirmed by the server (200, or 401 for a session already gone); null when none was attempted.</summary>
    public bool? LastLogoutConfirmed { get; private set; }

    /// <summary>Runs a piece of work in the account's session: the session stays alive while any work runs, and is closed soon after the last.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        lock (leaseGate)
        {
            leases++;
            linger?.Dispose();
            linger = null;
        }

        try
        {
            return await work(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (leaseGate)
            {
                if (--leases == 0 && !disposed)
                {
                    keepAlive?.Dispose();
                    keepAlive = null;
                    linger = network.CreateTimer(_ => _ = LogoutIfIdleAsync(), null, TimeSpan.FromSeconds(Math.Max(0, options.LingerSeconds)), Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    public async Task<T> GetJsonAsync<T>(string pathAndQuery, CancellationToken cancellationToken)
    {
        var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, pathAndQuery), pathAndQuery, retry: true, cancellationToken).ConfigureAwait(false);
        return Read<T>(EnsureSuccess(response, pathAndQuery), pathAndQuery);
    }

    public async Task<T> PostJsonAsync<T>(string path, object body, CancellationToken cancellationToken)
    {
        var response = await SendAsync(() => JsonRequest(path, body), path, retry: true, cancellationToken).ConfigureAwait(false);
        return Read<T>(EnsureSuccess(response, path), path);
    }

    /// <summary>GETs a JSON answer, to be read tolerantly; <paramref name="endpoint"/> names it in errors (without ids).</summary>
    public async Task<SgoAnswer> GetAnswerAsync(string pathAndQuery, string endpoint, CancellationToken cancellationToken)
    {
        var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, pathAndQuery), endpoint, retry: true, cancellationToken).ConfigureAwait(false);
        return Answer(EnsureSuccess(response, endpoint), endpoint);
    }

    /// <summary>POSTs JSON and returns the JSON answer, to be read tolerantly.</summary>
    public async Task<SgoAnswer> PostAnswerAsync(string path, object body, string endpoint, CancellationToken cancellationToken)
    {
        var response = await SendAsync(() => JsonRequest(path, body), endpoint, retry: true, cancellationToken).ConfigureAwait(false);
        return Answer(EnsureSuccess(response, endpoint), endpoint);
    }

    /// <summary>Posts JSON once, without retrying a timeout (a message may have gone), and returns the answer whatever its status.</summary>
    public Task<SgoResponse> PostOnceAsync(string path, object body, CancellationToken cancellationToken) =>
        SendAsync(() => JsonRequest(path, body), path, retry: false, cancellationToken);

    /// <summary>Sends an authenticated request: logs in first if needed, logs in again once on 401, acknowledges the security warning once.</summary>
    public async Task<SgoResponse> SendAsync(Func<HttpRequestMessage> make, string what, bool retry, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        await serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var relogged = false;
            var acknowledged = false;
            while (true)
            {
                var session = Session ?? await LoginAsync(cancellationToken).ConfigureAwait(false);
                StartKeepAlive(session);
                var response = await RawAsync(() => WithToken(make(), session), what, retry, cancellationToken).ConfigureAwait(false);
                if (response.IsSecurityWarning && !acknowledged)
                {
                    Log.SecurityWarning(logger, school, server.Origin);
                    await AcknowledgeWarningAsync(session, cancellationToken).ConfigureAwait(false);
                    acknowledged = true;
                    continue;
                }

                var lost = response.Status == HttpStatusCode.Unauthorized
                    || (response.Status is HttpStatusCode.OK && response.IsPage && !response.IsSecurityWarning)
                    || response.Status is HttpStatusCode.Redirect or HttpStatusCode.SeeOther;
                if (lost && !relogged)
                {
                    Log.SessionLost(logger, school, server.Origin, (int)response.Status, what);
                    if (response.Status == HttpStatusCode.Unauthorized)
                    {
                        Session = null; // the server says the session is gone already
                    }
                    else
                    {
                        // A page instead of data may come from a session that is still open on the server: close it
                        // first (best effort), so the new login does not meet the security warning.
                        await LogoutCoreAsync(cancellationToken).ConfigureAwait(false);
                    }

                    relogged = true;
                    continue;
                }

                if (response.Status == HttpStatusCode.Unauthorized)
                {
                    throw new JournalException(JournalFailure.Authentication,
                        $"school {school}: the SGO server {server.Origin} refused {what} (401) right after a fresh login; check that the account in {settings}:Login may use the web journal");
                }

                if (response.IsSecurityWarning || (response.Status == HttpStatusCode.OK && response.IsPage))
                {
                    throw new JournalException(JournalFailure.Transient,
                        $"school {school}: the SGO server {server.Origin} answered an HTML page instead of JSON to {what} (a maintenance page or a firewall?); nothing was read");
                }

                return response;
            }
        }
        finally
        {
            serial.Release();
        }
    }

    /// <summary>Logs in now unless a session is open (the probe: a failed login is reported before any read).</summary>
    public async Task OpenSessionAsync(CancellationToken cancellationToken)
    {
        await serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Session is null) await LoginAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            serial.Release();
        }
    }

    /// <summary>Logs out now, if a session is open. 401 means it was already closed.</summary>
    public async Task LogoutAsync(CancellationToken cancellationToken)
    {
        await serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await LogoutCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            serial.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (leaseGate)
        {
            if (disposed) return;
            disposed = true;
            linger?.Dispose();
            keepAlive?.Dispose();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await serial.WaitAsync(timeout.Token).ConfigureAwait(false);
            await LogoutCoreAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The service is stopping; a session left open expires on the server by itself.
        }

        http.Dispose();
    }

    private async Task<SgoSession> LoginAsync(CancellationToken cancellationToken)
    {
        var loginData = Read<LoginData>(EnsureSuccess(await RawAsync(() => new HttpRequestMessage(HttpMethod.Get, "webapi/logindata"), "logindata", true, cancellationToken).ConfigureAwait(false), "logindata"), "logindata");
        LoginData = loginData;
        if (loginData.EsiaMainAuth || !loginData.SchoolLogin)
        {
            throw new JournalException(JournalFailure.Authentication,
                $"school {school}: the SGO server {server.Origin} allows only login through Госуслуги (ESIA): logindata says schoolLogin={loginData.SchoolLogin.ToString().ToLowerInvariant()}, esiaMainAuth={loginData.EsiaMainAuth.ToString().ToLowerInvariant()}. "
                + "Connector logs in with a login and password, which this server has switched off; ask the regional operator for a password login for the service account, or use the files adapter with an export from SGO");
        }

        int? role = null;
        for (var attempt = 0; ; attempt++)
        {
            var auth = Read<AuthData>(EnsureSuccess(await RawAsync(() => Form("webapi/auth/getdata", []), "auth/getdata", true, cancellationToken).ConfigureAwait(false), "auth/getdata"), "auth/getdata");
            if (!IsDigits(auth.Salt) || !IsDigits(auth.Lt) || !IsDigits(auth.Ver))
            {
                throw new JournalException(JournalFailure.ContractChanged,
                    $"school {school}: the SGO server {server.Origin} answered auth/getdata without the expected digit strings lt, ver and salt");
            }

            var pw2 = SgoPassword.Pw2(auth.Salt!, options.Password);
            var fields = new List<KeyValuePair<string, string>>
            {
                new("LoginType", "1"),
                new("scid", options.SchoolId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("UN", options.Login),
                new("PW", SgoPassword.Pw(pw2, options.Password)),
                new("pw2", pw2),
                new("lt", auth.Lt!),
                new("ver", auth.Ver!),
            };
            if (role is { } r) fields.Add(new("rolegroup", r.ToString(System.Globalization.CultureInfo.InvariantCulture)));

            var response = await RawAsync(() => Form("webapi/login", fields), "login", true, cancellationToken).ConfigureAwait(false);
            if (response.Status == HttpStatusCode.Conflict)
            {
                var message = TryRead<ErrorAnswer>(response)?.Message ?? "no reason given";
                throw new JournalException(JournalFailure.Authentication,
                    $"school {school}: the SGO server {server.Origin} refused the login of the account in {settings}:Login (409: {message}); check the login, the password (CONNECTOR__…__Adapter__Password) and {settings}:SchoolId");
            }

            var answer = Read<LoginAnswer>(EnsureSuccess(response, "login"), "login");
            if (string.IsNullOrEmpty(answer.At) || !answer.At.All(c => c is >= '!' and <= '~'))
            {
                throw new JournalException(JournalFailure.Authentication,
                    $"school {school}: the SGO server {server.Origin} accepted the login form but gave no usable access token ({answer.Message ?? "no message"})");
            }

            var session = new SgoSession(answer.At, auth.Ver!, answer.TimeOut, answer.AccountInfo?.User?.Id ?? 0,
                answer.AccountInfo?.CurrentOrganization?.Id ?? options.SchoolId, loginData.Version ?? "", answer.AccountInfo?.UserRoles ?? []);

            if (answer.EntryPoint?.Contains("choose-session-role", StringComparison.OrdinalIgnoreCase) == true && role is null && attempt == 0)
            {
                role = ChooseRole(session.Roles);
                Log.RoleChosen(logger, school, server.Origin, role.Value);
                Session = session;
                await LogoutCoreAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (answer.EntryPoint?.Contains("SecurityWarning", StringComparison.OrdinalIgnoreCase) == true)
            {
                Log.SecurityWarning(logger, school, server.Origin);
                await AcknowledgeWarningAsync(session, cancellationToken).ConfigureAwait(false);
            }

            Session = session;
            Log.LoggedIn(logger, school, server.Origin, loginData.Version ?? "?", session.TimeOut.TotalMinutes);
            return session;
        }
    }

    private int ChooseRole(IReadOnlyList<UserRole> roles)
    {
        var named = roles.Where(r => r.Role is not null).Select(r => r.Role!).ToList();
        if (options.Role.Length > 0)
        {
            return named.FirstOrDefault(r => r.Name?.Contains(options.Role, StringComparison.OrdinalIgnoreCase) == true)?.Id
                ?? throw new JournalException(JournalFailure.Configuration,
                    $"school {school}: {settings}:Role is '{options.Role}', but the account's roles are: {string.Join(", ", named.Select(r => r.Name))}");
        }

        static bool IsFamily(IdName r) => r.Name is { } n && (n.Contains("Родител", StringComparison.OrdinalIgnoreCase) || n.Contains("Учени", StringComparison.OrdinalIgnoreCase));
        return (named.FirstOrDefault(r => !IsFamily(r)) ?? named.FirstOrDefault())?.Id
            ?? throw new JournalException(JournalFailure.ContractChanged, $"school {school}: the SGO server asked to choose a role but listed none");
    }

    private async Task AcknowledgeWarningAsync(SgoSession session, CancellationToken cancellationToken)
    {
        await RawAsync(() => Form("asp/SecurityWarning.asp", [new("AT", session.At), new("WarnType", "2"), new("VER", session.Ver)]),
            "SecurityWarning.asp", true, cancellationToken).ConfigureAwait(false);
    }

    private async Task LogoutCoreAsync(CancellationToken cancellationToken)
    {
        if (Session is not { } session) return;
        Session = null;
        try
        {
            var response = await RawAsync(() => WithToken(Form("webapi/auth/logout", [new("at", session.At), new("ver", session.Ver)]), session),
                "auth/logout", false, cancellationToken).ConfigureAwait(false);
            LastLogoutConfirmed = response.Status is HttpStatusCode.OK or HttpStatusCode.NoContent or HttpStatusCode.Unauthorized;
            Log.LoggedOut(logger, school, server.Origin, (int)response.Status);
        }
        catch (JournalException ex)
        {
            LastLogoutConfirmed = false;
            Log.LogoutFailed(logger, school, server.Origin, ex.Message);
        }
    }

    private async Task LogoutIfIdleAsync()
    {
        if (!await serial.WaitAsync(0).ConfigureAwait(false)) return;
        try
        {
            lock (leaseGate)
            {
                if (leases > 0 || disposed) return;
            }

            await LogoutCoreAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.LogoutFailed(logger, school, server.Origin, ex.Message);
        }
        finally
        {
            serial.Release();
        }
    }

    private void StartKeepAlive(SgoSession session)
    {
        lock (leaseGate)
        {
            if (keepAlive is not null || leases == 0 || disposed) return;
            var period = TimeSpan.FromTicks(Math.Clamp(session.TimeOut.Ticks / 3, TimeSpan.FromSeconds(30).Ticks, TimeSpan.FromMinutes(5).Ticks));
            keepAlive = network.CreateTimer(_ => _ = KeepAliveAsync(), null, period, period);
        }
    }

    /// <summary>GET webapi/context while work is pending, so a long read does not outlive the session (SGO_API.md §2.9).</summary>
    private async Task KeepAliveAsync()
    {
        if (!await serial.WaitAsync(0).ConfigureAwait(false)) return; // a request is running: that keeps the session alive
        try
        {
            if (Session is { } session)
            {
                await RawAsync(() => WithToken(new HttpRequestMessage(HttpMethod.Get, "webapi/context"), session), "context", false, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (JournalException ex)
        {
            Log.KeepAliveFailed(logger, school, server.Origin, ex.Message);
        }
        finally
        {
            serial.Release();
        }
    }

    private Task<SgoResponse> RawAsync(Func<HttpRequestMessage> make, string what, bool retry, CancellationToken cancellationToken) =>
        server.SendAsync(school, what, async ct =>
        {
            using var request = make();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (response.Headers.TryGetValues("at", out var fresh) && Session is { } s && fresh.FirstOrDefault() is { Length: > 0 } token && token != s.At)
            {
                Session = s with { At = token };
            }

            var answer = new SgoResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
            if (Recording is { } recording)
            {
                var line = $"{request.Method} {System.Text.RegularExpressions.Regex.Replace(request.RequestUri is { IsAbsoluteUri: true } uri ? uri.PathAndQuery.TrimStart('/') : request.RequestUri?.OriginalString ?? "", "(?i)(\\bat=)[^&]*", "$1***")}";
                lock (recording) recording.Add(new SgoRecordedAnswer(line, (int)answer.Status, answer.MediaType, body));
            }

            return answer;
        }, retry, cancellationToken);

    private static HttpRequestMessage WithToken(HttpRequestMessage request, SgoSession session)
    {
        request.Headers.Add("at", session.At);
        return request;
    }

    private static HttpRequestMessage Form(string path, IEnumerable<KeyValuePair<string, string>> fields) =>
        new(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };

    private static HttpRequestMessage JsonRequest(string path, object body) =>
        new(HttpMethod.Post, path) { Content = new StringContent(JsonSerializer.Serialize(body, SgoJson.Options), Encoding.UTF8, "application/json") };

    private SgoResponse EnsureSuccess(SgoResponse response, string what)
    {
        if ((int)response.Status is >= 200 and < 300) return response;
        throw response.Status switch
        {
            HttpStatusCode.Forbidden => new JournalException(JournalFailure.Configuration,
                $"school {school}: the SGO server {server.Origin} forbids {what} to this account (403); the account needs a staff role that sees the whole school, or the server blocks this network"),
            _ => new JournalException(JournalFailure.ContractChanged,
                $"school {school}: the SGO server {server.Origin} answered {(int)response.Status} to {what}; the endpoint may have changed in this SGO version"),
        };
    }

    private SgoAnswer Answer(SgoResponse response, string what)
    {
        if (!response.IsJson)
        {
            throw new JournalException(JournalFailure.Transient,
                $"school {school}: the SGO server {server.Origin} answered {what} with {response.MediaType ?? "no content type"} instead of JSON; nothing was read");
        }

        return SgoAnswer.Parse(what, response.Body, school, server.Origin);
    }

    private T Read<T>(SgoResponse response, string what)
    {
        if (!response.IsJson)
        {
            throw new JournalException(JournalFailure.Transient,
                $"school {school}: the SGO server {server.Origin} answered {what} with {response.MediaType ?? "no content type"} instead of JSON; nothing was read");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(response.Body, SgoJson.Options)
                ?? throw new JournalException(JournalFailure.ContractChanged, $"school {school}: the SGO server {server.Origin} answered {what} with an empty JSON value");
        }
        catch (JsonException ex)
        {
            throw new JournalException(JournalFailure.ContractChanged,
                $"school {school}: the SGO server {server.Origin} answered {what} with JSON the adapter cannot read ({ex.Message}); nothing was read", ex);
        }
    }

    private static T? TryRead<T>(SgoResponse response) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(response.Body, SgoJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsDigits(string? value) => !string.IsNullOrEmpty(value) && value.All(char.IsAsciiDigit);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "School {School}: logged in to SGO {Server} (version {Version}, session idle timeout {Minutes} min)")]
        public static partial void LoggedIn(ILogger logger, string school, Uri server, string version, double minutes);

        [LoggerMessage(Level = LogLevel.Information, Message = "School {School}: logged out of SGO {Server} ({Status})")]
        public static partial void LoggedOut(ILogger logger, string school, Uri server, int status);

        [LoggerMessage(Level = LogLevel.Warning, Message = "School {School}: logging out of SGO {Server} failed: {Reason}")]
        public static partial void LogoutFailed(ILogger logger, string school, Uri server, string reason);

        [LoggerMessage(Level = LogLevel.Information, Message = "School {School}: the SGO session at {Server} was lost ({Status} to {What}); logging in again once")]
        public static partial void SessionLost(ILogger logger, string school, Uri server, int status, string what);

        [LoggerMessage(Level = LogLevel.Warning, Message = "School {School}: SGO {Server} showed the security warning (another session of the same account); acknowledged it. Staff should not use the service account in a browser")]
        public static partial void SecurityWarning(ILogger logger, string school, Uri server);

        [LoggerMessage(Level = LogLevel.Information, Message = "School {School}: SGO {Server} asked to choose a role; logging in again as role {Role}")]
        public static partial void RoleChosen(ILogger logger, string school, Uri server, int role);

        [LoggerMessage(Level = LogLevel.Information, Message = "School {School}: SGO {Server} answers {Read} by {Variant}; remembered for this server")]
        public static partial void VariantChosen(ILogger logger, string school, Uri server, string read, string variant);

        [LoggerMessage(Level = LogLevel.Warning, Message = "School {School}: keep-alive to SGO {Server} failed: {Reason}")]
        public static partial void KeepAliveFailed(ILogger logger, string school, Uri server, string reason);
    }
}

/// <summary>One answer as the probe saves it (the body is masked when written).</summary>
internal sealed record SgoRecordedAnswer(string Request, int Status, string? MediaType, string Body);

/// <summary>An open SGO session of one account.</summary>
internal sealed record SgoSession(string At, string Ver, long TimeOutMilliseconds, int UserId, int OrganizationId, string Version, IReadOnlyList<UserRole> Roles)
{
    public TimeSpan TimeOut => TimeSpan.FromMilliseconds(TimeOutMilliseconds > 0 ? TimeOutMilliseconds : 900_000);
}
