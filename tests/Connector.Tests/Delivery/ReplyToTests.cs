using System.Text.Json.Nodes;
using Connector.Delivery;
using Connector.Polling;
using Connector.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Connector.Tests.Delivery;

/// <summary>Where a parent's answer to a notice goes: the school's mailbox, or the class teacher where the school sets it.</summary>
public sealed class ReplyToTests : IDisposable
{
    private static readonly DateOnly Monday = new(2026, 11, 9);
    private readonly TestInstallation install = new();

    [Theory]
    [InlineData(false, "office@school1.example", "office@school1.example")]
    [InlineData(true, "belova@school1.example", "office@school1.example")]
    public async Task RepliesGoToTheClassTeacher_WhereTheSchoolSetsIt_AndToTheSchoolWhenTheChildrenHaveTwo(bool toTeacher, string petrova, string family)
    {
        install.School["RepliesToClassTeacher"] = toTeacher;
        install.School["Staff"]!.AsArray().Add(new JsonObject
        {
            ["Id"] = "t2", ["Name"] = "Соколова Анна Петровна", ["Email"] = "sokolova@school1.example",
            ["Roles"] = new JsonArray("ClassTeacher"), ["Classes"] = new JsonArray("5А"), ["Digest"] = false,
        });
        install.Journal
            .Pupil("p1", "Петров Иван Сергеевич", "7Б", "g1").Guardian("g1", "Петрова Мария Ивановна", "maria@example.com")
            .Pupil("p2", "Белова Полина Андреевна", "5А", "g2").Pupil("p3", "Белов Егор Андреевич", "7Б", "g2")
            .Guardian("g2", "Белова Наталья Олеговна", "family@example.com")
            .Lessons("7Б", Monday, 2).Lessons("5А", Monday, 2)
            .Mark(Monday, "p1", 1, "Н").Mark(Monday, "p2", 1, "Н").Mark(Monday, "p3", 1, "Н");
        var clock = new FakeTimeProvider(new DateTimeOffset(Monday.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(3)));
        using var host = install.BuildHost(clock);
        await host.Services.GetRequiredService<SchoolPoller>().PollAsync("school-1", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(25));
        await host.Services.GetRequiredService<OutboxDispatcher>().DeliverAsync("school-1", CancellationToken.None);

        var sent = Directory.GetFiles(install.Outbox, "*.eml").Select(File.ReadAllText).ToList();
        Assert.Equal(2, sent.Count);
        Assert.Contains($"Reply-To: {petrova}", sent.Single(m => m.Contains("To: maria@example.com", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains($"Reply-To: {family}", sent.Single(m => m.Contains("To: family@example.com", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    public void Dispose() => install.Dispose();
}
