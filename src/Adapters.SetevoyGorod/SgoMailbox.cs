using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Connector.Abstractions.Journals;
using Microsoft.Extensions.Logging;

namespace Connector.Adapters.SetevoyGorod;

/// <summary>
/// Writes flags back as SGO internal mail (SGO_API.md §3.3 A) to the pupil's class teacher and, where configured, the
/// social pedagogue. The subject is short and structured and ends with a token made from the flag's key; before
/// sending, the account's Sent folder is searched for that token, so a flag is never written twice, even when the
/// service was stopped between sending and recording it. The Sent folder is searched through the JSON registry, or the
/// legacy ASP list where that is all the server has (§3.3 B); where neither answers, nothing is sent, since a resend
/// could not be ruled out. The two send variants are tried in order; the one the server accepts is remembered for the
/// server, in the store. A send is never repeated by the resilience pipeline: only the Sent-folder check decides a resend.
/// </summary>
internal sealed partial class SgoMailbox(SgoClient client, SgoOptions options, string school, string settings, ILogger logger)
{
    public const string RecipientsPath = "webapi/mail/recipients";
    public const string RegistryPath = "webapi/mail/registry";
    public const string LegacyRegistryPath = "asp/ajax/GetMessagesAjax.asp";
    public const string RegistryRead = "mail Sent folder";
    public const string SendRead = "mail send";
    public const string SendPath1 = "webapi/mail/messages";
    public const string SendPath2 = "webapi/mail/messages/send";
    private const int TextLimit = 65535;

    private IReadOnlyList<MailRecipient>? recipients;

    public static string Token(string key) => "#" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..10];

    public static string Subject(JournalFlag flag, string className) => string.Create(CultureInfo.InvariantCulture,
        $"Connector: {KindText(flag.Kind)}, {className}, {flag.Date:dd.MM.yyyy} {Token(flag.Key)}");

    public async Task WriteAsync(JournalFlag flag, string pupilName, SgoClass schoolClass, CancellationToken cancellationToken)
    {
        var session = client.Session ?? throw new InvalidOperationException("no SGO session");
        var to = new List<MailRecipient>();
        var book = await RecipientsAsync(session, cancellationToken).ConfigureAwait(false);
        // The class teacher as the journal names them; where it does not, as the school's settings do (Staff, role ClassTeacher).
        var teacherName = schoolClass.Teacher?.Name ?? flag.ClassTeacher;
        var teacher = teacherName is null ? null : Find(book, teacherName);
        if (teacher is null)
        {
            throw new JournalException(JournalFailure.Configuration, teacherName is null
                ? $"school {school}: SGO names no class teacher of {schoolClass.Name}, and the school's settings name none (Staff with role ClassTeacher and Classes [\"{schoolClass.Name}\"]); the flag stays queued"
                : $"school {school}: the class teacher of {schoolClass.Name} is not in the account's mail address book under the name the {(schoolClass.Teacher is null ? "settings give" : "journal gives")}; the flag stays queued");
        }

        to.Add(teacher);
        if (options.SocialPedagogue.Length > 0)
        {
            to.Add(Find(book, options.SocialPedagogue) ?? throw new JournalException(JournalFailure.Configuration,
                $"school {school}: {settings}:SocialPedagogue is not in the account's mail address book; write the name as SGO spells it"));
        }

        var token = Token(flag.Key);
        if (await AlreadySentAsync(token, cancellationToken).ConfigureAwait(false))
        {
            Log.AlreadySent(logger, school, flag.Key);
            return;
        }

        var subject = Subject(flag, schoolClass.Name);
        var text = $"{flag.Text}\n\nУченик: {pupilName}, {schoolClass.Name}.\nДата: {flag.Date.ToString("dd.MM.yyyy", CultureInfo.InvariantCulture)}.\n\nСообщение отправлено автоматически сервисом Connector (контроль посещаемости).";
        if (text.Length > TextLimit) text = text[..TextLimit];

        var remembered = await client.Server.Variants.ChosenAsync(SendRead, cancellationToken).ConfigureAwait(false);
        var variants = remembered == SendPath2 ? new[] { 2, 1 } : [1, 2];
        var refused = new List<string>();
        var missing = 0;
        foreach (var variant in variants)
        {
            var (path, body) = variant == 1
                ? (SendPath1, (object)new { subject, text, authorId = session.UserId, fileAttachmentIds = Array.Empty<int>(), notify = false, id = 0, to = to.Select(r => r.Id).ToArray(), draft = false })
                : (SendPath2, new { subject, text, to = to.Select(r => new { id = r.Id }).ToArray(), cc = Array.Empty<object>(), bcc = Array.Empty<object>(), notify = false, fileAttachments = Array.Empty<object>() });
            var response = await client.PostOnceAsync(path, body, cancellationToken).ConfigureAwait(false);
            if ((int)response.Status is >= 200 and < 300)
            {
                if (await client.Server.Variants.ChooseAsync(SendRead, path, cancellationToken).ConfigureAwait(false)) Log.SendVariant(logger, school, client.Server.Origin, variant, path);
                return;
            }

            if (response.Status is not (HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.BadRequest or HttpStatusCode.UnsupportedMediaType))
            {
                throw new JournalException(response.Status == HttpStatusCode.Forbidden ? JournalFailure.Refused : JournalFailure.Transient,
                    $"school {school}: the SGO server {client.Server.Origin} answered {(int)response.Status} to {path}; {(response.Status == HttpStatusCode.Forbidden ? "the account may not send mail" : "the flag stays queued")}");
            }

            if (response.Status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed) missing++;
            refused.Add($"{path} → {(int)response.Status}");
        }

        // Both ways missing (404) may be a server being updated: tried again later. Both refusing the message itself
        // (400, 415) will not change: the flag is given up and shown in the digest.
        throw new JournalException(missing == variants.Length ? JournalFailure.ContractChanged : JournalFailure.Refused,
            $"school {school}: the SGO server {client.Server.Origin} accepted neither way of sending mail ({string.Join("; ", refused)})");
    }

    /// <summary>Searches the Sent folder for a message whose subject carries the token, by whichever list the server has.</summary>
    public async Task<bool> AlreadySentAsync(string token, CancellationToken cancellationToken, List<SgoVariantTrial>? trials = null)
    {
        var subjects = await SentSubjectsAsync(token, cancellationToken, trials).ConfigureAwait(false);
        return subjects.Any(subject => subject?.Contains(token, StringComparison.Ordinal) == true);
    }

    /// <summary>The subjects in the Sent folder: those matching <paramref name="search"/> (JSON registry) or the last 100 (legacy list).</summary>
    public Task<List<string?>> SentSubjectsAsync(string? search, CancellationToken cancellationToken, List<SgoVariantTrial>? trials = null) =>
        SgoVariantSearch.FirstAnsweringAsync<List<string?>>(client, RegistryRead,
        [
            new(RegistryPath, async ct =>
            {
                var answer = await client.PostAnswerAsync(RegistryPath, Registry("Sent", "Отправленные", search), RegistryPath, ct).ConfigureAwait(false);
                return answer.Root.Items("rows").Select(r => r.String("subject")).ToList<string?>();
            }),
            new(LegacyRegistryPath + "?nBoxID=3", async ct =>
            {
                var session = client.Session ?? throw new InvalidOperationException("no SGO session");
                var answer = await client.GetAnswerAsync(LegacyRegistryQuery(session), LegacyRegistryPath, ct).ConfigureAwait(false);
                return answer.Root.Items("Records").Select(r => r.String("Subj", "subject")).ToList<string?>();
            }),
        ], cancellationToken, trials, s => string.Create(CultureInfo.InvariantCulture, $"писем в «Отправленных»: {s.Count}"));

    /// <summary>The legacy list of the Sent folder (nBoxID 3), newest first, one page of 100.</summary>
    public static string LegacyRegistryQuery(SgoSession session) =>
        $"{LegacyRegistryPath}?AT={Uri.EscapeDataString(session.At)}&nBoxID=3&jtStartIndex=0&jtPageSize=100&jtSorting={Uri.EscapeDataString("Sent DESC")}";

    public static object Registry(string box, string boxText, string? search) => new
    {
        filterContext = new
        {
            selectedData = new[] { new { filterId = "MailBox", filterValue = box, filterText = boxText } },
            @params = (object?)null,
        },
        fields = new[] { "toNames", "subject", "sent" },
        page = 1,
        pageSize = 20,
        search = search is null ? null : new { fieldId = "subject", text = search },
        order = new { fieldId = "sent", ascending = false },
    };

    public static string RecipientsQuery(SgoSession session) => string.Create(CultureInfo.InvariantCulture,
        $"{RecipientsPath}?userId={session.UserId}&organizationId={session.OrganizationId}&funcType=2&orgType=1&group=1");

    private async Task<IReadOnlyList<MailRecipient>> RecipientsAsync(SgoSession session, CancellationToken cancellationToken) =>
        recipients ??= await client.GetJsonAsync<List<MailRecipient>>(RecipientsQuery(session), cancellationToken).ConfigureAwait(false);

    private static MailRecipient? Find(IReadOnlyList<MailRecipient> book, string name)
    {
        var wanted = Normalize(name);
        return book.FirstOrDefault(r => r.Name is { } n && Normalize(n) == wanted);
    }

    private static string Normalize(string name) =>
        string.Join(' ', name.Replace('ё', 'е').Replace('Ё', 'Е').Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();

    private static string KindText(JournalFlagKind kind) => kind switch
    {
        JournalFlagKind.GuardiansNotified => "родители уведомлены",
        JournalFlagKind.SystematicAbsenceLevel => "пропуски без уважительной причины",
        JournalFlagKind.NotStarted => "не приступил к обучению",
        JournalFlagKind.EscalationStep => "шаг по случаю",
        _ => kind.ToString(),
    };

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "School {School}: flag {Key} is already in the SGO Sent folder; not sent again")]
        public static partial void AlreadySent(ILogger logger, string school, string key);

        [LoggerMessage(Level = LogLevel.Information, Message = "School {School}: SGO {Server} accepts mail by variant {Variant} ({Path}); remembered")]
        public static partial void SendVariant(ILogger logger, string school, Uri server, int variant, string path);
    }
}
