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

    /// <summary>windows-1251, as Excel in a Russian locale writes CSV.</summary>
    public static Encoding Windows1251 => Encoding.GetEncoding(1251);

    /// <summary>Reads the text of <paramref name="path"/>, whatever the encoding it was saved in.</summary>
    public static string Read(string path) => Decode(File.ReadAllBytes(path));

    public static string Decode(byte[] bytes) => bytes switch
    {
        [0xEF, 0xBB, 0xBF, ..] => Utf8OrCp1251(bytes.AsSpan(3)),
        [0xFF, 0xFE, ..] => Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2),
        [0xFE, 0xFF, ..] => Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2),
        _ => Utf8OrCp1251(bytes),
    };

    private static string Utf8OrCp1251(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Windows1251.GetString(bytes);
        }
    }
}
