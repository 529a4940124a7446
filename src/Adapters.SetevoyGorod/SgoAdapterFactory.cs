using System.Collections.Concurrent;
using Connector.Abstractions.Journals;
using Connector.Abstractions.Schools;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Connector.Adapters.SetevoyGorod;

/// <summary>
/// Makes <see cref="SgoJournalAdapter"/>s from a school's <c>Adapter</c> settings. Schools on the same server share
/// one <see cref="SgoServer"/>: one request pace and one circuit breaker for that server.
/// </summary>
internal sealed class SgoAdapterFactory(TimeProvider time, ILoggerFactory loggers, TimeProvider? network = null, IAdapterMemory? memory = null) : IJournalAdapterFactory
{
    private readonly ConcurrentDictionary<string, SgoServer> servers = new(StringComparer.OrdinalIgnoreCase);
    // Waits on the network (timeouts, the server's pace) are real time even when the service's clock is a rehearsal's or the demo's.
#pragma warning disable RS0030
    private readonly TimeProvider network = network ?? TimeProvider.System;
#pragma warning restore RS0030

    public string Kind => "sgo";

    public IReadOnlyList<string> Validate(IConfigurationSection adapterSection)
    {
        var path = adapterSection.Path;
        var options = Bind(adapterSection);
        var problems = new List<string>();
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var origin) || origin.Scheme is not ("https" or "http"))
        {
            problems.Add($"{path}:BaseUrl: «{options.BaseUrl}» — не веб-адрес; укажите адрес сервера «Сетевого Города» региона, например https://sgo.edu-74.ru");
        }
        else if (origin.AbsolutePath != "/")
        {
            problems.Add($"{path}:BaseUrl: укажите только адрес сервера ({origin.GetLeftPart(UriPartial.Authority)}), без пути «{origin.AbsolutePath}»");
        }

        if (options.SchoolId <= 0) problems.Add($"{path}:SchoolId: не задан; номер школы на сервере «Сетевого Города» (scid), например из карточки школы");
        if (string.IsNullOrWhiteSpace(options.Login)) problems.Add($"{path}:Login: не задан; логин учётной записи сотрудника в «Сетевом Городе», от имени которой работает служба");
        if (options.Password.Length == 0)
        {
            problems.Add($"{path}:Password: не задан; задайте переменную окружения CONNECTOR__{path["Connector:".Length..].Replace(":", "__", StringComparison.Ordinal)}__Password");
        }
        else if (!SgoPassword.IsEncodable(options.Password))
        {
            problems.Add($"{path}:Password: содержит символы, которых нет в кодировке windows-1251 входа «Сетевого Города»; такой пароль сервер не примет");
        }

        if (options.RequestsPerMinute is < 1 or > 6000) problems.Add($"{path}:RequestsPerMinute: {options.RequestsPerMinute} вне допустимого диапазона 1–6000");
        if (options.TimeoutSeconds is < 1 or > 300) problems.Add($"{path}:TimeoutSeconds: {options.TimeoutSeconds} вне допустимого диапазона 1–300");
        if (options.Retries is < 0 or > 10) problems.Add($"{path}:Retries: {options.Retries} вне допустимого диапазона 0–10");
        if (options.RecentRefreshMinutes is < 0 or > 1440) problems.Add($"{path}:RecentRefreshMinutes: {options.RecentRefreshMinutes} вне допустимого диапазона 0–1440");
        if (options.OlderRefreshMinutes is < 0 or > 1440) problems.Add($"{path}:OlderRefreshMinutes: {options.OlderRefreshMinutes} вне допустимого диапазона 0–1440");
        if (options.LingerSeconds is < 0 or > 3600) problems.Add($"{path}:LingerSeconds: {options.LingerSeconds} вне допустимого диапазона 0–3600");
        problems.AddRange(SgoAttendanceCodes.Validate(options, path));
        return problems;
    }

    /// <summary>Schools on one SGO server share one pace and one resilience pipeline, so they must agree on its settings.</summary>
    public IReadOnlyList<(int School, string Problem)> ValidateTogether(IReadOnlyList<IConfigurationSection> adapterSections)
    {
        var problems = new List<(int, string)>();
        var first = new Dictionary<string, (int Index, SgoOptions Options, string Path)>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < adapterSections.Count; i++)
        {
            var options = Bind(adapterSections[i]);
            if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var origin)) continue;
            var key = origin.GetLeftPart(UriPartial.Authority);
            if (!first.TryGetValue(key, out var earlier))
            {
                first[key] = (i, options, adapterSections[i].Path);
                continue;
            }

            foreach (var (name, mine, theirs) in new[]
            {
                (nameof(SgoOptions.RequestsPerMinute), options.RequestsPerMinute, earlier.Options.RequestsPerMinute),
                (nameof(SgoOptions.Retries), options.Retries, earlier.Options.Retries),
                (nameof(SgoOptions.TimeoutSeconds), options.TimeoutSeconds, earlier.Options.TimeoutSeconds),
            })
            {
                if (mine != theirs)
                {
                    problems.Add((i, $"{adapterSections[i].Path}:{name}: {mine}, а в {earlier.Path}:{name} — {theirs}, но обе школы на одном сервере «Сетевого Города» {key}, "
                        + "темп запросов и повторы которого общие для всех его школ; укажите одно значение в обеих (или ни в одной)"));
                }
            }
        }

        return problems;
    }

    public IJournalAdapter Create(SchoolRef school, IConfigurationSection adapterSection)
    {
        var (client, options) = CreateClient(school, adapterSection);
        return new SgoJournalAdapter(client, options, school, adapterSection.Path, time, loggers.CreateLogger<SgoJournalAdapter>());
    }

    /// <summary>The client of the school's account, for the probe.</summary>
    public (SgoClient Client, SgoOptions Options) CreateClient(SchoolRef school, IConfigurationSection adapterSection)
    {
        var options = Bind(adapterSection);
        var origin = new Uri(new Uri(options.BaseUrl).GetLeftPart(UriPartial.Authority) + "/");
        var server = servers.GetOrAdd(origin.AbsoluteUri, _ => new SgoServer(origin, options, network, memory));
        return (new SgoClient(server, options, school.Id, adapterSection.Path, network, loggers.CreateLogger<SgoClient>()), options);
    }

    /// <summary>The school's local time now.</summary>
    public DateTime LocalNow(SchoolRef school) =>
        TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(school.TimeZone)).DateTime;

    private static SgoOptions Bind(IConfigurationSection section)
    {
        var options = new SgoOptions();
        section.Bind(options);
        return options;
    }
}
