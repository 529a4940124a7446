using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;
using Connector.Notifier.Sms;

namespace Connector.Delivery;

/// <summary>
/// Which channels may reach a guardian, in the order to try them: the guardian's preferred channel, then the
/// school's default, then the other. A channel is left out when the guardian has no usable address for it, opted
/// out of it, or the installation has no such channel. The next channel in the order is the fallback after a
/// permanent failure.
/// </summary>
internal static class ChannelPolicy
{
    public static IReadOnlyList<ChannelKind> Order(GuardianContact guardian, ChannelKind schoolDefault, IReadOnlyCollection<ChannelKind> available)
    {
        var order = new List<ChannelKind>();
        foreach (var channel in new[] { guardian.Preferred ?? schoolDefault, schoolDefault, ChannelKind.Email, ChannelKind.Sms })
        {
            if (!order.Contains(channel) && available.Contains(channel) && !guardian.OptedOut.Contains(channel) && guardian.AddressFor(channel) is not null)
            {
                order.Add(channel);
            }
        }

        return order;
    }

    /// <summary>Why nobody can be reached, in Russian for staff: what was tried.</summary>
    public static string WhyUnreachable(GuardianContact guardian, IReadOnlyCollection<ChannelKind> available)
    {
        var reasons = new List<string>();
        foreach (var channel in new[] { ChannelKind.Email, ChannelKind.Sms })
        {
            var name = channel == ChannelKind.Email ? "e-mail" : "SMS";
            if (!available.Contains(channel)) reasons.Add($"{name}: канал не настроен");
            else if (guardian.OptedOut.Contains(channel)) reasons.Add($"{name}: представитель отказался");
            else if (channel == ChannelKind.Email && guardian.Email is null) reasons.Add("e-mail: адрес не указан или неверен");
            else if (channel == ChannelKind.Sms && guardian.PhoneProblem is { } problem) reasons.Add($"SMS: {problem}");
        }

        return string.Join("; ", reasons);
    }
}

/// <summary>A guardian's contacts as the policy sees them: valid addresses only.</summary>
internal sealed record GuardianContact(string? Email, string? Phone, string? PhoneProblem, ChannelKind? Preferred, IReadOnlySet<ChannelKind> OptedOut)
{
    public string? AddressFor(ChannelKind channel) => channel == ChannelKind.Email ? Email : Phone;

    public static GuardianContact From(string? email, string? phone, string? preferred, IEnumerable<string> optedOut)
    {
        var validEmail = email is not null && EmailAddress.IsValid(email) ? email : null;
        var normalized = PhoneNumber.TryNormalize(phone, out var e164, out var problem);
        return new GuardianContact(
            validEmail,
            normalized ? e164 : null,
            normalized ? null : problem,
            Enum.TryParse<ChannelKind>(preferred, ignoreCase: true, out var p) ? p : null,
            optedOut.Select(c => Enum.Parse<ChannelKind>(c, ignoreCase: true)).ToHashSet());
    }
}
