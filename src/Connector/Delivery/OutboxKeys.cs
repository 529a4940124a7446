using Connector.Store;

namespace Connector.Delivery;

/// <summary>The natural keys of outbox messages: the same decision always yields the same key.</summary>
internal static class OutboxKeys
{
    public static string Absence(string schoolId, string guardianId, DateOnly date, string? channel) =>
        $"absence:{schoolId}:{guardianId}:{StoreTime.Format(date)}:{channel?.ToLowerInvariant() ?? "none"}";
}
