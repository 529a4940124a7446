namespace Connector.Abstractions.Attendance;

/// <summary>The canonical reason of an absence, whatever the journal's own code.</summary>
public enum AbsenceReason
{
    /// <summary>No reason recorded yet («причина не выяснена»): what the same-day notice is about.</summary>
    NoneRecorded,

    /// <summary>Illness (Б). A valid reason; health details are never stored beyond this category.</summary>
    Illness,

    /// <summary>Excused for another valid reason (УП), or exempt (ОСВ).</summary>
    Excused,

    /// <summary>Without a valid reason (НП).</summary>
    Unexcused,
}
