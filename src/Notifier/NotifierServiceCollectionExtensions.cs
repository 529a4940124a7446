using Connector.Abstractions.Notifications;
using Connector.Notifier.Email;
using Connector.Notifier.Sms;
using Connector.Notifier.Templates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Connector.Notifier;

/// <summary>Registers the notifier's channels and templates.</summary>
public static class NotifierServiceCollectionExtensions
{
    /// <summary>
    /// Adds the e-mail channel over the transport <see cref="EmailOptions.Transport"/> names, the SMS channel of
    /// <paramref name="smsGateway"/> (none for <see cref="SmsGatewayKind.None"/>), and the templates in
    /// <paramref name="templateDirectory"/>. Relative paths in the options start at <paramref name="baseDirectory"/>.
    /// </summary>
    public static IServiceCollection AddNotifier(this IServiceCollection services, string baseDirectory, string templateDirectory, SmsGatewayKind smsGateway)
    {
        services.AddSingleton(new MessageTemplates(templateDirectory));
        services.AddSingleton(sp => new PickupDirectory(
            Path.GetFullPath(sp.GetRequiredService<IOptions<EmailOptions>>().Value.PickupDirectory, baseDirectory)));
        services.AddSingleton<SmtpEmailTransport>();
        services.AddSingleton<PickupFolderEmailTransport>();
        services.AddSingleton<IEmailTransport>(sp => sp.GetRequiredService<IOptions<EmailOptions>>().Value.Transport switch
        {
            EmailTransportKind.Smtp => sp.GetRequiredService<SmtpEmailTransport>(),
            _ => sp.GetRequiredService<PickupFolderEmailTransport>(),
        });
        services.AddSingleton<INotificationChannel, EmailChannel>();
        switch (smsGateway)
        {
            case SmsGatewayKind.SmsRu:
                services.AddHttpClient(SmsGatewayChannel.ClientName);
                services.AddSingleton<INotificationChannel, SmsRuChannel>();
                break;
            case SmsGatewayKind.File:
                services.AddSingleton<INotificationChannel, SmsFileChannel>();
                break;
            case SmsGatewayKind.Smsc:
                services.AddHttpClient(SmsGatewayChannel.ClientName);
                services.AddSingleton<INotificationChannel, SmscChannel>();
                break;
        }

        return services;
    }
}
