namespace Connector.Abstractions.Journals;

/// <summary>
/// What an adapter learnt about a remote server and keeps across restarts: which of the protocol variants a server
/// answers, so that a restart does not search for them again. Kept in the service's store; holds no personal data.
/// </summary>
public interface IAdapterMemory
{
    /// <summary>Everything remembered under <paramref name="scope"/> (e.g. "sgo https://sgo.edu-74.ru/").</summary>
    Task<IReadOnlyDictionary<string, string>> RecallAsync(string scope, CancellationToken cancellationToken);

    /// <summary>Remembers one value under <paramref name="scope"/>, replacing what was there.</summary>
    Task RememberAsync(string scope, string key, string value, CancellationToken cancellationToken);
}
