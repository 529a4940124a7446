using System.Text;
using Connector.Abstractions.Notifications;
using Microsoft.Extensions.Options;

namespace Connector.Notifier.Email;

/// <summary>
/// Writes each e-mail as an .eml file named after its idempotency key, atomically (written aside, then moved in),
/// so that after a crash the file's presence says exactly whether the message went: no repeat, no loss.
/// </summary>
internal sealed class PickupFolderEmailTransport(IOptions<EmailOptions> options, PickupDirectory directory, TimeProvider time) : IEmailTransport
{
    public async Task<DeliveryResult> SendAsync(EmailEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!EmailAddress.IsValid(envelope.To))
        {
            return DeliveryResult.Permanent("the recipient's address is not a valid e-mail address");
        }

        var target = PathFor(envelope.IdempotencyKey);
        if (File.Exists(target))
        {
            return DeliveryResult.Accepted(envelope.MessageId, "already in the pickup folder");
        }

        // Written whole aside (in memory first, then one file for the service alone), then moved in: the target
        // appears complete or not at all.
        var staging = Path.Combine(directory.Path, ".staging");
        var written = Path.Combine(staging, $"{Guid.NewGuid():N}.eml");
        try
        {
            PrivateFiles.CreateDirectory(directory.Path);
            PrivateFiles.CreateDirectory(staging);
            using var buffer = new MemoryStream();
            using (var message = MimeMessageFactory.Create(envelope, options.Value, time.GetUtcNow()))
            {
                await message.WriteToAsync(buffer, cancellationToken).ConfigureAwait(false);
            }

            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = 0 };
            if (!OperatingSystem.IsWindows()) create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var file = new FileStream(written, create))
            {
                file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            }

            File.Move(written, target, overwrite: false);
            return DeliveryResult.Accepted(envelope.MessageId, Path.GetFileName(target));
        }
        catch (IOException ex)
        {
            return DeliveryResult.Transient($"could not write to the pickup folder: {ex.Message}");
        }
        catch (UnauthorizedAccessException)
        {
            return DeliveryResult.Configuration($"{EmailOptions.SectionName}:PickupDirectory: no permission to write to '{directory.Path}'");
        }
        finally
        {
            if (File.Exists(written)) File.Delete(written);
        }
    }

    public Task<bool?> WasAcceptedAsync(string idempotencyKey, CancellationToken cancellationToken) =>
        Task.FromResult<bool?>(File.Exists(PathFor(idempotencyKey)));

    public Task<string> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(directory.Path);
            var probe = Path.Combine(directory.Path, $".check-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return Task.FromResult($"письма пишутся файлами .eml в папку {directory.Path}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{EmailOptions.SectionName}:PickupDirectory: cannot write to '{directory.Path}': {ex.Message}", ex);
        }
    }

    /// <summary>The file an e-mail with this key lands in.</summary>
    public string PathFor(string idempotencyKey)
    {
        var name = new StringBuilder(idempotencyKey.Length);
        foreach (var c in idempotencyKey)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_');
        }

        return Path.Combine(directory.Path, name + ".eml");
    }
}
