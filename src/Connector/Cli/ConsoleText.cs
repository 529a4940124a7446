using System.Text;
using Connector.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Connector.Cli;

/// <summary>What the command line prints for people: Russian, one line per point.</summary>
internal static class ConsoleText
{
    /// <summary>UTF-8 output, and numbers, dates and the library's own words as a Russian reader expects them («16,7 %»).</summary>
    public static void UseUtf8()
    {
        Console.OutputEncoding = Encoding.UTF8;
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo("ru-RU");
        System.Globalization.CultureInfo.CurrentUICulture = System.Globalization.CultureInfo.GetCultureInfo("ru-RU");
    }

    /// <summary>A channel as a parent or staff member calls it.</summary>
    public static string ChannelName(string channel) => channel switch
    {
        nameof(Abstractions.Schools.ChannelKind.Email) => "электронная почта",
        nameof(Abstractions.Schools.ChannelKind.Sms) => "SMS",
        _ => channel,
    };

    /// <summary>Validates the settings before anything starts, printing each problem; false when there are any.</summary>
    public static bool SettingsAreValid(IHost host)
    {
        // Values that do not convert are named before anything binds them (binding would throw a stack trace).
        if (RawSettings.CheckGlobal(host.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()) is { Count: > 0 } raw)
        {
            ConfigurationFailed(raw);
            return false;
        }

        try
        {
            _ = host.Services.GetRequiredService<IOptions<ConnectorOptions>>().Value;
            foreach (var school in host.Services.GetRequiredService<SettingsReport>().Disabled)
            {
                Console.Error.WriteLine($"Школа {school.Id} не будет работать, пока не исправлены её настройки (остальные школы работают):");
                ConfigurationFailed(school.Problems);
            }

            return true;
        }
        catch (OptionsValidationException ex)
        {
            ConfigurationFailed(ex.Failures);
            return false;
        }
    }

    public static int ConfigurationFailed(IEnumerable<string> problems)
    {
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"Ошибка настройки: {problem}");
        }

        return ExitCodes.Configuration;
    }

    /// <summary>Why a journal could not be used, in the words of the person who has to act.</summary>
    public static string Describe(Abstractions.Journals.JournalFailure failure) => failure switch
    {
        Abstractions.Journals.JournalFailure.Transient => "временный сбой, повтор при следующем опросе",
        Abstractions.Journals.JournalFailure.Authentication => "вход не принят: проверьте логин и пароль",
        Abstractions.Journals.JournalFailure.Configuration => "ошибка настройки",
        Abstractions.Journals.JournalFailure.ContractChanged => "журнал ответил в неизвестном виде",
        Abstractions.Journals.JournalFailure.Refused => "журнал отклонил запись",
        _ => "сбой",
    };

    /// <summary>What went wrong with the PostgreSQL server, in Russian, without echoing the connection string.</summary>
    public static string PostgresProblem(Npgsql.NpgsqlException ex) => (ex as Npgsql.PostgresException)?.SqlState switch
    {
        "28P01" or "28000" => "сервер не принял имя пользователя или пароль",
        "3D000" => "такой базы данных на сервере нет; создайте её (CREATE DATABASE) или исправьте Database=",
        "42501" => "у пользователя нет прав на эту базу данных (нужны права создавать таблицы в ней)",
        { } state => $"сервер ответил ошибкой {state}",
        null => "сервер не отвечает по указанному адресу и порту",
    };
}
