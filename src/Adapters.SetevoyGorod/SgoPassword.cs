using System.Security.Cryptography;
using System.Text;

namespace Connector.Adapters.SetevoyGorod;

/// <summary>
/// The password proof SGO's login form expects (SGO_API.md §2.2): pw2 = md5hex(salt + md5hex(password in windows-1251)),
/// lowercase hex, and PW = pw2 cut to the password's length.
/// </summary>
public static class SgoPassword
{
    private static readonly Encoding Windows1251 = LoadWindows1251();

    /// <summary>The inner hash: lowercase hex MD5 of the password encoded as windows-1251.</summary>
    public static string InnerHash(string password) => Md5Hex(Windows1251.GetBytes(password));

    /// <summary>pw2 for a salt and a password.</summary>
    public static string Pw2(string salt, string password) => Md5Hex(Encoding.ASCII.GetBytes(salt + InnerHash(password)));

    /// <summary>PW: pw2 cut to the number of characters of the password.</summary>
    public static string Pw(string pw2, string password) => pw2[..Math.Min(password.Length, pw2.Length)];

    /// <summary>True when the password has a character windows-1251 cannot hold (it would hash to '?' and never match).</summary>
    public static bool IsEncodable(string password)
    {
        try
        {
            var strict = (Encoding)Windows1251.Clone();
            strict.EncoderFallback = EncoderFallback.ExceptionFallback;
            _ = strict.GetBytes(password);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    private static string Md5Hex(byte[] bytes)
    {
#pragma warning disable CA5351 // MD5 is what the remote protocol requires; it protects nothing here beyond what SGO itself does.
        return Convert.ToHexStringLower(MD5.HashData(bytes));
#pragma warning restore CA5351
    }

    private static Encoding LoadWindows1251()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1251);
    }
}
