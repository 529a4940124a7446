using System.Globalization;
using System.Net;
using System.Text.Json;
using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;
using Microsoft.Extensions.Options;

namespace Connector.Notifier.Sms;

/// <summary>The three calls a gateway answers.</summary>
internal enum SmsCall
{
    Send,
    Status,
    Balance,
}

/// <summary>
/// What both gateways share: the number normalised to E.164, the text checked against the segment limit before it
/// costs anything, one POST with a timeout through the gateway's Refit interface, and every failure mapped to
/// permanent, transient or configuration. A gateway's own protocol lives in its subclass. Each call takes a fresh
/// client from <see cref="IHttpClientFactory"/>, so its handlers rotate although the channel lives for the process.
/// No call is retried here: a repeated send could be a second SMS; the outbox retries with back-off.
/// </summary>
internal abstract class SmsGatewayChannel(IHttpClientFactory clients, IOptions<SmsOptions> options) : INotificationChannel, IDeliveryStatusSource
{
    /// <summary>The named client the gateways' calls go through.</summary>
    public const string ClientName = "sms-gateway";

    protected SmsOptions Options => options.Value;

    public ChannelKind Kind => ChannelKind.Sms;

    public async Task<DeliveryResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (!PhoneNumber.TryNormalize(message.Address, out var e164, out var problem))
        {
            return DeliveryResult.Permanent($"invalid phone number: {problem}");
        }

        var segments = SmsSegments.Count(message.Body);
        if (segments > Options.MaxSegments)
        {
            return DeliveryResult.Configuration($"the text takes {segments} SMS, more than {SmsOptions.SectionName}:MaxSegments = {Options.MaxSegments}; shorten the template");
        }

        var answer = await PostAsync(SmsCall.Send, SendForm(message, e164[1..]), cancellationToken).ConfigureAwait(false);
        return answer.Failure ?? ParseSend(answer.Json!.Value, e164[1..]);
    }

    public virtual Task<PriorHandover> WasAcceptedAsync(string idempotencyKey, string address, CancellationToken cancellationToken) => Task.FromResult(PriorHandover.CannotTell);

    public async Task<IReadOnlyDictionary<string, DeliveryStatus>> GetStatusesAsync(IReadOnlyList<SentMessageRef> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0) return new Dictionary<string, DeliveryStatus>();
        var answer = await PostAsync(SmsCall.Status, StatusForm(messages), cancellationToken).ConfigureAwait(false);
        if (answer.Failure is { } failure) throw new DeliveryStatusUnavailableException($"{Options.Gateway}: {failure.Detail}");
        return ParseStatuses(answer.Json!.Value);
    }

    public async Task<string> CheckAsync(CancellationToken cancellationToken)
    {
        var answer = await PostAsync(SmsCall.Balance, BalanceForm(), cancellationToken).ConfigureAwait(false);
        if (answer.Failure is { } failure)
        {
            throw new InvalidOperationException($"{SmsOptions.SectionName}: {Options.Gateway} at {Options.EffectiveBaseUrl}: {failure.Detail}");
        }

        return $"шлюз {Options.Gateway} ({Options.EffectiveBaseUrl}) отвечает; {DescribeBalance(answer.Json!.Value)}";
    }

    /// <summary>Makes the call through the gateway's Refit interface over <paramref name="http"/>.</summary>
    protected abstract Task<HttpResponseMessage> CallAsync(HttpClient http, SmsCall call, Dictionary<string, string> form, CancellationToken cancellationToken);

    protected abstract Dictionary<string, string> SendForm(OutgoingMessage message, string digits);

    protected abstract DeliveryResult ParseSend(JsonElement answer, string digits);

    protected abstract Dictionary<string, string> StatusForm(IReadOnlyList<SentMessageRef> messages);

    protected abstract IReadOnlyDictionary<string, DeliveryStatus> ParseStatuses(JsonElement answer);

    protected abstract Dictionary<string, string> BalanceForm();

    protected abstract string DescribeBalance(JsonElement answer);

    protected static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText() : "";

    protected static int Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && (value.ValueKind == JsonValueKind.Number ? value.TryGetInt32(out var n) : int.TryParse(value.GetString(), CultureInfo.InvariantCulture, out n)) ? n : int.MinValue;

    private async Task<(JsonElement? Json, DeliveryResult? Failure)> PostAsync(SmsCall call, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(Options.TimeoutSeconds));
        try
        {
            var http = clients.CreateClient(ClientName);
            http.BaseAddress = new Uri(Options.EffectiveBaseUrl + "/");
            http.Timeout = Timeout.InfiniteTimeSpan;
            using var response = await CallAsync(http, call, form, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return (null, DeliveryResult.Configuration($"HTTP {(int)response.StatusCode}: the gateway refused the credentials"));
            }

            if (!response.IsSuccessStatusCode)
            {
                return (null, DeliveryResult.Transient($"HTTP {(int)response.StatusCode} from the gateway"));
            }

            try
            {
                using var document = JsonDocument.Parse(body);
                return (document.RootElement.Clone(), null);
            }
            catch (JsonException)
            {
                return (null, DeliveryResult.Transient("the gateway answered something that is not JSON"));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, DeliveryResult.Transient($"the gateway did not answer within {Options.TimeoutSeconds} s"));
        }
        catch (HttpRequestException ex)
        {
            return (null, DeliveryResult.Transient($"cannot reach the gateway: {ex.Message}"));
        }
    }
}
