using System.Globalization;
using System.Text.Json;
using Connector.Abstractions.Notifications;
using Microsoft.Extensions.Options;
using Refit;

namespace Connector.Notifier.Sms;

/// <summary>SMS.ru: <c>POST /sms/send</c> and <c>/sms/status</c> with <c>json=1</c> (SMS_API.md §A.1).</summary>
internal sealed class SmsRuChannel(IHttpClientFactory clients, IOptions<SmsOptions> options) : SmsGatewayChannel(clients, options)
{
    protected override Task<HttpResponseMessage> CallAsync(HttpClient http, SmsCall call, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        var api = RestService.For<ISmsRuApi>(http);
        return call switch
        {
            SmsCall.Send => api.SendAsync(form, cancellationToken),
            SmsCall.Status => api.StatusAsync(form, cancellationToken),
            _ => api.BalanceAsync(form, cancellationToken),
        };
    }

    protected override Dictionary<string, string> SendForm(OutgoingMessage message, string digits)
    {
        var form = new Dictionary<string, string> { ["api_id"] = Options.ApiId, ["to"] = digits, ["msg"] = message.Body, ["json"] = "1" };
        if (Options.Sender.Length > 0) form["from"] = Options.Sender;
        return form;
    }

    protected override DeliveryResult ParseSend(JsonElement answer, string digits)
    {
        if (Text(answer, "status") != "OK") return Classify(Number(answer, "status_code"), Text(answer, "status_text"));
        if (!answer.TryGetProperty("sms", out var sms) || !sms.TryGetProperty(digits, out var result))
        {
            return DeliveryResult.Transient("SMS.ru answered OK without a result for the number");
        }

        return Text(result, "status") == "OK"
            ? DeliveryResult.Accepted(Text(result, "sms_id"), "SMS.ru 100")
            : Classify(Number(result, "status_code"), Text(result, "status_text"));
    }

    protected override Dictionary<string, string> StatusForm(IReadOnlyList<SentMessageRef> messages) => new()
    {
        ["api_id"] = Options.ApiId,
        ["sms_id"] = string.Join(',', messages.Select(m => m.ProviderMessageId)),
        ["json"] = "1",
    };

    protected override IReadOnlyDictionary<string, DeliveryStatus> ParseStatuses(JsonElement answer)
    {
        if (Text(answer, "status") != "OK") throw new DeliveryStatusUnavailableException($"SMS.ru {Number(answer, "status_code")}: {Text(answer, "status_text")}");
        var statuses = new Dictionary<string, DeliveryStatus>();
        foreach (var entry in answer.GetProperty("sms").EnumerateObject())
        {
            var code = Number(entry.Value, "status_code");
            var detail = string.Create(CultureInfo.InvariantCulture, $"SMS.ru {code}: {Text(entry.Value, "status_text")}");
            statuses[entry.Name] = code switch
            {
                103 or 110 => new DeliveryStatus(DeliveryState.Delivered, detail),
                100 or 101 or 102 => new DeliveryStatus(DeliveryState.Pending, detail),
                _ => new DeliveryStatus(DeliveryState.Failed, detail),
            };
        }

        return statuses;
    }

    protected override Dictionary<string, string> BalanceForm() => new() { ["api_id"] = Options.ApiId, ["json"] = "1" };

    protected override string DescribeBalance(JsonElement answer) =>
        Text(answer, "status") == "OK" ? $"баланс {Text(answer, "balance")} ₽" : throw new InvalidOperationException(
            $"{SmsOptions.SectionName}:ApiId: SMS.ru {Number(answer, "status_code")}: {Text(answer, "status_text")}");

    /// <summary>SMS.ru's codes: who must act, and whether waiting helps.</summary>
    private static DeliveryResult Classify(int code, string text)
    {
        var detail = string.Create(CultureInfo.InvariantCulture, $"SMS.ru {code}: {text}");
        return code switch
        {
            202 or 207 or 209 or 214 or 215 => DeliveryResult.Permanent(detail),
            206 or 220 or 230 or 231 or 232 or 500 or (>= 501 and <= 508) => DeliveryResult.Transient(detail),
            _ => DeliveryResult.Configuration(detail),
        };
    }
}

/// <summary>SMS.ru's HTTP API (SMS_API.md §A.1): form posts answered with JSON (<c>json=1</c>).</summary>
public interface ISmsRuApi
{
    [Post("/sms/send")]
    Task<HttpResponseMessage> SendAsync([Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form, CancellationToken cancellationToken);

    [Post("/sms/status")]
    Task<HttpResponseMessage> StatusAsync([Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form, CancellationToken cancellationToken);

    [Post("/my/balance")]
    Task<HttpResponseMessage> BalanceAsync([Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form, CancellationToken cancellationToken);
}
