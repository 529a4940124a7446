using Connector.Notifier.Templates;

namespace Connector.Notifier.Tests.Templates;

public sealed class RussianTextTests
{
    [Theory]
    [InlineData(1, "урок")]
    [InlineData(2, "урока")]
    [InlineData(4, "урока")]
    [InlineData(5, "уроков")]
    [InlineData(11, "уроков")]
    [InlineData(12, "уроков")]
    [InlineData(21, "урок")]
    [InlineData(22, "урока")]
    [InlineData(111, "уроков")]
    public void Plural_ChoosesTheRussianForm(int count, string expected) =>
        Assert.Equal(expected, RussianText.Plural(count, "урок", "урока", "уроков"));

    [Fact]
    public void Names_AreAddressedTheWayASchoolWritesToParents()
    {
        Assert.Equal("Иван Петров", RussianText.FirstAndLastName("Петров Иван Сергеевич"));
        Assert.Equal("Мария Ивановна", RussianText.Greeting("Петрова Мария Ивановна"));
        Assert.Equal("Ученица", RussianText.PupilNoun("Сидорова Анна Олеговна"));
        Assert.Equal("Ученик", RussianText.PupilNoun("Петров Иван Сергеевич"));
        Assert.Equal("Ученик (ученица)", RussianText.PupilNoun("Ким Саша"));
    }

    [Fact]
    public void Dates_AreInTheGenitive() =>
        Assert.Equal(("1 декабря 2026 г.", "вторник"), (RussianText.Date(new DateOnly(2026, 12, 1)), RussianText.Weekday(new DateOnly(2026, 12, 1))));
}
