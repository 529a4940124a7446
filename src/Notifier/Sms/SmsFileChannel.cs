using System.Text;
using Connector.Abstractions.Notifications;
using Connector.Abstractions.Schools;
using Connector.Notifier.Email;

namespace Connector.Notifier.Sms;

/// <summary>
/// SMS written as text files into <c>{pickup}/sms/</c> instead of a gateway: the demo's and a trial installation's
/// way to see every SMS without paying for one. One file per message, named by its key, so a repeat is recognised.
/// </summary>
internal sealed class SmsFileChannel(PickupDirectory pickup) : INotificationChannel
{
    private string Folder => Path.Combine(pickup.Path, "sms");

    public ChannelKind Kind => ChannelKind.Sms;

    public async Task<DeliveryResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (!PhoneNumber.TryNormalize(message.Address, out var e164, out var problem))
        {
            return DeliveryResult.Permanent($"invalid phone number: {problem}");
        }

        PrivateFiles.CreateDirectory(Folder);
        var target = PathFor(message.IdempotencyKey);
        if (File.Exists(target)) return DeliveryResult.Accepted(Path.GetFileName(target), "already written");
        var staging = target + ".tmp";
        await File.WriteAllTextAsync(staging, $"To: {e164}\nSegments: {SmsSegments.Count(message.Body)}\n\n{message.Body}\n", new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
        PrivateFiles.Restrict(staging);
        File.Move(staging, target);
        return DeliveryResult.Accepted(Path.GetFileName(target));
    }

    public Task<PriorHandover> WasAcceptedAsync(string idempotencyKey, string address, CancellationToken cancellationToken) =>
        Task.FromResult(File.Exists(PathFor(idempotencyKey)) ? PriorHandover.Accepted : PriorHandover.NotAccepted);

    public Task<string> CheckAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        return Task.FromResult($"SMS пишутся файлами в папку {Folder} (шлюз не подключён)");
    }

    private string PathFor(string key) => Path.Combine(Folder, string.Concat(key.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_')) + ".txt");
}
