using System.Data.Common;
using System.Globalization;
using Connector.Abstractions.Journals;
using Connector.Abstractions.Schools;
using Connector.Escalation;
using Connector.Schools;
using Connector.Store;
using Connector.Thresholds;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spectre.Console;

namespace Connector.Cli;

/// <summary><c>case list | show | record | close</c>: the escalation cases, for the social pedagogue and the deputy director, in Russian.</summary>
internal static class CaseCommand
{
    public static Task<int> ListAsync(string? home, string schoolId, bool all, CancellationToken cancellationToken) =>
        WithSchoolAsync(home, schoolId, async (host, school, db) =>
        {
            var cases = await CaseStore.ListAsync(db, schoolId, all).ConfigureAwait(false);
            var profile = host.Services.GetRequiredService<RuleProfiles>().Get(school.Ref.ProfileId);
            var today = school.LocalDate(host.Services.GetRequiredService<TimeProvider>().GetUtcNow());
            Console.WriteLine($"{(all ? "Все" : "Открытые")} случаи школы {school.Ref.Name} ({profile.Name}): {cases.Count}.");
            if (cases.Count == 0) return ExitCodes.Ok;

            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumns("№", "Ученик", "Класс", "Уровень", "Текущий шаг", "Ответственный", "Срок");
            foreach (var row in cases)
            {
                table.AddRow(
                    row.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(ShortName(row.FullName)), Markup.Escape(row.ClassName),
                    Markup.Escape(LevelName(profile, row.LevelId)), Markup.Escape(row.StepName ?? (!row.Open ? "закрыт" : "—")),
                    Markup.Escape(row.OwnerRole is null ? "" : Owner(school, row.OwnerRole, row.ClassName)), Due(row.DueOn, today));
            }

            ConsoleTable.Write(table, Console.Out);
            return ExitCodes.Ok;
        }, cancellationToken);

    public static Task<int> ShowAsync(string? home, string schoolId, long caseId, CancellationToken cancellationToken) =>
        WithSchoolAsync(home, schoolId, async (host, school, db) =>
        {
            var row = await CaseStore.GetAsync(db, schoolId, caseId).ConfigureAwait(false);
            if (row is null) return NoSuchCase(schoolId, caseId);
            var profile = host.Services.GetRequiredService<RuleProfiles>().Get(school.Ref.ProfileId);
            Console.WriteLine($"Случай № {row.Id}: {row.FullName}, {row.ClassName} класс.");
            if (await CaseStore.BreachOfAsync(db, caseId).ConfigureAwait(false) is { } breach)
            {
                Console.WriteLine($"Уровень: {LevelName(profile, row.LevelId)}; {breach.Period}: пропущено без уважительной причины {breach.Missed} из {breach.Scheduled} уроков ({breach.Share:0.#} %).");
                if (breach.Dropped)
                {
                    Console.WriteLine($"Внимание: после этого записаны причины, доля снизилась до {breach.DroppedShare:0.#} % — уровень больше не достигается. Решите, закрыть ли случай.");
                }
            }
            else
            {
                Console.WriteLine($"Открыт по представлению{(row.RepresentedBy is { } who ? $" ({who})" : "")}: {row.Representation}.");
            }

            Console.WriteLine($"Открыт {row.OpenedOn:dd.MM.yyyy}; {(row.Open ? "открыт" : $"закрыт: {row.ClosedReason}")}.");
            var steps = await CaseStore.StepsAsync(db, caseId).ConfigureAwait(false);
            var today = school.LocalDate(host.Services.GetRequiredService<TimeProvider>().GetUtcNow());
            foreach (var step in steps)
            {
                var state = step.State switch
                {
                    StepState.Done => $"выполнено: {step.Outcome}{(step.By is null ? "" : $" ({step.By})")}",
                    StepState.Superseded => "не требуется: предложено снятие с учёта",
                    _ => $"срок {Due(step.Due, today)}",
                };
                Console.WriteLine($"  {step.Seq + 1}. {step.Name} — {Owner(school, step.Owner, row.ClassName)}; {state}. [{step.Source}]");
            }

            return ExitCodes.Ok;
        }, cancellationToken);

    public static Task<int> RecordAsync(string? home, string schoolId, long caseId, string outcome, string? by, CancellationToken cancellationToken) =>
        WithSchoolAsync(home, schoolId, async (host, school, db) =>
        {
            var row = await CaseStore.GetAsync(db, schoolId, caseId).ConfigureAwait(false);
            if (row is null) return NoSuchCase(schoolId, caseId);
            if (!row.Open) return Refuse($"Случай № {caseId} закрыт: {row.ClosedReason}.");
            if (row.StepId is null) return Refuse($"У случая № {caseId} нет текущего шага: закройте его командой case close, если работа закончена.");
            var profile = host.Services.GetRequiredService<RuleProfiles>().Get(school.Ref.ProfileId);
            var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            var today = school.LocalDate(now);
            var next = await host.Services.GetRequiredService<ConnectorDatabase>().InTransactionAsync(async (conn, tx) =>
            {
                var step = await Cases.RecordAsync(conn, tx, school, profile, caseId, outcome, by ?? Environment.UserName, today, now).ConfigureAwait(false);
                await JournalFlagStore.QueueAsync(conn, tx, schoolId, new JournalFlag(
                    $"case:{schoolId}:{caseId}:{row.StepId}", row.PupilId, JournalFlagKind.EscalationStep, today, $"{row.StepName}: {outcome}"), now).ConfigureAwait(false);
                return step;
            }, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Записано: «{row.StepName}» — {outcome}.");
            Console.WriteLine(next is null
                ? $"Все шаги выполнены, случай № {caseId} закрыт."
                : $"Следующий шаг: «{next.Name}», ответственный {Owner(school, next.OwnerRole, row.ClassName)}, срок {next.Due:dd.MM.yyyy}.");
            return ExitCodes.Ok;
        }, cancellationToken);

    public static Task<int> OpenAsync(string? home, string schoolId, string pupilId, string representation, string? by, CancellationToken cancellationToken) =>
        WithSchoolAsync(home, schoolId, async (host, school, db) =>
        {
            var profile = host.Services.GetRequiredService<RuleProfiles>().Get(school.Ref.ProfileId);
            if (!profile.OpensOnRepresentation)
            {
                return Refuse($"Профиль школы {schoolId} ({profile.Name}) не предусматривает постановку на учёт по представлению: случаи открываются по порогам профиля.");
            }

            var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            var today = school.LocalDate(now);
            var database = host.Services.GetRequiredService<ConnectorDatabase>();
            var opened = await database.InTransactionAsync(async (conn, tx) =>
            {
                if (!await CaseStore.IsStudyingAsync(conn, tx, schoolId, pupilId).ConfigureAwait(false)) return ((long Id, CaseStep? Next)?)(-1, null);
                return await Cases.OpenOnRepresentationAsync(conn, tx, school, profile, pupilId, representation, by ?? Environment.UserName, today, now).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            if (opened is { Id: -1 }) return Refuse($"Ученика с кодом '{pupilId}' нет среди обучающихся школы {schoolId} (список обновляется при опросе журнала).");
            if (opened is not { } c)
            {
                var open = (await CaseStore.ListAsync(db, schoolId, all: false).ConfigureAwait(false)).First(x => x.PupilId == pupilId);
                return Refuse($"У ученика уже есть открытый случай № {open.Id}: запишите представление как итог его шага (connector case record --case {open.Id}).");
            }

            var row = (await CaseStore.GetAsync(db, schoolId, c.Id).ConfigureAwait(false))!;
            Console.WriteLine($"Открыт случай № {c.Id}: {row.FullName}, {row.ClassName} класс, по представлению.");
            Console.WriteLine(c.Next is { } next
                ? $"Следующий шаг: «{next.Name}», ответственный {Owner(school, next.OwnerRole, row.ClassName)}, срок {next.Due:dd.MM.yyyy}."
                : "Шагов по представлению в профиле нет.");
            return ExitCodes.Ok;
        }, cancellationToken);

    public static Task<int> CloseAsync(string? home, string schoolId, long caseId, string reason, CancellationToken cancellationToken) =>
        WithSchoolAsync(home, schoolId, async (host, school, db) =>
        {
            var row = await CaseStore.GetAsync(db, schoolId, caseId).ConfigureAwait(false);
            if (row is null) return NoSuchCase(schoolId, caseId);
            if (!row.Open) return Refuse($"Случай № {caseId} уже закрыт: {row.ClosedReason}.");
            await host.Services.GetRequiredService<ConnectorDatabase>().InTransactionAsync(async (conn, tx) =>
            {
                await Cases.CloseAsync(conn, tx, caseId, reason, host.Services.GetRequiredService<TimeProvider>().GetUtcNow()).ConfigureAwait(false);
                return 0;
            }, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Случай № {caseId} закрыт: {reason}.");
            return ExitCodes.Ok;
        }, cancellationToken);

    private static async Task<int> WithSchoolAsync(string? home, string schoolId, Func<IHost, SchoolContext, DbConnection, Task<int>> work, CancellationToken cancellationToken)
    {
        using var host = InstalledHost.Open(home);
        if (host is null) return ExitCodes.Configuration;
        if (InstalledHost.School(host, schoolId) is not { } school) return ExitCodes.Configuration;
        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(cancellationToken).ConfigureAwait(false);
        return await work(host, school, db).ConfigureAwait(false);
    }

    private static int NoSuchCase(string schoolId, long caseId) => Refuse($"В школе {schoolId} нет случая № {caseId}.");

    private static int Refuse(string message)
    {
        Console.Error.WriteLine(message);
        return ExitCodes.Configuration;
    }

    private static string LevelName(RuleProfile profile, string levelId) =>
        levelId == RuleProfile.RepresentationLevel ? "по представлению" : profile.Levels.FirstOrDefault(l => l.Id == levelId)?.Name ?? levelId;

    private static string Due(DateOnly? dueOn, DateOnly today)
    {
        if (dueOn is not { } due) return "";
        return $"{due:dd.MM.yyyy}{(due < today ? " (просрочено)" : due == today ? " (сегодня)" : "")}";
    }

    /// <summary>The person behind a role: the class teacher of the pupil's class, or the first staff member with the role.</summary>
    private static string Owner(SchoolContext school, string role, string className)
    {
        var parsed = Enum.Parse<StaffRole>(role);
        var person = school.StaffFor(parsed, className);
        var title = parsed switch
        {
            StaffRole.ClassTeacher => "классный руководитель",
            StaffRole.SocialPedagogue => "социальный педагог",
            StaffRole.DeputyDirector => "зам. директора по ВР",
            StaffRole.Director => "директор",
            _ => "педагог-психолог",
        };
        return person is null ? $"{title} (не назначен)" : $"{ShortName(person.FullName)}, {title}";
    }

    /// <summary>"Белова И. В." from "Белова Ирина Викторовна".</summary>
    private static string ShortName(string fullName)
    {
        var parts = fullName.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 1 ? fullName : $"{parts[0]} {string.Concat(parts.Skip(1).Select(p => p[0] + "."))}".Replace(".", ". ", StringComparison.Ordinal).TrimEnd();
    }
}
