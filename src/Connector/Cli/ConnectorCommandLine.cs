using System.CommandLine;

namespace Connector.Cli;

/// <summary>The commands: run (the default), once, check, demo.</summary>
internal static class ConnectorCommandLine
{
    public static RootCommand Build()
    {
        var home = new Option<string?>("--home")
        {
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
        var output = new Option<string>("--out") { Description = "Куда записать файлы демо-школы.", DefaultValueFactory = _ => "config/demo" };
        var generate = new Command("generate", "Заново создать файлы демонстрационной школы (config/demo).") { output };
        generate.SetAction((result, ct) => DemoCommand.GenerateAsync(result.GetValue(home), result.GetValue(output)!, ct));
        demo.Subcommands.Add(generate);

        var root = new RootCommand("Connector: уведомления родителям о пропусках уроков в тот же день, по данным электронного журнала.")
        {
            home, run, once, check, demo,
        };
        root.SetAction((result, ct) => RunCommand.RunAsync(result.GetValue(home), ct));
        return root;
    }
}
