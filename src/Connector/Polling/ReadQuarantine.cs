namespace Connector.Polling;

/// <summary>Why a read of the journal decides nothing.</summary>
internal enum QuarantineKind
{
    /// <summary>Rows could not be read whole (a file cut off or malformed while being written).</summary>
    Unreadable,

    /// <summary>The read lost a large share of what the store holds.</summary>
    Lost,

    /// <summary>The roster read with it was quarantined, and the marks were read against that roster.</summary>
    RosterQuarantined,
}

/// <summary>
/// A read of one school's journal that is not trusted, with what a member of staff needs to know: which source,
/// why, in Russian, and a fingerprint that is the same for the same loss, so that a loss that persists can be
/// confirmed.
/// </summary>
/// <param name="Source">"attendance" or "roster".</param>
/// <param name="Kind">Why.</param>
/// <param name="Description">The reason in Russian, for the digest and the command line; never a cell of the data.</param>
/// <param name="Fingerprint">Equal for the same set of lost or unreadable records.</param>
internal sealed record ReadQuarantine(string Source, QuarantineKind Kind, string Description, string Fingerprint)
{
    public const string Attendance = "attendance";
    public const string Roster = "roster";

    /// <summary>Only a loss can be confirmed by time; unreadable rows must be fixed.</summary>
    public bool Confirmable => Kind == QuarantineKind.Lost;
}
