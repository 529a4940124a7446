using Connector.Abstractions.Schools;
using Microsoft.Extensions.Configuration;

namespace Connector.Abstractions.Journals;

/// <summary>Makes the adapter of one kind ("files", "sgo") for a school, from that school's adapter settings.</summary>
public interface IJournalAdapterFactory
{
    /// <summary>The adapter kind this factory makes, as written in a school's <c>Adapter:Kind</c> setting.</summary>
    string Kind { get; }

    /// <summary>
    /// Checks a school's adapter settings without touching the journal. Returns one line per problem, each naming
    /// the setting by its full path (e.g. "Connector:Schools:0:Adapter:Folder"); empty when all is well.
    /// </summary>
    IReadOnlyList<string> Validate(IConfigurationSection adapterSection);

    /// <summary>
    /// Checks the adapter settings of every school of this kind together, for what they must share (the pace of one
    /// remote server). Returns the problems by the index of the school in <paramref name="adapterSections"/>; each line
    /// names both schools' settings. Empty by default.
    /// </summary>
    IReadOnlyList<(int School, string Problem)> ValidateTogether(IReadOnlyList<IConfigurationSection> adapterSections) => [];

    /// <summary>Creates the adapter for <paramref name="school"/>. Call <see cref="Validate"/> first.</summary>
    IJournalAdapter Create(SchoolRef school, IConfigurationSection adapterSection);
}
