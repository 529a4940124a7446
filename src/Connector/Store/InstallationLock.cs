namespace Connector.Store;

/// <summary>
/// One installation, one runner: an operating-system lock on <c>connector.lock</c> in the data folder, held by
/// <c>run</c>, <c>once</c> and <c>demo</c> for as long as they run, and released by the system when the process ends,
/// however it ends. A second runner is refused; the staff commands (case, consent, digest) need no lock, since each of
/// their writes is one transaction.
/// </summary>
internal sealed class InstallationLock : IDisposable
{
    public const string FileName = "connector.lock";

    private readonly FileStream? stream;

    private InstallationLock(FileStream? stream) => this.stream = stream;

    /// <summary>
    /// No lock: on a PostgreSQL store several runners (nodes) share the installation by design, each school's work on
    /// one of them at a time, and a message is claimed by one runner with a lease (README, "Beyond one machine").
    /// </summary>
    public static InstallationLock Shared { get; } = new(null);

    /// <summary>Takes the lock, or returns null when another process holds it.</summary>
    public static InstallationLock? TryAcquire(string dataDirectory)
    {
        // The data folder holds children's personal data: made for the service alone, like the database.
        Notifier.PrivateFiles.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        try
        {
            // FileShare.None is an exclusive lock (flock on Unix, a share lock on Windows), dropped when the process dies.
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new InstallationLock(stream);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => stream?.Dispose();
}
