using System.CommandLine;
using Connector.Abstractions.Schools;

namespace Connector.Cli;

/// <summary>The commands: run (the default), once, check, demo.</summary>
internal static class ConnectorCommandLine
{
    public static RootCommand Build()
    {
        var home = new Option<string?>("--home")
        {
            HelpName = "папка",
            Description = "Папка установки (в ней config/). По умолчанию ищется от текущей папки вверх.",
            Recursive = true,
        };

        var run = new Command("run", "Запустить службу: опрос журналов по расписанию, уведомления, отправка (по умолчанию).");
        run.SetAction((result, ct) => RunCommand.RunAsync(result.GetValue(home), ct));

        var once = new Command("once", "Один опрос и одна отправка для каждой школы, затем выход с кодом результата.");
        once.SetAction((result, ct) => OnceCommand.RunAsync(result.GetValue(home), ct));

        var check = new Command("check", "Проверить настройки, доступ к журналам и к почтовому серверу; по строке на каждую проблему.");
        check.SetAction((result, ct) => CheckCommand.RunAsync(result.GetValue(home), ct));

        var demo = new Command("demo", "Показать работу на демонстрационной школе: четыре учебные недели за минуту, письма в outbox/.");
        demo.SetAction((result, ct) => DemoCommand.RunAsync(result.GetValue(home), ct));
        var output = new Option<string>("--out") { HelpName = "папка", Description = "Куда записать файлы демо-школы.", DefaultValueFactory = _ => "config/demo" }.NotBlank();
        var generate = new Command("generate", "Заново создать файлы демонстрационной школы (config/demo).") { output };
        generate.SetAction((result, ct) => DemoCommand.GenerateAsync(result.GetValue(home), result.GetValue(output)!, ct));
        demo.Subcommands.Add(generate);

        var school = new Option<string>("--school") { HelpName = "код", Description = "Код школы из настроек (Connector:Schools:N:Id).", Required = true }.NotBlank();
        var guardian = new Option<string>("--guardian") { HelpName = "код", Description = "Код представителя в журнале.", Required = true }.NotBlank();
        var channel = new Option<ChannelKind>("--channel") { Description = "Канал: Email или Sms.", Required = true };
        var optOut = new Option<bool>("--opt-out") { Description = "Отказ от канала (без флага — согласие)." };
        var source = new Option<string>("--source") { HelpName = "текст", Description = "Основание: например, «заявление от 01.09.2026».", Required = true }.NotBlank();
        var consent = new Command("consent", "Записать согласие или отказ представителя от канала (e-mail, SMS) с датой и основанием.")
        {
            school, guardian, channel, optOut, source,
        };
        consent.SetAction((result, ct) => ConsentCommand.SetAsync(result.GetValue(home), result.GetValue(school)!, result.GetValue(guardian)!,
            result.GetValue(channel), result.GetValue(optOut), result.GetValue(source)!, ct));
        var given = new Option<string>("--given") { HelpName = "дата", Description = "Когда согласие дано: 01.09.2026.", Required = true }.NotBlank();
        var basis = new Option<string>("--basis") { HelpName = "текст", Description = "Основание: например, «письменное согласие, вх. № 15».", Required = true }.NotBlank();
        var processing = new Command("processing", "Записать согласие представителя на обработку персональных данных ребёнка (дата и основание).") { school, guardian, given, basis };
        processing.SetAction((result, ct) => ConsentCommand.ProcessingAsync(result.GetValue(home), result.GetValue(school)!, result.GetValue(guardian)!,
            result.GetValue(given)!, result.GetValue(basis)!, ct));
        consent.Subcommands.Add(processing);

        var caseId = new Option<long>("--case") { Description = "Номер случая.", Required = true };
        var all = new Option<bool>("--all") { Description = "Показать и закрытые случаи." };
        var outcome = new Option<string>("--outcome") { HelpName = "текст", Description = "Что сделано и каков итог шага.", Required = true }.NotBlank();
        var by = new Option<string?>("--by") { HelpName = "ФИО", Description = "Кто записывает (ФИО)." }.NotBlank();
        var reason = new Option<string>("--reason") { HelpName = "текст", Description = "Почему случай закрывается.", Required = true }.NotBlank();
        var caseList = new Command("list", "Открытые случаи школы: ученик, уровень, текущий шаг, ответственный, срок.") { school, all };
        caseList.SetAction((r, ct) => CaseCommand.ListAsync(r.GetValue(home), r.GetValue(school)!, r.GetValue(all), ct));
        var caseShow = new Command("show", "Случай целиком: основание, все шаги, сроки и итоги.") { school, caseId };
        caseShow.SetAction((r, ct) => CaseCommand.ShowAsync(r.GetValue(home), r.GetValue(school)!, r.GetValue(caseId), ct));
        var caseRecord = new Command("record", "Записать итог текущего шага; откроется следующий шаг со сроком.") { school, caseId, outcome, by };
        caseRecord.SetAction((r, ct) => CaseCommand.RecordAsync(r.GetValue(home), r.GetValue(school)!, r.GetValue(caseId), r.GetValue(outcome)!, r.GetValue(by), ct));
        var caseClose = new Command("close", "Закрыть случай с указанием причины.") { school, caseId, reason };
        caseClose.SetAction((r, ct) => CaseCommand.CloseAsync(r.GetValue(home), r.GetValue(school)!, r.GetValue(caseId), r.GetValue(reason)!, ct));
        var pupil = new Option<string>("--pupil") { HelpName = "код", Description = "Код ученика в журнале.", Required = true }.NotBlank();
        var representation = new Option<string>("--representation") { HelpName = "текст", Description = "Представление (ходатайство): почему ученика нужно поставить на учёт.", Required = true }.NotBlank();
        var caseOpen = new Command("open", "Открыть случай по представлению сотрудника (классного руководителя, социального педагога), где порядок это предусматривает.")
        {
            school, pupil, representation, by,
        };
        caseOpen.SetAction((r, ct) => CaseCommand.OpenAsync(r.GetValue(home), r.GetValue(school)!, r.GetValue(pupil)!, r.GetValue(representation)!, r.GetValue(by), ct));
        var cases = new Command("case", "Случаи систематических пропусков и шаги по ним (Совет профилактики, КДНиЗП).") { caseList, caseShow, caseOpen, caseRecord, caseClose };

        var staffOption = new Option<string?>("--staff") { HelpName = "код", Description = "Код сотрудника (Connector:Schools:N:Staff:M:Id); по умолчанию первый." }.NotBlank();
        var preview = new Option<bool>("--preview") { Description = "Только записать в файл, не отправлять.", Required = true };
        var digestOut = new Option<string?>("--out") { HelpName = "файл", Description = "Файл HTML; рядом пишется текстовый вариант." }.NotBlank();
        var digest = new Command("digest", "Показать утреннюю сводку сотрудника на сегодня, не отправляя её.") { school, staffOption, preview, digestOut };
        digest.SetAction((r, ct) => DigestCommand.PreviewAsync(r.GetValue(home), r.GetValue(school)!, r.GetValue(staffOption), r.GetValue(digestOut), ct));

        var period = new Option<string>("--period") { HelpName = "month|quarter", Description = "month или quarter.", Required = true }.NotBlank();
        var of = new Option<string?>("--of") { HelpName = "месяц или дата", Description = "Месяц (2026-11) или дата внутри четверти; по умолчанию последний завершённый период." }.NotBlank();
        var format = new Option<string>("--format") { HelpName = "xlsx|csv", Description = "xlsx или csv.", DefaultValueFactory = _ => "xlsx" };
        var reportOut = new Option<string>("--out") { HelpName = "файл", Description = "Файл отчёта.", Required = true }.NotBlank();
        var report = new Command("report", "Отчёт, которого требует профиль школы (мониторинг, формы № 1 и № 2, сведения по группам классов, эффективность).")
        {
            school, period, of, format, reportOut,
        };
        report.SetAction((r, ct) => ReportCommand.RunAsync(r.GetValue(home), r.GetValue(school)!, r.GetValue(period)!, r.GetValue(of), r.GetValue(format)!, r.GetValue(reportOut)!, ct));

        var probeSave = new Option<string?>("--save") { HelpName = "файл", Description = "Записать ответы сервера в файл (имена, телефоны, адреса и ключи скрыты), чтобы отправить сопровождающим адаптер." }.NotBlank();
        var probe = new Command("probe", "Проверить сервер «Сетевого Города» школы: версия, вход, роли, каждый известный способ чтения классов, учеников, уроков и почты; затем выход.")
        {
            school, probeSave,
        };
        probe.SetAction((r, ct) => SgoCommand.ProbeAsync(r.GetValue(home), r.GetValue(school)!, r.GetValue(probeSave), ct));
        var sgo = new Command("sgo", "Команды для «Сетевого Города».") { probe };

        var statusSchool = new Option<string?>("--school") { HelpName = "код", Description = "Код школы; по умолчанию все." }.NotBlank();
        var statusJson = new Option<bool>("--json") { Description = "Вывести то же в JSON (для систем мониторинга)." };
        var status = new Command("status", "Что сейчас у сервиса по каждой школе: последний и следующий опрос, принимаются ли данные журнала, пропуски без причины сегодня, сообщения по каналам, отметки для журнала, сроки по случаям, приостановленные каналы.")
        {
            statusSchool, statusJson,
        };
        status.SetAction((r, ct) => StatusCommand.RunAsync(r.GetValue(home), r.GetValue(statusSchool), r.GetValue(statusJson), ct));

        var backupOut = new Option<string?>("--out") { HelpName = "файл", Description = "Куда записать копию; по умолчанию data/backups/connector-<дата-время>.db." }.NotBlank();
        var backup = new Command("backup", "Записать согласованную копию базы, не останавливая службу (перед обновлением или по расписанию).") { backupOut };
        backup.SetAction((r, ct) => BackupCommand.RunAsync(r.GetValue(home), r.GetValue(backupOut), ct));

        var to = new Option<string>("--to") { Required = true, HelpName = "postgres", Description = "Куда: postgres (строка подключения — из CONNECTOR__Store__ConnectionString)." };
        to.Validators.Add(result =>
        {
            if (result.Tokens is [{ } token] && !string.Equals(token.Value, "postgres", StringComparison.OrdinalIgnoreCase))
            {
                result.AddError($"Значение «{token.Value}» не подходит для --to: перенести данные можно только в PostgreSQL (--to postgres).");
            }
        });
        var storeCopy = new Command("copy", "Перенести данные установки из файла SQLite в пустую базу PostgreSQL (служба должна быть остановлена).") { to };
        storeCopy.SetAction((r, ct) => StoreCommand.CopyAsync(r.GetValue(home), ct));
        var store = new Command("store", "Хранилище данных установки.") { storeCopy };

        var templateOut = new Option<string>("--out") { HelpName = "файл", Description = "Куда записать шаблон: .xlsx или .csv (для Excel, windows-1251, «;»).", DefaultValueFactory = _ => "контакты.xlsx" }.NotBlank();
        var template = new Command("template", "Записать пустой файл контактов представителей со столбцами на русском и строкой-примером.") { templateOut };
        template.SetAction(r => ContactsCommand.Template(r.GetValue(templateOut)!));
        var contactsCommand = new Command("contacts", "Файл контактов представителей (когда журнал не даёт их почту и телефоны).") { template };

        var root = new RootCommand("Connector: уведомления родителям о пропусках уроков в тот же день, по данным электронного журнала.")
        {
            home, run, once, check, status, backup, store, demo, consent, cases, digest, report, sgo, contactsCommand,
        };
        root.SetAction((result, ct) => RunCommand.RunAsync(result.GetValue(home), ct));
        return root;
    }
}
