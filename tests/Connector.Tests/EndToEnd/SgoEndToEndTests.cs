using System.Text.Json.Nodes;
using Connector.Adapters.SetevoyGorod;
using Connector.Demo;
using Connector.Testing;
using Connector.Testing.Sgo;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.EndToEnd;

/// <summary>
/// The whole service with a school in «Сетевой Город»: the real jobs on a virtual clock read the SGO emulator over
/// HTTP as teachers enter marks through the day, parents get the same-day e-mails through a real SMTP server, and
/// the flags reach the class teacher in SGO's internal mail.
/// </summary>
public sealed class SgoEndToEndTests(MaildevServer maildev) : IClassFixture<MaildevServer>, IAsyncLifetime
{
    private const string Password = "Журнал-2026";
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private static readonly DateOnly Tuesday = Monday.AddDays(1);
    private readonly TestInstallation install = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(Monday.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
    private SgoEmulator sgo = null!;

    public async Task InitializeAsync() => sgo = await SgoEmulator.StartAsync(clock);

    public async Task DisposeAsync()
    {
        await sgo.DisposeAsync();
        install.Dispose();
    }

    [Fact]
    public async Task AbsencesEnteredInSgo_BecomeSameDayNotices_AndFlagsReachTheClassTeachersSgoMail()
    {
        await maildev.ClearAsync();
        var teacher = sgo.AddStaff("Белова Ирина Викторовна");
        sgo.AddAccount("ConnectorСлужба", Password, "Сервис Connector");
        var c7b = sgo.AddClass("7Б", teacher);
        var petrov = sgo.AddStudent(c7b, "Петров Иван Сергеевич", null, new SgoParentData("Петрова Мария Ивановна", "maria@example.com", null));
        var sidorova = sgo.AddStudent(c7b, "Сидорова Анна Олеговна", null, new SgoParentData("Сидоров Олег Юрьевич", "oleg@example.com", null));
        var kuznetsov = sgo.AddStudent(c7b, "Кузнецов Дмитрий Андреевич", null, new SgoParentData("Кузнецова Елена Борисовна", "elena@example.com", null));
        var orlova = sgo.AddStudent(c7b, "Орлова Ксения Игоревна", null, new SgoParentData("Орлова Ольга Петровна", "olga@example.com", null));
        sgo.Lessons(c7b, Monday, 6);
        sgo.Lessons(c7b, Tuesday, 6);
        // Monday: Petrov missed lesson 1; Sidorova is ill (a reason: no notice, no flag); Orlova came late.
        sgo.Mark(petrov, Monday, 1, "ОТ", At(Monday, 8, 40));
        sgo.Mark(sidorova, Monday, 2, "Б", At(Monday, 9, 30));
        sgo.Mark(orlova, Monday, 1, "ОП", At(Monday, 8, 45));
        // Tuesday: Kuznetsov missed lesson 3.
        sgo.Mark(kuznetsov, Tuesday, 3, "ОТ", At(Tuesday, 10, 35));

        install.UseSmtp(maildev.SmtpPort);
        install.School["Profile"] = "baley"; // any lesson missed without a reason is a level: a flag for the class teacher
        install.School["Adapter"] = new JsonObject
        {
            ["Kind"] = "sgo",
            ["BaseUrl"] = sgo.BaseUrl,
            ["SchoolId"] = sgo.SchoolId,
            ["Login"] = "ConnectorСлужба",
            ["RequestsPerMinute"] = 6000,
            ["TimeoutSeconds"] = 5,
            ["LingerSeconds"] = 1,
        };
        install.Secrets["Connector:Schools:0:Adapter:Password"] = Password;
        var log = new CapturedLog();
        using (var host = install.BuildHost(clock, log))
        {
            await host.StartAsync();
            await new ReplayDriver(host, clock.MoveTo).RunAsync(Monday, Tuesday, _ => Task.CompletedTask, CancellationToken.None);
            await host.StopAsync();
        }

        var emails = (await maildev.GetEmailsAsync(atLeast: 2)).Select(e => (e.Recipient, e.Subject)).Order().ToList();
        Assert.Equal(
        [
            ("elena@example.com", "Школа № 1: пропуск уроков 10 ноября 2026 г."),
            ("maria@example.com", "Школа № 1: пропуск уроков 9 ноября 2026 г."),
        ], emails);

        var flags = sgo.Mail.Where(m => m.To.Contains(teacher)).Select(m => m.Subject).Order().ToList();
        Assert.Equal(2, flags.Count);
        Assert.StartsWith("Connector: пропуски без уважительной причины, 7Б, 09.11.2026 #", flags[0], StringComparison.Ordinal);
        Assert.StartsWith("Connector: пропуски без уважительной причины, 7Б, 10.11.2026 #", flags[1], StringComparison.Ordinal);
        Assert.Contains(sgo.Mail, m => m.Text.Contains("Петров Иван Сергеевич", StringComparison.Ordinal));
        Assert.Contains(sgo.Mail, m => m.Text.Contains("Кузнецов Дмитрий Андреевич", StringComparison.Ordinal));

        // One session served the polls and write-backs of a school day. It lapsed overnight, and on Monday once before
        // the first lesson: the lists of lessons were read at 08:00 and kept, so the 08:15 poll had nothing to ask and
        // the server's idle limit passed by 08:30. None is left open; nothing personal or secret reached the log.
        Assert.Equal(3, sgo.Logins);
        Assert.Equal(0, sgo.OpenSessions);
        Assert.DoesNotContain(log.Lines, l => l.Message.Contains("Петров", StringComparison.Ordinal)
            || l.Message.Contains("@example.com", StringComparison.Ordinal) || l.Message.Contains(Password, StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Message.Contains("logged in to SGO", StringComparison.Ordinal));
    }

    private static DateTimeOffset At(DateOnly day, int hour, int minute) => new(day.ToDateTime(new TimeOnly(hour, minute)), TimeSpan.FromHours(3));
}
