using System.Text.RegularExpressions;

namespace Connector.Diagnostics;

/// <summary>
/// Takes contacts out of text that came from a server (an SMTP reply quotes the recipient, a gateway may quote the
/// number) before it reaches a log line above Debug.
/// </summary>
internal static partial class Redact
{
    public static string Contacts(string? text) =>
        text is null ? "" : Phone().Replace(Email().Replace(text, "<e-mail>"), "<телефон>");

    [GeneratedRegex(@"<?[^\s<>""'(),;:]+@[^\s<>""'(),;:]+>?")]
    private static partial Regex Email();

    [GeneratedRegex(@"\+?\d[\d\s()\-]{8,}\d")]
    private static partial Regex Phone();
}
