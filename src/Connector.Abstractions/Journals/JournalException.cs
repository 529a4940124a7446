namespace Connector.Abstractions.Journals;

/// <summary>A journal could not be read or written. The message names the school's setting or the remote answer at fault.</summary>
public sealed class JournalException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JournalException(JournalFailure failure, string message, Exception? innerException = null)
        : base(message, innerException) => Failure = failure;

    /// <summary>Creates a transient failure.</summary>
    public JournalException() : this(JournalFailure.Transient, "The journal could not be reached.") { }

    /// <summary>Creates a transient failure with a message.</summary>
    public JournalException(string message) : this(JournalFailure.Transient, message) { }

    /// <summary>Creates a transient failure with a message and a cause.</summary>
    public JournalException(string message, Exception innerException) : this(JournalFailure.Transient, message, innerException) { }

    /// <summary>Why it failed.</summary>
    public JournalFailure Failure { get; }

    /// <summary>True when retrying later can help.</summary>
    public bool IsTransient => Failure == JournalFailure.Transient;
}
