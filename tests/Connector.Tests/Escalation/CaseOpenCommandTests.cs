using Connector.Testing;

namespace Connector.Tests.Escalation;

/// <summary><c>connector case open</c>: a case on a staff member's representation, where the profile's order provides for one.</summary>
public sealed class CaseOpenCommandTests : IDisposable
{
    private static readonly DateOnly Monday = new(2026, 12, 7);
    private static readonly Dictionary<string, string> MondayEvening = new() { ["CONNECTOR_NOW"] = "2026-12-07T16:00:00+03:00" };
    private readonly TestInstallation install = new();

    [Fact]
    public async Task Order002_4_1_1_TheClassTeachersRepresentation_OpensACase_WithTheCouncilDueInTenDays()
    {
        install.School["Profile"] = "volsk";
        await PolledAsync();

        var opened = await install.RunAsync(MondayEvening, "case", "open", "--school", "school-1", "--pupil", "p1",
            "--representation", "Пропуски без уважительной причины, родители не реагируют", "--by", "Белова И. В.");
        var shown = await install.RunAsync(MondayEvening, "case", "show", "--school", "school-1", "--case", "1");
        var again = await install.RunAsync(MondayEvening, "case", "open", "--school", "school-1", "--pupil", "p1", "--representation", "Ещё раз");

        Assert.Equal(0, opened.ExitCode);
        Assert.Equal(
            "Открыт случай № 1: Петров Иван Сергеевич, 7Б класс, по представлению.\n" +
            "Следующий шаг: «Рассмотрение представления Советом профилактики с участием обучающегося и родителей», ответственный зам. директора по ВР (не назначен), срок 17.12.2026.\n",
            opened.Output.ReplaceLineEndings("\n"));
        Assert.Contains("Открыт по представлению (Белова И. В.): Пропуски без уважительной причины, родители не реагируют.", shown.Output, StringComparison.Ordinal);
        Assert.Contains("1. Обоснованное представление классного руководителя в Совет профилактики (приложение № 2) — ", shown.Output, StringComparison.Ordinal);
        Assert.Contains("выполнено: Пропуски без уважительной причины, родители не реагируют (Белова И. В.). [002 §4.1.1; срок порядком не установлен, срок школы — 5 рабочих дней]", shown.Output, StringComparison.Ordinal);
        Assert.Equal(2, again.ExitCode);
        Assert.EndsWith("\nУ ученика уже есть открытый случай № 1: запишите представление как итог его шага (connector case record --case 1).\n", again.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARepresentationInTheMiddleOfALadder_SkipsTheStepsThatLedToIt_AndTheCouncilIsNext()
    {
        install.School["Profile"] = "default";
        await PolledAsync();

        var opened = await install.RunAsync(MondayEvening, "case", "open", "--school", "school-1", "--pupil", "p1", "--representation", "Пропуски, родители не реагируют");
        var shown = await install.RunAsync(MondayEvening, "case", "show", "--school", "school-1", "--case", "1");

        Assert.Equal(0, opened.ExitCode);
        Assert.EndsWith("Следующий шаг: «Рассмотрение представления Советом профилактики», ответственный зам. директора по ВР (не назначен), срок 10.12.2026.\n",
            opened.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("  3. Представление в Совет профилактики — ", shown.Output, StringComparison.Ordinal);
        Assert.Contains("  4. Рассмотрение представления Советом профилактики — ", shown.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Выяснить у родителей", shown.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProfileWhoseOrderHasNoRepresentation_RefusesIt_InRussian()
    {
        install.School["Profile"] = "baley";
        await PolledAsync();

        var result = await install.RunAsync(MondayEvening, "case", "open", "--school", "school-1", "--pupil", "p1", "--representation", "Пропуски");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("\nПрофиль школы school-1 (МР «Балейский район», постановление № 122 (2023)) не предусматривает постановку на учёт по представлению: случаи открываются по порогам профиля.\n",
            result.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APupilTheJournalDoesNotList_IsRefused()
    {
        install.School["Profile"] = "volsk";
        await PolledAsync();

        var result = await install.RunAsync(MondayEvening, "case", "open", "--school", "school-1", "--pupil", "p404", "--representation", "Пропуски");

        Assert.Equal(2, result.ExitCode);
        Assert.EndsWith("\nУченика с кодом 'p404' нет среди обучающихся школы school-1 (список обновляется при опросе журнала).\n", result.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    public void Dispose() => install.Dispose();

    private async Task PolledAsync()
    {
        install.Journal.Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Lessons("7Б", Monday, 3).Mark(Monday, "p1", 1, "Н");
        install.Save();
        var poll = await install.RunAsync(MondayEvening, "once");
        Assert.Equal(0, poll.ExitCode);
    }
}
