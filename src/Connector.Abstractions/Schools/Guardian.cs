namespace Connector.Abstractions.Schools;

/// <summary>A parent or other legal representative of a pupil.</summary>
/// <param name="Id">The journal's own id of the guardian.</param>
/// <param name="FullName">Full name, used in the greeting of a message.</param>
/// <param name="Email">E-mail address, or null when the journal has none.</param>
/// <param name="Phone">Phone number in E.164 form (+7…), or null.</param>
/// <param name="PreferredChannel">The channel the guardian asked to be told by, if any.</param>
public sealed record Guardian(
    string Id,
    string FullName,
    string? Email,
    string? Phone,
    ChannelKind? PreferredChannel = null);
