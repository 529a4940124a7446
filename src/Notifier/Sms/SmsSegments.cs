namespace Connector.Notifier.Sms;

/// <summary>
/// How many SMS a text costs: GSM-7 text fits 160 characters in one message and 153 per part; any Cyrillic
/// letter makes it UCS-2, 70 in one message and 67 per part.
/// </summary>
public static class SmsSegments
{
    private const string Gsm7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private const string Gsm7Extended = "^{}\\[~]|€";

    public static int Count(string text)
    {
        if (text.Length == 0) return 0;
        if (text.All(c => Gsm7.Contains(c) || Gsm7Extended.Contains(c)))
        {
            var units = text.Sum(c => Gsm7Extended.Contains(c) ? 2 : 1);
            return units <= 160 ? 1 : (units + 152) / 153;
        }

        return text.Length <= 70 ? 1 : (text.Length + 66) / 67;
    }
}
