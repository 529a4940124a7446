using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;
using Connector.Notifier.Sms;
using Connector.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;

namespace Connector.Notifier.Tests.Sms;

/// <summary>What every SMS channel owes, written once and run against each gateway over its emulator.</summary>
public abstract class SmsChannelContractTests<TEmulator> : IAsyncLifetime where TEmulator : SmsGatewayEmulator
{
    protected TEmulator Emulator { get; private set; } = null!;

    protected abstract Task<TEmulator> StartEmulatorAsync();

    private protected abstract SmsGatewayChannel Channel(SmsOptions options);

    protected abstract SmsOptions Settings();

    public async Task InitializeAsync() => Emulator = await StartEmulatorAsync();

    public async Task DisposeAsync() => await Emulator.DisposeAsync();

    [Fact]
    public async Task Send_NormalisesTheNumber_AndTheGatewayGetsTheText()
    {
        var result = await Channel(Settings()).SendAsync(Message("8 (900) 123-45-67", "Школа № 1: 09.11 Иван (7Б) пропуск 1 ур."), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Accepted, result.Outcome);
        var sms = Assert.Single(Emulator.Received);
        Assert.Equal(("79001234567", "Школа № 1: 09.11 Иван (7Б) пропуск 1 ур."), (sms.Phone, sms.Text));
        Assert.NotNull(result.ProviderMessageId);
    }

    [Fact]
    public async Task ALandlineOrMalformedNumber_IsRejectedBeforeAnythingIsSent()
    {
        var landline = await Channel(Settings()).SendAsync(Message("+7 (495) 123-45-67", "текст"), CancellationToken.None);
        var garbage = await Channel(Settings()).SendAsync(Message("звонить маме", "текст"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.PermanentFailure, landline.Outcome);
        Assert.Contains("не мобильный", landline.Detail, StringComparison.Ordinal);
        Assert.Equal(DeliveryOutcome.PermanentFailure, garbage.Outcome);
        Assert.Empty(Emulator.Received);
    }

    [Fact]
    public async Task ANumberTheGatewayCallsInvalid_IsAPermanentFailure()
    {
        Emulator.InvalidNumbers["79001234567"] = true;

        var result = await Channel(Settings()).SendAsync(Message("+79001234567", "текст"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.PermanentFailure, result.Outcome);
    }

    [Theory]
    [InlineData(SmsFault.InsufficientFunds)]
    [InlineData(SmsFault.BadCredentials)]
    public async Task FundsOrCredentials_AreAConfigurationFailure(SmsFault fault)
    {
        Emulator.Fault = fault;

        var result = await Channel(Settings()).SendAsync(Message("+79001234567", "текст"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.ConfigurationFailure, result.Outcome);
        Assert.Empty(Emulator.Received);
    }

    [Theory]
    [InlineData(SmsFault.ServiceUnavailable)]
    [InlineData(SmsFault.Http500)]
    [InlineData(SmsFault.NotJson)]
    [InlineData(SmsFault.Slow)]
    public async Task AnUnavailableGateway_IsATransientFailure(SmsFault fault)
    {
        Emulator.Fault = fault;
        var settings = Settings();
        settings.TimeoutSeconds = 1;

        var result = await Channel(settings).SendAsync(Message("+79001234567", "текст"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.TransientFailure, result.Outcome);
    }

    [Fact]
    public async Task TheSameTextToTheSameNumberWithinAMinute_IsRefusedAsARepeat_WhichRetryingLaterCures()
    {
        var channel = Channel(Settings());
        await channel.SendAsync(Message("+79001234567", "одинаковый текст"), CancellationToken.None);

        var repeat = await channel.SendAsync(Message("+79001234567", "одинаковый текст"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.TransientFailure, repeat.Outcome);
        Assert.Single(Emulator.Received);
    }

    [Fact]
    public async Task AText_LongerThanTheSegmentLimit_IsRefusedBeforeItCostsAnything()
    {
        var settings = Settings();
        settings.MaxSegments = 1;

        var result = await Channel(settings).SendAsync(Message("+79001234567", new string('ж', 71)), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.ConfigurationFailure, result.Outcome);
        Assert.Empty(Emulator.Received);
    }

    [Fact]
    public async Task Statuses_TellDeliveredFromFailed()
    {
        Emulator.Undeliverable["79009999999"] = true;
        var channel = Channel(Settings());
        var good = await channel.SendAsync(Message("+79001234567", "первое"), CancellationToken.None);
        var bad = await channel.SendAsync(Message("+79009999999", "второе"), CancellationToken.None);

        var statuses = await channel.GetStatusesAsync(
            [new SentMessageRef(good.ProviderMessageId!, "+79001234567"), new SentMessageRef(bad.ProviderMessageId!, "+79009999999")], CancellationToken.None);

        Assert.Equal(DeliveryState.Delivered, statuses[good.ProviderMessageId!].State);
        Assert.Equal(DeliveryState.Failed, statuses[bad.ProviderMessageId!].State);
    }

    [Fact]
    public async Task Check_ReportsTheBalance_OrNamesTheSetting()
    {
        var ok = await Channel(Settings()).CheckAsync(CancellationToken.None);
        Emulator.Fault = SmsFault.BadCredentials;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Channel(Settings()).CheckAsync(CancellationToken.None));

        Assert.Contains("баланс", ok, StringComparison.Ordinal);
        Assert.StartsWith("Connector:Sms:", error.Message, StringComparison.Ordinal);
    }

    protected static OutgoingMessage Message(string phone, string text) => new($"absence:school-1:g1:2026-11-09:sms:{Guid.NewGuid():N}", ChannelKind.Sms, phone, null, text);
}

public sealed class SmsRuChannelTests : SmsChannelContractTests<SmsRuEmulator>
{
    protected override Task<SmsRuEmulator> StartEmulatorAsync() => SmsRuEmulator.StartNewAsync();

    protected override SmsOptions Settings() => new() { Gateway = SmsGatewayKind.SmsRu, BaseUrl = Emulator.BaseUrl, ApiId = SmsRuEmulator.ApiId };

    private protected override SmsGatewayChannel Channel(SmsOptions options) => new SmsRuChannel(HttpClients.Factory, Options.Create(options));

    [Fact]
    public async Task AfterACrash_SmsRuCannotSayWhetherItHasAMessage() =>
        Assert.Equal(PriorHandover.CannotTell, await Channel(Settings()).WasAcceptedAsync("k", "+79001234567", CancellationToken.None));
}

public sealed class SmscChannelTests : SmsChannelContractTests<SmscEmulator>
{
    protected override Task<SmscEmulator> StartEmulatorAsync() => SmscEmulator.StartNewAsync();

    protected override SmsOptions Settings() => new()
    {
        Gateway = SmsGatewayKind.Smsc, BaseUrl = Emulator.BaseUrl, Login = SmscEmulator.Login, Password = SmscEmulator.Password,
    };

    private protected override SmsGatewayChannel Channel(SmsOptions options) => new SmscChannel(HttpClients.Factory, Options.Create(options));

    [Fact]
    public async Task AfterACrash_SmscSaysWhetherItHasTheMessage_ByItsClientId()
    {
        var message = Message("+79001234567", "текст");
        var before = await Channel(Settings()).WasAcceptedAsync(message.IdempotencyKey, message.Address, CancellationToken.None);
        await Channel(Settings()).SendAsync(message, CancellationToken.None);

        var after = await Channel(Settings()).WasAcceptedAsync(message.IdempotencyKey, message.Address, CancellationToken.None);

        Assert.Equal(PriorHandover.NotAccepted, before);
        Assert.Equal(PriorHandover.Accepted, after);
    }

    [Fact]
    public async Task AfterACrash_AnSmscWhoseStatusServiceIsDown_IsAskedAgainLater_NotSentAgain()
    {
        var message = Message("+79001234567", "текст");
        await Channel(Settings()).SendAsync(message, CancellationToken.None);
        Emulator.StatusDown = true;

        var answer = await Channel(Settings()).WasAcceptedAsync(message.IdempotencyKey, message.Address, CancellationToken.None);

        Assert.Equal(PriorHandover.AskLater, answer);
    }
}

/// <summary>The real IHttpClientFactory, as the service composes it.</summary>
internal static class HttpClients
{
    public static readonly IHttpClientFactory Factory = new ServiceCollection()
        .AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
}
