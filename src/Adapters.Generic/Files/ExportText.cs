using System.Text;

namespace Connector.Adapters.Generic.Files;

/// <summary>
/// The text of an export file whatever program saved it: UTF-8 with or without a byte-order mark, UTF-16 with one
/// (Excel's «Текст Юникод»), or windows-1251, which Excel writes as «CSV (разделители — точки с запятой)» in a
/// Russian locale. Bytes that are valid UTF-8 are read as UTF-8; anything else is windows-1251.
/// </summary>
internal static class ExportText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static ExportText() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Reads <paramref name="path"/> and says which encoding it was in.</summary>
    public static (string Text, string EncodingName) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return Decode(bytes);
    }

    public static (string Text, string EncodingName) Decode(byte[] bytes)
    {
        if (bytes is [0xEF, 0xBB, 0xBF, ..]) return (Utf8OrCp1251(bytes.AsSpan(3), out var name), name);
        if (bytes is [0xFF, 0xFE, ..]) return (Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2), "utf-16");
        if (bytes is [0xFE, 0xFF, ..]) return (Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2), "utf-16be");
        return (Utf8OrCp1251(bytes, out var encoding), encoding);
    }

    private static string Utf8OrCp1251(ReadOnlySpan<byte> bytes, out string name)
    {
        try
        {
            name = "utf-8";
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            name = "windows-1251";
            return Encoding.GetEncoding(1251).GetString(bytes);
        }
    }
}
