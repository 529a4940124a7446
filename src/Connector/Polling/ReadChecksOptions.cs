namespace Connector.Polling;

/// <summary>
/// How a school's read of its journal is judged before anything is decided from it (<c>Schools:N:ReadChecks</c>).
/// </summary>
public sealed class ReadChecksOptions
{
    /// <summary>
    /// The share of what the store holds for a date (lessons with attendance taken, absences) or of the roster
    /// (pupils, guardians with a contact) that a read may lose before it is quarantined. Two lost items are always
    /// allowed, so that a teacher's correction of one or two marks goes through at once.
    /// </summary>
    public int MaxLostPercent { get; set; } = 20;

    /// <summary>
    /// A read quarantined for what it lost is taken as the journal's truth when every poll over this many minutes
    /// lost exactly the same (a class's marks deleted on purpose), and not before. A read with rows that could not
    /// be read whole is never taken.
    /// </summary>
    public int ConfirmLossMinutes { get; set; } = 60;

    /// <summary>
    /// An absence that a read no longer lists (where a missing row means present) is taken as present after it stayed
    /// missing this many minutes; until then it is neither notified nor corrected. A file cut exactly at a line
    /// break looks whole, and this is what keeps it from telling a parent «ребёнок был на уроке».
    /// </summary>
    public int ConfirmVanishedMinutes { get; set; } = 60;
}
