using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Connector.Configuration;

/// <summary>
/// Binds <see cref="ConnectorOptions"/> so that no school is lost on the way: the configuration binder leaves out a
/// list entry holding a value that does not convert, which would shift every later school's index and drop that
/// school without a word. Each school is bound on its own instead; what did not convert is named by
/// <see cref="RawSettings"/>, and the school is then stopped with that line.
/// </summary>
internal static class ConnectorOptionsBinder
{
    public static ConnectorOptions Bind(IConfiguration configuration)
    {
        var section = configuration.GetSection(ConnectorOptions.SectionName);
        var options = new ConnectorOptions();
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException)
        {
            // RawSettings names the value; what bound is enough to validate the rest.
        }

        options.Schools = BindSchools(section);
        return options;
    }

    public static List<SchoolOptions> BindSchools(IConfigurationSection connector) =>
        connector.GetSection("Schools").GetChildren()
            .OrderBy(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue)
            .Select(child =>
            {
                var school = new SchoolOptions();
                try
                {
                    child.Bind(school);
                }
                catch (InvalidOperationException)
                {
                    // As above: RawSettings names the setting, and the school is stopped.
                }

                return school;
            })
            .ToList();
}
