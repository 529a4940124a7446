using Connector.Abstractions.Schools;
using Connector.Delivery;

namespace Connector.Tests.Delivery;

public sealed class ChannelPolicyTests
{
    private static readonly ChannelKind[] Both = [ChannelKind.Email, ChannelKind.Sms];

    [Fact]
    public void ThePreferredChannelComesFirst_TheOtherIsTheFallback() =>
        Assert.Equal([ChannelKind.Sms, ChannelKind.Email], ChannelPolicy.Order(Contact("m@example.com", "89001112233", preferred: "sms"), ChannelKind.Email, Both));

    [Fact]
    public void WithoutAPreference_TheSchoolDefaultComesFirst() =>
        Assert.Equal([ChannelKind.Sms, ChannelKind.Email], ChannelPolicy.Order(Contact("m@example.com", "89001112233"), ChannelKind.Sms, Both));

    [Fact]
    public void NoEmail_MeansSms() =>
        Assert.Equal([ChannelKind.Sms], ChannelPolicy.Order(Contact(null, "+79001112233", preferred: "email"), ChannelKind.Email, Both));

    [Fact]
    public void AnOptOut_RemovesTheChannel() =>
        Assert.Equal([ChannelKind.Email], ChannelPolicy.Order(Contact("m@example.com", "+79001112233", preferred: "sms", optedOut: "Sms"), ChannelKind.Email, Both));

    [Fact]
    public void AChannelTheInstallationLacks_IsNotOffered() =>
        Assert.Empty(ChannelPolicy.Order(Contact(null, "+79001112233"), ChannelKind.Email, [ChannelKind.Email]));

    [Fact]
    public void Unreachable_SaysWhatWasTried_InRussian()
    {
        var contact = Contact("not-an-address", "+7 (495) 123-45-67");

        Assert.Empty(ChannelPolicy.Order(contact, ChannelKind.Email, Both));
        Assert.Equal("e-mail: адрес не указан или неверен; SMS: это не мобильный номер (мобильные начинаются с +79), SMS на него не дойдёт",
            ChannelPolicy.WhyUnreachable(contact, Both));
    }

    private static GuardianContact Contact(string? email, string? phone, string? preferred = null, string? optedOut = null) =>
        GuardianContact.From(email, phone, preferred, optedOut is null ? [] : [optedOut]);
}
