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

    /// <summary>
    /// A file's bytes as CSV reads them: UTF-8 or windows-1251 read in place (<see cref="Bytes"/>, <see cref="Encoding"/>),
    /// or, for UTF-16, the decoded <see cref="Text"/>; with what the table needs before it reads the rows.
    /// </summary>
    public sealed record Export(ReadOnlyMemory<byte> Bytes, Encoding Encoding, string? Text, string FirstLine, bool Blank, bool EndsWithLineBreak);

    /// <summary>
    /// Looks at <paramref name="bytes"/> without decoding the whole file: a UTF-16 file (rare, Excel's «Текст Юникод»)
    /// is decoded; anything else is read by the CSV reader in place, as UTF-8 when it is valid UTF-8, else as windows-1251.
    /// </summary>
    public static Export Open(byte[] bytes)
    {
        if (bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..])
        {
            var text = Decode(bytes);
            return new Export(default, Encoding.Unicode, text, "", false, false);
        }

        var body = bytes.AsMemory(bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0);
        var encoding = System.Text.Unicode.Utf8.IsValid(body.Span) ? (Encoding)StrictUtf8 : Windows1251;
        var span = body.Span;
        var firstEnd = span.IndexOf((byte)'\n');
        var firstLine = encoding.GetString(firstEnd >= 0 ? span[..firstEnd] : span);
        var blank = span.IndexOfAnyExcept(" \t\r\n"u8) < 0;
        var last = span.LastIndexOfAnyExcept(" \t"u8);
        return new Export(body, encoding, null, firstLine, blank, last >= 0 && span[last] == (byte)'\n');
    }

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
