using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;

namespace Connector.Delivery;

/// <summary>The channels this installation has, as the policy needs them.</summary>
internal sealed class NoticeRouting(IEnumerable<INotificationChannel> channels)
{
    private readonly Dictionary<ChannelKind, INotificationChannel> byKind = channels.ToDictionary(c => c.Kind);

    public IReadOnlyCollection<ChannelKind> Available => byKind.Keys;

    public INotificationChannel? Channel(ChannelKind kind) => byKind.GetValueOrDefault(kind);

    public INotificationChannel? Channel(string? kind) =>
        Enum.TryParse<ChannelKind>(kind, ignoreCase: true, out var parsed) ? Channel(parsed) : null;
}
