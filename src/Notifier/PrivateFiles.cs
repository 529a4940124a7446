namespace Connector.Notifier;

/// <summary>
/// Files that hold children's personal data (the database, e-mails and SMS written to folders) are readable by the
/// service's own user alone: folders 0700, files 0600 on Unix. Windows folders inherit the ACL of the install folder.
/// </summary>
public static class PrivateFiles
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> for the service alone, or tightens it where it exists (missing parents get the default mode).</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, FolderMode);
        if ((File.GetUnixFileMode(path) & ~FolderMode) != 0) File.SetUnixFileMode(path, FolderMode);
    }

    /// <summary>Makes an existing file readable by the service alone.</summary>
    public static void Restrict(string file)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(file)) File.SetUnixFileMode(file, FileMode);
    }

    /// <summary>Creates an empty file for the service alone, unless it exists.</summary>
    public static void Touch(string file)
    {
        if (File.Exists(file))
        {
            Restrict(file);
            return;
        }

        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode;
        try
        {
            using var _ = new FileStream(file, options);
        }
        catch (IOException) when (File.Exists(file))
        {
            // Another process made it first.
        }
    }
}
