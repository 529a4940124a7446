namespace Connector.Abstractions.Journals;

/// <summary>What a journal adapter can do.</summary>
/// <param name="CanWriteFlags">Whether flags can be written back to the journal.</param>
/// <param name="HasGuardianContacts">Whether the roster carries guardians' e-mails and phones.</param>
/// <param name="RosterReadIsCheap">Whether the roster may be read at every poll (a folder of files), so that a fixed export takes effect at once; otherwise it is read once a day and when a mark names a pupil the store does not know.</param>
/// <param name="FarReadIsCheap">
/// Whether reading back to the notice horizon costs little more than the usual window (a folder of files, read whole
/// anyway), so that the first poll of each day reads that far and finds absences entered weeks late; otherwise every
/// poll reads LookbackDays only (a journal server pays a request for each lesson further back).
/// </param>
public sealed record JournalCapabilities(bool CanWriteFlags, bool HasGuardianContacts, bool RosterReadIsCheap = false, bool FarReadIsCheap = false);
