using System.Text.Json;
using Connector.Configuration;
using Microsoft.Extensions.Configuration;

namespace Connector.Cli;

/// <summary>Reads the settings files, turning an absent or broken file into one clear line.</summary>
internal static class SettingsLoader
{
    public static bool TryLoad(ConnectorPaths paths, bool demo, out IConfigurationRoot? configuration, IDictionary<string, string?>? overrides = null)
    {
        configuration = null;
        try
        {
            configuration = ConnectorHost.LoadConfiguration(paths, demo, overrides);
            // The embedded default is the demo: every command then works on the demo installation.
            if (!demo && ConnectorHost.IsDemoEnabled(configuration)) configuration = ConnectorHost.LoadConfiguration(paths, demo: true, overrides);
            return true;
        }
        catch (FileNotFoundException ex)
        {
            ConsoleText.ConfigurationFailed([ex.Message]);
        }
        catch (InvalidDataException ex)
        {
            ConsoleText.ConfigurationFailed([$"{ex.Message.Split('\'').ElementAtOrDefault(1) ?? "файл настроек"}: {JsonProblem.Describe(ex)}"]);
        }
        catch (JsonException ex)
        {
            ConsoleText.ConfigurationFailed([$"файл настроек: {JsonProblem.Describe(ex)}"]);
        }

        return false;
    }
}
