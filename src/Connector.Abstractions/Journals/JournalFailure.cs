namespace Connector.Abstractions.Journals;

/// <summary>Why a journal could not be used, and so what to do about it.</summary>
public enum JournalFailure
{
    /// <summary>Timeouts, 5xx, dropped connections, a busy file: retrying later can help.</summary>
    Transient,

    /// <summary>The credentials were refused, or the login method is not allowed: a person must act.</summary>
    Authentication,

    /// <summary>The settings are wrong (no such folder, no such school): a person must act.</summary>
    Configuration,

    /// <summary>The journal answered in a shape the adapter does not understand: the adapter may need updating.</summary>
    ContractChanged,

    /// <summary>The journal refused this one write for good (it will refuse it again): the write is given up and shown to staff.</summary>
    Refused,
}
