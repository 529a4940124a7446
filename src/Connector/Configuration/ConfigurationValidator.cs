using Connector.Abstractions.Notifications;
using System.Globalization;
using System.Text.RegularExpressions;
using Connector.Abstractions.Journals;
using Connector.Abstractions.Schools;
using Connector.Delivery;
using Connector.Notifier.Email;
using Connector.Notifier.Sms;
using Connector.Notifier.Templates;
using Connector.Schools;
using Connector.Thresholds;
using Microsoft.Extensions.Configuration;

namespace Connector.Configuration;

/// <summary>
/// Checks every setting before anything runs and collects all problems, one line each, naming the setting by its
/// full path. A failure here stops the service; nothing half-configured polls a journal or sends a message.
/// </summary>
internal sealed partial class ConfigurationValidator(
    IConfiguration configuration,
    ConnectorPaths paths,
    IEnumerable<IJournalAdapterFactory> factories,
    MessageTemplates templates,
    RuleProfiles profiles,
    IServiceProvider services)
{

    private static readonly string[] SecretNames = ["password", "apikey", "api_key", "apiid", "token", "secret", "psw", "connectionstring"];

    /// <summary>Every problem, global and of each school, one line each.</summary>
    public IReadOnlyList<string> Validate(ConnectorOptions options, EmailOptions email, SmsOptions sms)
    {
        var report = Report(options, email, sms);
        return [.. report.Global, .. report.Schools.SelectMany(s => s.Problems)];
    }

    /// <summary>
    /// The settings' problems, split: a global one stops the service; a school's own stops that school alone, loudly,
    /// while the others run.
    /// </summary>
    public SettingsReport Report(ConnectorOptions options, EmailOptions email, SmsOptions sms)
    {
        var problems = new List<string>();
        var connector = configuration.GetSection(ConnectorOptions.SectionName);
        problems.AddRange(RawSettings.CheckGlobal(configuration));
        ValidateSecretsAreNotInFiles(problems);
        ValidateDataDirectory(options, problems);
        ValidateStore(options.Store, problems);
        ValidateEmail(email, problems);
        ValidateDelivery(options.Delivery, email, sms, problems);
        ValidateSms(sms, problems);
        problems.AddRange(profiles.Problems);
        // Resolved here, not injected: a broken calendar file then becomes one line naming it, not a failed start-up.
        try
        {
            _ = services.GetService(typeof(Calendar.ProductionCalendar));
        }
        catch (InvalidDataException ex)
        {
            problems.Add($"{ConnectorOptions.SectionName}:{nameof(ConnectorOptions.CalendarDirectory)}: {ex.Message}");
        }

        var channels = sms.Gateway == SmsGatewayKind.None ? [ChannelKind.Email] : new[] { ChannelKind.Email, ChannelKind.Sms };
        problems.AddRange(templates.Validate(NoticeComposer.TemplatesFor(channels)).Select(p => $"{ConnectorOptions.SectionName}:{nameof(ConnectorOptions.TemplateDirectory)}: {p}"));

        if (options.Schools.Count == 0)
        {
            problems.Add($"{ConnectorOptions.SectionName}:Schools: не настроено ни одной школы");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var owns = new List<List<string>>();
        for (var i = 0; i < options.Schools.Count; i++)
        {
            var path = $"{ConnectorOptions.SectionName}:Schools:{i}";
            var own = RawSettings.Check(connector.GetSection($"Schools:{i}"), typeof(SchoolOptions)).ToList();
            ValidateSchool(options.Schools[i], path, ids, own);
            owns.Add(own);
        }

        // Settings that schools of one adapter kind must share (one pace per SGO server): a school that disagrees
        // with an earlier one is refused, naming both; the earlier one runs.
        foreach (var factory in factories)
        {
            var members = Enumerable.Range(0, options.Schools.Count)
                .Where(i => owns[i].Count == 0 && options.Schools[i].Adapter is { } a && string.Equals(a["Kind"], factory.Kind, StringComparison.OrdinalIgnoreCase))
                .ToList();
            foreach (var (member, problem) in factory.ValidateTogether([.. members.Select(i => options.Schools[i].Adapter!)]))
            {
                owns[members[member]].Add(problem);
            }
        }

        var schools = Enumerable.Range(0, options.Schools.Count).Select(i => new SchoolProblems(i, options.Schools[i].Id, owns[i])).ToList();

        if (options.Demo.Enabled && options.Demo.From > options.Demo.To)
        {
            problems.Add($"{ConnectorOptions.SectionName}:Demo:From: {options.Demo.From:yyyy-MM-dd} позже, чем Demo:To {options.Demo.To:yyyy-MM-dd}");
        }

        return new SettingsReport(problems, schools);
    }

    private static void ValidateStore(StoreOptions store, List<string> problems)
    {
        if (store.Kind != Store.StoreKind.Postgres) return;
        var at = $"{ConnectorOptions.SectionName}:Store:ConnectionString";
        if (string.IsNullOrWhiteSpace(store.ConnectionString))
        {
            problems.Add($"{at}: не задана для Store:Kind = Postgres; задайте переменную окружения CONNECTOR__Store__ConnectionString (Host=…;Port=5432;Database=…;Username=…;Password=…)");
            return;
        }

        try
        {
            var parsed = new Npgsql.NpgsqlConnectionStringBuilder(store.ConnectionString);
            if (string.IsNullOrWhiteSpace(parsed.Host)) problems.Add($"{at}: не указан сервер (Host=…)");
            if (string.IsNullOrWhiteSpace(parsed.Database)) problems.Add($"{at}: не указана база данных (Database=…)");
        }
        catch (ArgumentException)
        {
            // The message would echo the string, password and all: say only what form it must have.
            problems.Add($"{at}: не читается; нужна строка вида Host=…;Port=5432;Database=…;Username=…;Password=…");
        }
    }

    private void ValidateSecretsAreNotInFiles(List<string> problems)
    {
        if (configuration is not IConfigurationRoot root) return;
        foreach (var provider in root.Providers.OfType<Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider>())
        {
            foreach (var key in AllKeys(provider, null))
            {
                var leaf = key[(key.LastIndexOf(':') + 1)..].ToLowerInvariant();
                if (SecretNames.Contains(leaf) && key.StartsWith(ConnectorOptions.SectionName + ":", StringComparison.OrdinalIgnoreCase)
                    && provider.TryGet(key, out var value) && !string.IsNullOrEmpty(value))
                {
                    problems.Add($"{key}: секрет записан в файле {provider.Source.Path}; уберите его оттуда и задайте переменную окружения CONNECTOR__{key.Replace(":", "__", StringComparison.Ordinal)[(ConnectorOptions.SectionName.Length + 2)..]}");
                }
            }
        }
    }

    private static IEnumerable<string> AllKeys(IConfigurationProvider provider, string? parent)
    {
        foreach (var child in provider.GetChildKeys([], parent).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var key = parent is null ? child : $"{parent}:{child}";
            yield return key;
            foreach (var nested in AllKeys(provider, key)) yield return nested;
        }
    }

    private void ValidateDataDirectory(ConnectorOptions options, List<string> problems)
    {
        var path = paths.Resolve(options.DataDirectory);
        try
        {
            Directory.CreateDirectory(path);
            var probe = Path.Combine(path, $".write-check-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{ConnectorOptions.SectionName}:{nameof(ConnectorOptions.DataDirectory)}: не удаётся создать папку «{path}» или записать в неё ({(ex is UnauthorizedAccessException ? "нет прав" : "ошибка ввода-вывода")})");
            return;
        }

        var database = Path.Combine(path, Store.ConnectorDatabase.FileName);
        if (Directory.Exists(database))
        {
            problems.Add($"{ConnectorOptions.SectionName}:{nameof(ConnectorOptions.DataDirectory)}: «{database}» — папка, а не файл базы данных; уберите её");
        }
    }

    private static void ValidateEmail(EmailOptions email, List<string> problems)
    {
        const string section = EmailOptions.SectionName;
        if (!EmailAddress.IsValid(email.From))
        {
            problems.Add($"{section}:From: «{email.From}» — не адрес электронной почты");
        }

        if (email.Transport != EmailTransportKind.Smtp) return;

        var smtp = email.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host)) problems.Add($"{section}:Smtp:Host: не задан; укажите почтовый сервер (или {section}:Transport = Pickup)");
        if (smtp.Port is < 1 or > 65535) problems.Add($"{section}:Smtp:Port: {smtp.Port} — не номер порта (1–65535)");
        if (smtp.Connections is < 1 or > 16) problems.Add($"{section}:Smtp:Connections: {smtp.Connections} вне допустимого диапазона 1–16");
        if (smtp.TrustedCertificateSha256.Length > 0 && !Sha256Pattern().IsMatch(smtp.TrustedCertificateSha256))
        {
            problems.Add($"{section}:Smtp:TrustedCertificateSha256: нужен отпечаток SHA-256 сертификата сервера — 64 шестнадцатеричные цифры (двоеточия допустимы)");
        }
        if (email.MessagesPerMinute is < 1 or > 10000) problems.Add($"{section}:MessagesPerMinute: {email.MessagesPerMinute} вне допустимого диапазона 1–10000");
        if (smtp.TimeoutSeconds is < 1 or > 600) problems.Add($"{section}:Smtp:TimeoutSeconds: {smtp.TimeoutSeconds} вне допустимого диапазона 1–600");
        if (smtp.UserName.Length > 0 && smtp.Password.Length == 0)
        {
            problems.Add($"{section}:Smtp:Password: не задан для пользователя «{smtp.UserName}»; задайте переменную окружения CONNECTOR__Email__Smtp__Password");
        }
    }

    private static void ValidateSms(SmsOptions sms, List<string> problems)
    {
        const string section = SmsOptions.SectionName;
        if (sms.Gateway == SmsGatewayKind.None) return;
        if (sms.BaseUrl.Length > 0 && !Uri.TryCreate(sms.BaseUrl, UriKind.Absolute, out _)) problems.Add($"{section}:BaseUrl: «{sms.BaseUrl}» — не веб-адрес");
        if (sms.Gateway == SmsGatewayKind.SmsRu && sms.ApiId.Length == 0) problems.Add($"{section}:ApiId: не задан; задайте переменную окружения CONNECTOR__Sms__ApiId");
        if (sms.Gateway == SmsGatewayKind.Smsc && sms.Login.Length == 0) problems.Add($"{section}:Login: не задан");
        if (sms.Gateway == SmsGatewayKind.Smsc && sms.Password.Length == 0) problems.Add($"{section}:Password: не задан; задайте переменную окружения CONNECTOR__Sms__Password");
        if (sms.MessagesPerMinute is < 1 or > 10000) problems.Add($"{section}:MessagesPerMinute: {sms.MessagesPerMinute} вне допустимого диапазона 1–10000");
        if (sms.Parallel is < 1 or > 16) problems.Add($"{section}:Parallel: {sms.Parallel} вне допустимого диапазона 1–16");
        if (sms.MaxSegments is < 1 or > 8) problems.Add($"{section}:MaxSegments: {sms.MaxSegments} вне допустимого диапазона 1–8");
        if (sms.TimeoutSeconds is < 1 or > 300) problems.Add($"{section}:TimeoutSeconds: {sms.TimeoutSeconds} вне допустимого диапазона 1–300");
    }

    private static void ValidateDelivery(DeliveryOptions delivery, EmailOptions email, SmsOptions sms, List<string> problems)
    {
        const string section = $"{ConnectorOptions.SectionName}:Delivery";
        if (delivery.IntervalSeconds is < 5 or > 3600) problems.Add($"{section}:IntervalSeconds: {delivery.IntervalSeconds} вне допустимого диапазона 5–3600");
        if (delivery.FirstRetryDelaySeconds is < 1 or > 3600) problems.Add($"{section}:FirstRetryDelaySeconds: {delivery.FirstRetryDelaySeconds} вне допустимого диапазона 1–3600");
        if (delivery.MaxRetryDelayMinutes is < 1 or > 1440) problems.Add($"{section}:MaxRetryDelayMinutes: {delivery.MaxRetryDelayMinutes} вне допустимого диапазона 1–1440");
        if (delivery.GiveUpAfterHours is < 1 or > 168) problems.Add($"{section}:GiveUpAfterHours: {delivery.GiveUpAfterHours} вне допустимого диапазона 1–168");
        if (delivery.KeepAttemptsDays is < 1 or > 3650) problems.Add($"{section}:KeepAttemptsDays: {delivery.KeepAttemptsDays} вне допустимого диапазона 1–3650");
        // A claim must outlast the longest send, or another runner would take back a message still on its way.
        var longestSend = Math.Max(email.Smtp.TimeoutSeconds, sms.Gateway == SmsGatewayKind.None ? 0 : sms.TimeoutSeconds);
        if (delivery.ClaimLeaseSeconds is < 30 or > 86400)
        {
            problems.Add($"{section}:ClaimLeaseSeconds: {delivery.ClaimLeaseSeconds} вне допустимого диапазона 30–86400");
        }
        else if (delivery.ClaimLeaseSeconds < 2 * longestSend)
        {
            problems.Add($"{section}:ClaimLeaseSeconds: {delivery.ClaimLeaseSeconds} с меньше двух сроков ожидания отправки ({longestSend} с); задайте не меньше {2 * longestSend}");
        }
    }

    private void ValidateSchool(SchoolOptions school, string path, HashSet<string> ids, List<string> problems)
    {
        if (!SchoolIdPattern().IsMatch(school.Id)) problems.Add($"{path}:Id: «{school.Id}»: допустимы только латинские буквы, цифры и дефис");
        else if (!ids.Add(school.Id)) problems.Add($"{path}:Id: «{school.Id}» уже занят другой школой");
        if (string.IsNullOrWhiteSpace(school.Name)) problems.Add($"{path}:Name: не задано");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(school.TimeZone, out _))
        {
            problems.Add($"{path}:TimeZone: «{school.TimeZone}» — не часовой пояс IANA (например, Europe/Moscow, Asia/Yekaterinburg, Asia/Kamchatka)");
        }

        if (!profiles.Ids.Contains(school.Profile)) problems.Add($"{path}:Profile: «{school.Profile}» — нет такого профиля в {ConnectorOptions.SectionName}:{nameof(ConnectorOptions.ProfileDirectory)} (есть: {string.Join(", ", profiles.Ids.Order())})");
        var start = ParseTime(school.SchoolHoursStart, $"{path}:SchoolHoursStart", problems);
        var end = ParseTime(school.SchoolHoursEnd, $"{path}:SchoolHoursEnd", problems);
        if (start is { } s && end is { } e && s >= e) problems.Add($"{path}:SchoolHoursEnd: {school.SchoolHoursEnd} не позже начала SchoolHoursStart {school.SchoolHoursStart}");
        ParseTime(school.DigestTime, $"{path}:DigestTime", problems);
        var quietStart = ParseTime(school.QuietHoursStart, $"{path}:QuietHoursStart", problems);
        var quietEnd = ParseTime(school.QuietHoursEnd, $"{path}:QuietHoursEnd", problems);
        if (quietStart is { } qs && quietStart == quietEnd) problems.Add($"{path}:QuietHoursEnd: совпадает с QuietHoursStart {qs:HH:mm}; оставьте время для отправки");
        if (!Enum.IsDefined(school.DefaultChannel)) problems.Add($"{path}:DefaultChannel: должно быть Email или Sms");
        if (school.PollIntervalMinutes is < 1 or > 120) problems.Add($"{path}:PollIntervalMinutes: {school.PollIntervalMinutes} вне допустимого диапазона 1–120");
        if (school.GracePeriodMinutes is < 0 or > 240) problems.Add($"{path}:GracePeriodMinutes: {school.GracePeriodMinutes} вне допустимого диапазона 0–240");
        if (school.LookbackDays is < 1 or > 60) problems.Add($"{path}:LookbackDays: {school.LookbackDays} вне допустимого диапазона 1–60");
        if (school.NoticeHorizonDays is < 1 or > 120) problems.Add($"{path}:NoticeHorizonDays: {school.NoticeHorizonDays} вне допустимого диапазона 1–120");
        if (school.ReadChecks.MaxLostPercent is < 0 or > 100) problems.Add($"{path}:ReadChecks:MaxLostPercent: {school.ReadChecks.MaxLostPercent} вне допустимого диапазона 0–100");
        if (school.ReadChecks.ConfirmLossMinutes is < 0 or > 1440) problems.Add($"{path}:ReadChecks:ConfirmLossMinutes: {school.ReadChecks.ConfirmLossMinutes} вне допустимого диапазона 0–1440");
        if (school.ReadChecks.ConfirmVanishedMinutes is < 0 or > 1440) problems.Add($"{path}:ReadChecks:ConfirmVanishedMinutes: {school.ReadChecks.ConfirmVanishedMinutes} вне допустимого диапазона 0–1440");
        if (school.DaysPerWeek is not (5 or 6)) problems.Add($"{path}:DaysPerWeek: {school.DaysPerWeek}: должно быть 5 или 6");
        if (school.ReplyTo is { Length: > 0 } replyTo && !EmailAddress.IsValid(replyTo)) problems.Add($"{path}:ReplyTo: «{replyTo}» — не адрес электронной почты");
        for (var h = 0; h < school.Holidays.Count; h++)
        {
            if (SchoolCalendar.ParseRange(school.Holidays[h]) is null)
            {
                problems.Add($"{path}:Holidays:{h}: «{school.Holidays[h]}» — ни дата ГГГГ-ММ-ДД, ни период ГГГГ-ММ-ДД..ГГГГ-ММ-ДД");
            }
        }

        for (var x = 0; x < school.ExtraSchoolDays.Count; x++)
        {
            if (SchoolCalendar.ParseRange(school.ExtraSchoolDays[x]) is not { } day || day.From != day.To)
            {
                problems.Add($"{path}:ExtraSchoolDays:{x}: «{school.ExtraSchoolDays[x]}» — не дата ГГГГ-ММ-ДД");
            }
        }

        for (var m = 0; m < school.Staff.Count; m++)
        {
            ValidateStaff(school.Staff[m], $"{path}:Staff:{m}", problems);
        }

        ValidateAdapter(school, path, problems);
    }

    private static void ValidateStaff(StaffOptions staff, string path, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(staff.Id)) problems.Add($"{path}:Id: не задан");
        if (!EmailAddress.IsValid(staff.Email)) problems.Add($"{path}:Email: «{staff.Email}» — не адрес электронной почты");
        for (var r = 0; r < staff.Roles.Count; r++)
        {
            if (!Enum.TryParse<StaffRole>(staff.Roles[r], ignoreCase: true, out var role) || int.TryParse(staff.Roles[r], out _))
            {
                problems.Add($"{path}:Roles:{r}: «{staff.Roles[r]}» — не одно из: {string.Join(", ", Enum.GetNames<StaffRole>())}");
            }
            else if (role == StaffRole.ClassTeacher && staff.Classes.Count == 0)
            {
                problems.Add($"{path}:Classes: у классного руководителя должны быть указаны его классы");
            }
        }
    }

    private void ValidateAdapter(SchoolOptions school, string path, List<string> problems)
    {
        var kind = school.Adapter?["Kind"];
        if (school.Adapter is null || string.IsNullOrWhiteSpace(kind))
        {
            problems.Add($"{path}:Adapter:Kind: не задан; одно из: {string.Join(", ", factories.Select(f => f.Kind))}");
            return;
        }

        var factory = factories.FirstOrDefault(f => string.Equals(f.Kind, kind, StringComparison.OrdinalIgnoreCase));
        if (factory is null)
        {
            problems.Add($"{path}:Adapter:Kind: «{kind}» — не одно из: {string.Join(", ", factories.Select(f => f.Kind))}");
            return;
        }

        problems.AddRange(factory.Validate(school.Adapter));
    }

    private static TimeOnly? ParseTime(string text, string setting, List<string> problems)
    {
        if (TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)) return time;
        problems.Add($"{setting}: «{text}» — не время ЧЧ:ММ");
        return null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.IgnoreCase)]
    private static partial Regex SchoolIdPattern();

    [GeneratedRegex("^([0-9a-f]{2}:?){31}[0-9a-f]{2}$", RegexOptions.IgnoreCase)]
    private static partial Regex Sha256Pattern();
}
