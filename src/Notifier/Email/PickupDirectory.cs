namespace Connector.Notifier.Email;

/// <summary>The resolved, absolute pickup folder.</summary>
public sealed record PickupDirectory(string Path);
