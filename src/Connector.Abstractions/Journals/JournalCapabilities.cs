namespace Connector.Abstractions.Journals;

/// <summary>What a journal adapter can do.</summary>
/// <param name="CanWriteFlags">Whether flags can be written back to the journal.</param>
/// <param name="HasGuardianContacts">Whether the roster carries guardians' e-mails and phones.</param>
public sealed record JournalCapabilities(bool CanWriteFlags, bool HasGuardianContacts);
