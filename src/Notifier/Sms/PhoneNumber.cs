namespace Connector.Notifier.Sms;

/// <summary>
/// Russian mobile numbers in E.164 (+79XXXXXXXXX). Journals hold them in every shape people type:
/// "8 (912) 345-67-89", "+7 912 3456789", "9123456789".
/// </summary>
public static class PhoneNumber
{
    /// <summary>Normalises <paramref name="text"/>; on failure <paramref name="problem"/> says what is wrong, in Russian, for staff.</summary>
    public static bool TryNormalize(string? text, out string e164, out string problem)
    {
        e164 = "";
        problem = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "номер не указан";
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed.Any(c => char.IsLetter(c)))
        {
            problem = "в номере есть буквы";
            return false;
        }

        var digits = new string(trimmed.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length == 10) digits = "7" + digits;
        else if (digits.Length == 11 && digits[0] == '8' && !trimmed.StartsWith('+')) digits = "7" + digits[1..];

        if (digits.Length != 11 || digits[0] != '7')
        {
            problem = "нужен российский номер из 11 цифр: +7XXXXXXXXXX или 8XXXXXXXXXX";
            return false;
        }

        if (digits[1] != '9')
        {
            problem = "это не мобильный номер (мобильные начинаются с +79), SMS на него не дойдёт";
            return false;
        }

        e164 = "+" + digits;
        return true;
    }
}
