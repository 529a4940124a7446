using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Connector.Abstractions.Schools;
using Connector.Adapters.Generic.Contacts;

namespace Connector.Contacts;

/// <summary>A guardian's consent or refusal, as the contacts file records it.</summary>
internal sealed record FileConsent(string GuardianId, bool Consent);

/// <summary>The roster with the contacts file merged in, and what the file says about consent.</summary>
internal sealed record MergedRoster(Roster Roster, IReadOnlyList<FileConsent> Consents);

/// <summary>
/// Merges a contacts file into the journal's roster (pure). Each row is matched to one active pupil: by the journal's
/// id, else by full name and class (and date of birth where given); a row that matches no pupil, or two, is reported
/// with its file and line and left out. Its guardian is the pupil's guardian of the same name where the journal lists
/// one (each value is taken from the preferred source, the other fills the gaps), else a new guardian of the pupil.
/// </summary>
internal static class ContactsMerger
{
    public static MergedRoster Merge(Roster roster, ContactsFileRead file, ContactsPrefer prefer)
    {
        var problems = new List<SourceProblem>([.. roster.Problems, .. file.Problems]);
        var pupils = roster.Pupils.ToDictionary(p => p.Id, p => p, StringComparer.Ordinal);
        var guardians = roster.Guardians.ToDictionary(g => g.Id, g => g, StringComparer.Ordinal);
        var links = roster.Pupils.ToDictionary(p => p.Id, p => p.GuardianIds.ToList(), StringComparer.Ordinal);
        var consents = new Dictionary<string, bool>(StringComparer.Ordinal);
        var byName = roster.Pupils.Where(p => p.Active).ToLookup(p => (Name(p.FullName), ClassKey(p.ClassName)));

        foreach (var row in file.Rows)
        {
            SourceProblem Problem(string column, string reason) =>
                new(SourceProblemKind.Record, row.File, row.Line.ToString(CultureInfo.InvariantCulture), column, reason);
            Pupil? pupil;
            if (row.PupilId is { } id)
            {
                if (!pupils.TryGetValue(id, out pupil) || !pupil.Active)
                {
                    problems.Add(Problem("pupil_id", "в журнале нет ученика с таким кодом; строка не принята"));
                    continue;
                }
            }
            else
            {
                var candidates = byName[(Name(row.PupilName!), ClassKey(row.ClassName!))]
                    .Where(p => row.BirthDate is null || p.BirthDate is null || p.BirthDate == row.BirthDate)
                    .ToList();
                if (candidates.Count != 1)
                {
                    problems.Add(Problem("pupil_name", candidates.Count == 0
                        ? "в журнале нет ученика с таким ФИО в этом классе; строка не принята"
                        : string.Create(CultureInfo.InvariantCulture, $"учеников этого класса с таким ФИО: {candidates.Count}; укажите дату рождения или код из журнала; строка не принята")));
                    continue;
                }

                pupil = candidates[0];
            }

            var linked = links[pupil.Id];
            var match = linked.Select(g => guardians.GetValueOrDefault(g)).FirstOrDefault(g => g is not null && Name(g.FullName) == Name(row.GuardianName));
            Guardian merged;
            if (match is not null)
            {
                merged = prefer == ContactsPrefer.Journal
                    ? match with { Email = match.Email ?? row.Email, Phone = match.Phone ?? row.Phone, PreferredChannel = match.PreferredChannel ?? row.Channel }
                    : match with { Email = row.Email ?? match.Email, Phone = row.Phone ?? match.Phone, PreferredChannel = row.Channel ?? match.PreferredChannel };
            }
            else
            {
                merged = new Guardian(FileGuardianId(row), row.GuardianName.Trim(), row.Email, row.Phone, row.Channel);
                if (guardians.TryGetValue(merged.Id, out var earlier)) merged = earlier; // the same guardian of another child
                if (!linked.Contains(merged.Id)) linked.Add(merged.Id);
            }

            guardians[merged.Id] = merged;
            if (row.Consent is { } consent) consents[merged.Id] = consent;
        }

        var result = new Roster(
            [.. roster.Pupils.Select(p => p with { GuardianIds = links[p.Id] })],
            [.. guardians.Values],
            problems);
        return new MergedRoster(result, [.. consents.Select(c => new FileConsent(c.Key, c.Value))]);
    }

    /// <summary>A stable id for a guardian the journal does not list: from the name and the contacts, never the name alone (two parents may share one).</summary>
    public static string FileGuardianId(ContactRow row) =>
        "file-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Name(row.GuardianName)}|{row.Email?.ToLowerInvariant()}|{Digits(row.Phone)}")))[..12];

    private static string Name(string name) =>
        string.Join(' ', name.Replace('ё', 'е').Replace('Ё', 'Е').Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();

    private static string ClassKey(string className) => className.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToUpperInvariant();

    private static string Digits(string? phone) => phone is null ? "" : new string([.. phone.Where(char.IsAsciiDigit)]);
}
