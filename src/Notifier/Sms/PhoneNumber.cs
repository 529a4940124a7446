using PhoneNumbers;

namespace Connector.Notifier.Sms;

/// <summary>
/// Russian mobile numbers in E.164 (+79XXXXXXXXX), read with libphonenumber (Google's numbering plan data). Journals
/// hold them in every shape people type: "8 (912) 345-67-89", "+7 912 3456789", "9123456789".
/// </summary>
public static class PhoneNumber
{
    private static readonly PhoneNumberUtil Numbers = PhoneNumberUtil.GetInstance();

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

        // libphonenumber reads letters as a keypad's digits ("8-800-FLOWERS"); in a journal they are a note, not a number.
        if (text.Any(char.IsLetter))
        {
            problem = "в номере есть буквы";
            return false;
        }

        PhoneNumbers.PhoneNumber number;
        try
        {
            // Ten digits without a prefix are a Russian number written without its 8 or +7.
            var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
            number = Numbers.Parse(digits.Length == 10 && !text.TrimStart().StartsWith('+') ? "8" + digits : text, "RU");
        }
        catch (NumberParseException)
        {
            problem = "нужен российский номер из 11 цифр: +7XXXXXXXXXX или 8XXXXXXXXXX";
            return false;
        }

        if (number.CountryCode != 7 || Numbers.GetRegionCodeForNumber(number) is not ("RU" or null) || !Numbers.IsPossibleNumber(number)
            || Numbers.GetNationalSignificantNumber(number).Length != 10)
        {
            problem = "нужен российский номер из 11 цифр: +7XXXXXXXXXX или 8XXXXXXXXXX";
            return false;
        }

        if (Numbers.GetNumberType(number) is not (PhoneNumberType.MOBILE or PhoneNumberType.FIXED_LINE_OR_MOBILE))
        {
            problem = "это не мобильный номер (мобильные начинаются с +79), SMS на него не дойдёт";
            return false;
        }

        e164 = Numbers.Format(number, PhoneNumberFormat.E164);
        return true;
    }
}
