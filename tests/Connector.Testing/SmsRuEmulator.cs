using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

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

    protected override void Map(WebApplication app)
    {
        app.MapGet("/sms/send", () => Results.Json(Error(210, "Используется GET, где необходимо использовать POST")));
        app.MapPost("/sms/send", async context =>
        {
            if (await TransportFaultAsync(context)) return;
            var form = await context.Request.ReadFormAsync();
            if (await RefusedAsync(context, form)) return;
            var text = form["msg"].ToString();
            var results = new Dictionary<string, object>();
            foreach (var digits in form["to"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                results[digits] =
                    !IsRussianMobile(digits) || InvalidNumbers.ContainsKey(digits) ? Error(202, "Неправильно указан номер телефона получателя, либо на него нет маршрута")
                    : DailyLimitReached.ContainsKey(digits) ? Error(230, "Превышен общий лимит количества сообщений на этот номер в день")
                    : IsRepeat(digits, text) ? Error(231, "Превышен лимит одинаковых сообщений на этот номер в минуту")
                    : new { status = "OK", status_code = 100, sms_id = "000000-" + Accept(digits, text) };
            }

            await context.Response.WriteAsJsonAsync(new { status = "OK", status_code = 100, sms = results, balance = 4122.56 });
        });
        app.MapPost("/sms/status", async context =>
        {
            if (await TransportFaultAsync(context)) return;
            var form = await context.Request.ReadFormAsync();
            if (await RefusedAsync(context, form)) return;
            var statuses = new Dictionary<string, object>();
            foreach (var id in form["sms_id"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var sms = Received.FirstOrDefault(r => "000000-" + r.Id == id);
                statuses[id] = sms is null ? Error(-1, "Сообщение не найдено")
                    : Undeliverable.ContainsKey(sms.Phone) ? new { status = "OK", status_code = 106, status_text = "Не может быть доставлено: телефон абонента не существует", cost = "0" }
                    : new { status = "OK", status_code = 103, status_text = "Сообщение доставлено", cost = "3.49" };
            }

            await context.Response.WriteAsJsonAsync(new { status = "OK", status_code = 100, sms = statuses, balance = 4122.56 });
        });
        app.MapPost("/my/balance", async context =>
        {
            var form = await context.Request.ReadFormAsync();
            if (await RefusedAsync(context, form)) return;
            await context.Response.WriteAsJsonAsync(new { status = "OK", status_code = 100, balance = 4122.56 });
        });
    }

    private async Task<bool> RefusedAsync(HttpContext context, IFormCollection form)
    {
        object? error = form["api_id"] != ApiId || Fault == SmsFault.BadCredentials ? Error(200, "Неправильный api_id")
            : Fault == SmsFault.InsufficientFunds ? Error(201, "Не хватает средств на лицевом счету")
            : Fault == SmsFault.ServiceUnavailable ? Error(220, "Сервис временно недоступен, попробуйте чуть позже")
            : null;
        if (error is null) return false;
        await context.Response.WriteAsJsonAsync(error);
        return true;
    }

    private static object Error(int code, string text) =>
        new { status = "ERROR", status_code = code, status_text = text.ToString(CultureInfo.InvariantCulture) };
}
