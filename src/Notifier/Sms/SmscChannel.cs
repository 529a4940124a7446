using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Connector.Abstractions.Notifications;
using Microsoft.Extensions.Options;
using Refit;

namespace Connector.Notifier.Sms;

/// <summary>
/// SMSC.ru: <c>POST /sys/send.php</c> and <c>/sys/status.php</c> with <c>fmt=3</c> (SMS_API.md §A.2). Each message
/// carries a client <c>id</c> derived from its idempotency key, so after a crash the gateway can be asked whether
/// it already has the message: no repeat.
/// </summary>
internal sealed class SmscChannel(IHttpClientFactory clients, IOptions<SmsOptions> options) : SmsGatewayChannel(clients, options)
{
    protected override Task<HttpResponseMessage> CallAsync(HttpClient http, SmsCall call, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        var api = RestService.For<ISmscApi>(http);
        return call switch
        {
            SmsCall.Send => api.SendAsync(form, cancellationToken),
            SmsCall.Status => api.StatusAsync(form, cancellationToken),
            _ => api.BalanceAsync(form, cancellationToken),
        };
    }

    /// <summary>The client message id SMSC accepts: 1…2147483647.</summary>
    internal static int ClientId(string idempotencyKey) =>
        (int)(BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)), 0) % 2147483646) + 1;

    public override async Task<PriorHandover> WasAcceptedAsync(string idempotencyKey, string address, CancellationToken cancellationToken)
    {
        if (!PhoneNumber.TryNormalize(address, out var e164, out _)) return PriorHandover.NotAccepted;
        try
        {
            var id = ClientId(idempotencyKey).ToString(CultureInfo.InvariantCulture);
            var statuses = await GetStatusesAsync([new SentMessageRef(id, e164)], cancellationToken).ConfigureAwait(false);
            return statuses.TryGetValue(id, out var status) && !status.Detail.StartsWith("SMSC -3", StringComparison.Ordinal)
                ? PriorHandover.Accepted
                : PriorHandover.NotAccepted;
        }
        catch (DeliveryStatusUnavailableException)
        {
            // SMSC could tell, but its status service did not answer: sending now could make a second SMS.
            return PriorHandover.AskLater;
        }
    }

    protected override Dictionary<string, string> SendForm(OutgoingMessage message, string digits)
    {
        var form = Credentials();
        form["phones"] = digits;
        form["mes"] = message.Body;
        form["charset"] = "utf-8";
        form["fmt"] = "3";
        form["id"] = ClientId(message.IdempotencyKey).ToString(CultureInfo.InvariantCulture);
        if (Options.Sender.Length > 0) form["sender"] = Options.Sender;
        return form;
    }

    protected override DeliveryResult ParseSend(JsonElement answer, string digits)
    {
        if (answer.TryGetProperty("error_code", out _)) return Classify(Number(answer, "error_code"), Text(answer, "error"));
        return answer.TryGetProperty("id", out _)
            ? DeliveryResult.Accepted(Text(answer, "id"), $"SMSC: {Number(answer, "cnt")} SMS")
            : DeliveryResult.Transient("SMSC answered without an id");
    }

    protected override Dictionary<string, string> StatusForm(IReadOnlyList<SentMessageRef> messages)
    {
        var form = Credentials();
        // A trailing comma keeps the "many messages" answer shape even for one.
        form["phone"] = string.Join(',', messages.Select(m => m.Address.TrimStart('+'))) + ",";
        form["id"] = string.Join(',', messages.Select(m => m.ProviderMessageId)) + ",";
        form["fmt"] = "3";
        return form;
    }

    protected override IReadOnlyDictionary<string, DeliveryStatus> ParseStatuses(JsonElement answer)
    {
        if (answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("error_code", out _))
        {
            throw new DeliveryStatusUnavailableException($"SMSC {Number(answer, "error_code")}: {Text(answer, "error")}");
        }

        var statuses = new Dictionary<string, DeliveryStatus>();
        foreach (var entry in answer.EnumerateArray())
        {
            var code = Number(entry, "status");
            var detail = string.Create(CultureInfo.InvariantCulture, $"SMSC {code}{(Number(entry, "err") is > 0 and var err ? $" (err {err})" : "")}");
            statuses[Text(entry, "id")] = code switch
            {
                1 or 2 or 4 => new DeliveryStatus(DeliveryState.Delivered, detail),
                -1 or 0 => new DeliveryStatus(DeliveryState.Pending, detail),
                _ => new DeliveryStatus(DeliveryState.Failed, detail),
            };
        }

        return statuses;
    }

    protected override Dictionary<string, string> BalanceForm()
    {
        var form = Credentials();
        form["fmt"] = "3";
        return form;
    }

    protected override string DescribeBalance(JsonElement answer) =>
        answer.TryGetProperty("error_code", out _)
            ? throw new InvalidOperationException($"{SmsOptions.SectionName}:Login: SMSC {Number(answer, "error_code")}: {Text(answer, "error")}")
            : $"баланс {Text(answer, "balance")} ₽";

    private Dictionary<string, string> Credentials() => new() { ["login"] = Options.Login, ["psw"] = Options.Password };

    /// <summary>SMSC's send error codes (SMS_API.md §A.2).</summary>
    private static DeliveryResult Classify(int code, string text)
    {
        var detail = string.Create(CultureInfo.InvariantCulture, $"SMSC {code}: {text}");
        return code switch
        {
            7 or 8 => DeliveryResult.Permanent(detail),
            4 or 9 => DeliveryResult.Transient(detail),
            _ => DeliveryResult.Configuration(detail),
        };
    }
}

/// <summary>SMSC.ru's HTTP API (SMS_API.md §A.2): form posts answered with JSON (<c>fmt=3</c>).</summary>
public interface ISmscApi
{
    [Post("/sys/send.php")]
    Task<HttpResponseMessage> SendAsync([Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form, CancellationToken cancellationToken);

    [Post("/sys/status.php")]
    Task<HttpResponseMessage> StatusAsync([Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form, CancellationToken cancellationToken);

    [Post("/sys/balance.php")]
    Task<HttpResponseMessage> BalanceAsync([Body(BodySerializationMethod.UrlEncoded)] Dictionary<string, string> form, CancellationToken cancellationToken);
}
