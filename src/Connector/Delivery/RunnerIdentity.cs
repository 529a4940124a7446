namespace Connector.Delivery;

/// <summary>
/// This process as the outbox knows it. A message it claims carries its id and a lease; a message left "sending"
/// is taken back only from a process that is gone: any other claimant's once this process holds the installation
/// lock (no other runner can be alive), otherwise only once the claim's lease (Delivery:ClaimLeaseSeconds) ran out.
/// </summary>
internal sealed class RunnerIdentity
{
    /// <summary>Host, process and a random part, so that a restarted process with a reused pid is another runner.</summary>
    public string Id { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>True once this process holds the installation lock (<see cref="Store.InstallationLock"/>).</summary>
    public bool HoldsInstallationLock { get; set; }
}
