namespace Connector.Cli;

/// <summary>The process's exit codes, for scripts and systemd.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Unexpected = 1;
    public const int Configuration = 2;
    /// <summary>A journal or the mail server could not be reached.</summary>
    public const int Unreachable = 3;
    public const int DeliveryIncomplete = 4;
    /// <summary>Another runner holds the installation lock.</summary>
    public const int Busy = 5;
}
