using Connector.Notifier.Sms;

namespace Connector.Notifier.Tests.Sms;

public sealed class PhoneNumberTests
{
    [Theory]
    [InlineData("+79001234567", "+79001234567")]
    [InlineData("89001234567", "+79001234567")]
    [InlineData("8 (900) 123-45-67", "+79001234567")]
    [InlineData("+7 900 123 45 67", "+79001234567")]
    [InlineData("9001234567", "+79001234567")]
    [InlineData("7-900-123-45-67", "+79001234567")]
    public void RussianMobileNumbers_InEveryShapePeopleType_BecomeE164(string typed, string expected)
    {
        Assert.True(PhoneNumber.TryNormalize(typed, out var e164, out _));
        Assert.Equal(expected, e164);
    }

    [Theory]
    [InlineData("", "номер не указан")]
    [InlineData("+7 (495) 123-45-67", "это не мобильный номер (мобильные начинаются с +79), SMS на него не дойдёт")]
    [InlineData("123-45", "нужен российский номер из 11 цифр: +7XXXXXXXXXX или 8XXXXXXXXXX")]
    [InlineData("+380501234567", "нужен российский номер из 11 цифр: +7XXXXXXXXXX или 8XXXXXXXXXX")]
    [InlineData("мамин рабочий", "в номере есть буквы")]
    public void InvalidNumbers_AreRejectedWithAReason(string typed, string reason)
    {
        Assert.False(PhoneNumber.TryNormalize(typed, out _, out var problem));
        Assert.Equal(reason, problem);
    }

    [Theory]
    [InlineData("Hello", 1)]
    [InlineData("Привет", 1)]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    public void Segments_FollowUcs2ForCyrillic(object text, int segments) =>
        Assert.Equal(segments, SmsSegments.Count(text is int n ? new string('ж', n) : (string)text));

    [Fact]
    public void Segments_FollowGsm7ForLatin()
    {
        Assert.Equal(1, SmsSegments.Count(new string('a', 160)));
        Assert.Equal(2, SmsSegments.Count(new string('a', 161)));
        Assert.Equal(2, SmsSegments.Count(new string('{', 81)));
    }
}
