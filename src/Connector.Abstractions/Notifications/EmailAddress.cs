using MimeKit;

namespace Connector.Abstractions.Notifications;

/// <summary>Whether a text is one e-mail address a message can be sent to, as MimeKit (which sends it) reads addresses.</summary>
public static class EmailAddress
{
    public static bool IsValid(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Trim() != text) return false;
        if (!MailboxAddress.TryParse(ParserOptions.Default, text, out var mailbox)) return false;
        // Only a bare address: no display name, no route, one local part and a domain with a dot.
        var at = mailbox.Address.LastIndexOf('@');
        return string.IsNullOrEmpty(mailbox.Name) && mailbox.Route.Count == 0 && mailbox.Address == text
            && at > 0 && mailbox.Address.IndexOf('@') == at && mailbox.Address[(at + 1)..].Contains('.', StringComparison.Ordinal)
            && !mailbox.Address.EndsWith('.');
    }
}
