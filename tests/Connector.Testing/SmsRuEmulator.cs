using System.Collections.Specialized;

namespace Connector.Testing;

/// <summary>SMS.ru as SMS_API.md §A.1 describes it: form POSTs, <c>json=1</c> answers, per-recipient results and codes.</summary>
public sealed class SmsRuEmulator : SmsGatewayEmulator
{
    public const string ApiId = "emulator-api-id";

    public static async Task<SmsRuEmulator> StartNewAsync()
    {
        var emulator = new SmsRuEmulator();
        await emulator.StartAsync();
        return emulator;
    }

    protected override string[] FaultedPaths => ["/sms/send", "/sms/status"];

    protected override void Map()
    {
        OnGet("/sms/send", Error(210, "Используется GET, где необходимо использовать POST"));
        OnPost("/sms/send", form =>
        {
            if (Refused(form) is { } refused) return refused;
            var text = form["msg"] ?? "";
            var results = new Dictionary<string, object>();
            foreach (var digits in (form["to"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                results[digits] =
                    !IsRussianMobile(digits) || InvalidNumbers.ContainsKey(digits) ? Error(202, "Неправильно указан номер телефона получателя, либо на него нет маршрута")
                    : DailyLimitReached.ContainsKey(digits) ? Error(230, "Превышен общий лимит количества сообщений на этот номер в день")
                    : IsRepeat(digits, text) ? Error(231, "Превышен лимит одинаковых сообщений на этот номер в минуту")
                    : new { status = "OK", status_code = 100, sms_id = "000000-" + Accept(digits, text) };
            }

            return new { status = "OK", status_code = 100, sms = results, balance = 4122.56 };
        });
        OnPost("/sms/status", form =>
        {
            if (Refused(form) is { } refused) return refused;
            var statuses = new Dictionary<string, object>();
            foreach (var id in (form["sms_id"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var sms = Received.FirstOrDefault(r => "000000-" + r.Id == id);
                statuses[id] = sms is null ? Error(-1, "Сообщение не найдено")
                    : Undeliverable.ContainsKey(sms.Phone) ? new { status = "OK", status_code = 106, status_text = "Не может быть доставлено: телефон абонента не существует", cost = "0" }
                    : new { status = "OK", status_code = 103, status_text = "Сообщение доставлено", cost = "3.49" };
            }

            return new { status = "OK", status_code = 100, sms = statuses, balance = 4122.56 };
        });
        OnPost("/my/balance", form => Refused(form) ?? new { status = "OK", status_code = 100, balance = 4122.56 });
    }

    private object? Refused(NameValueCollection form) =>
        form["api_id"] != ApiId || Fault == SmsFault.BadCredentials ? Error(200, "Неправильный api_id")
        : Fault == SmsFault.InsufficientFunds ? Error(201, "Не хватает средств на лицевом счету")
        : Fault == SmsFault.ServiceUnavailable ? Error(220, "Сервис временно недоступен, попробуйте чуть позже")
        : null;

    private static object Error(int code, string text) => new { status = "ERROR", status_code = code, status_text = text };
}
