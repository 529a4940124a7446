namespace Connector.Abstractions.Attendance;

/// <summary>Whether the pupil was in the lesson.</summary>
public enum Presence
{
    /// <summary>In the lesson.</summary>
    Present,

    /// <summary>Not in the lesson.</summary>
    Absent,

    /// <summary>Came late (ОП); counts as present for absence rules.</summary>
    Late,
}
