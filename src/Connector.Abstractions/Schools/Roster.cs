namespace Connector.Abstractions.Schools;

/// <summary>Everyone the journal lists for one school.</summary>
/// <param name="Pupils">All pupils, active or not.</param>
/// <param name="Guardians">All guardians referenced by the pupils.</param>
/// <param name="Problems">Rows the adapter could not read; they are left out of the lists.</param>
public sealed record Roster(
    IReadOnlyList<Pupil> Pupils,
    IReadOnlyList<Guardian> Guardians,
    IReadOnlyList<SourceProblem> Problems);
