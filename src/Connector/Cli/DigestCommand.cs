using Connector.Digest;
using Connector.Schools;
using Connector.Store;
using Microsoft.Extensions.DependencyInjection;

namespace Connector.Cli;

/// <summary>
/// <c>digest --school S --preview [--staff ID] [--out FILE]</c>: writes the digest a staff member would get today
/// to a file (HTML, and the text beside it), for checking without sending anything.
/// </summary>
internal static class DigestCommand
{
    public static async Task<int> PreviewAsync(string? home, string schoolId, string? staffId, string? output, CancellationToken cancellationToken)
    {
        using var host = InstalledHost.Open(home);
        if (host is null) return ExitCodes.Configuration;
        if (InstalledHost.School(host, schoolId) is not { } school) return ExitCodes.Configuration;

        var staff = staffId is null ? school.Staff.Count > 0 ? school.Staff[0] : null : school.Staff.FirstOrDefault(s => s.Id == staffId);
        if (staff is null)
        {
            Console.Error.WriteLine($"Сотрудника '{staffId}' нет в настройках школы {schoolId} (Connector:Schools:N:Staff).");
            return ExitCodes.Configuration;
        }

        var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await using var db = await host.Services.GetRequiredService<ConnectorDatabase>().OpenAsync(cancellationToken).ConfigureAwait(false);
        var model = await host.Services.GetRequiredService<DigestBuilder>().BuildAsync(db, null, school, staff, school.LocalDate(now), now).ConfigureAwait(false);
        var file = Path.GetFullPath(output ?? $"digest-{schoolId}-{staff.Id}.html");
        var (_, text, html) = host.Services.GetRequiredService<DigestRenderer>().Render(model);
        await File.WriteAllTextAsync(file, html, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.ChangeExtension(file, ".txt"), text, cancellationToken).ConfigureAwait(false);
        // The name stays in the nominative, where Russian needs no declension: «Сводка на 09.11.2026 — Белова Ирина Викторовна (…)».
        Console.WriteLine($"Сводка на {model.Date:dd.MM.yyyy} — {staff.FullName} ({model.Scope}) — записана: {file} и {Path.ChangeExtension(file, ".txt")}. Ничего не отправлено.");
        return ExitCodes.Ok;
    }
}
