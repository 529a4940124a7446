using Connector.Abstractions.Notifications;
using Connector.Notifier.Email;
using Microsoft.Extensions.Options;

namespace Connector.Notifier.Tests.Email;

public sealed class PickupFolderEmailTransportTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("connector-pickup-").FullName;

    [Fact]
    public async Task Send_WritesOneEmlPerKey_AndTheSameKeyTwiceStaysOneFile()
    {
        var transport = Transport();
        var envelope = new EmailEnvelope("<id@connector.local>", "absence:school-1:g1:2026-11-09:email", "maria@example.com", null, "Тема", "Текст письма", null);

        Assert.False(await transport.WasAcceptedAsync(envelope.IdempotencyKey, CancellationToken.None));
        var first = await transport.SendAsync(envelope, CancellationToken.None);
        var second = await transport.SendAsync(envelope, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Accepted, first.Outcome);
        Assert.Equal(DeliveryOutcome.Accepted, second.Outcome);
        var file = Assert.Single(Directory.GetFiles(folder, "*.eml"));
        Assert.Equal("absence_school-1_g1_2026-11-09_email.eml", Path.GetFileName(file));
        Assert.True(await transport.WasAcceptedAsync(envelope.IdempotencyKey, CancellationToken.None));
        var text = await File.ReadAllTextAsync(file);
        Assert.Contains("To: maria@example.com", text, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(folder, ".staging")));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public async Task Check_SaysWhereTheFilesGo() =>
        Assert.Contains(folder, await Transport().CheckAsync(CancellationToken.None), StringComparison.Ordinal);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private PickupFolderEmailTransport Transport() => new(
        Options.Create(new EmailOptions { From = "attendance@school1.example", PickupDirectory = folder }),
        new PickupDirectory(folder),
        TimeProvider.System);
}
