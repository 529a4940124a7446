using Microsoft.Extensions.Options;

namespace Connector.Configuration;

/// <summary>Runs <see cref="ConfigurationValidator"/> at start (<c>ValidateOnStart</c>).</summary>
/// <remarks>
/// A global problem stops the service; a school's own problem stops only that school (the registry leaves it out and
/// says so), unless no school is left to run. The settings are checked once per process: this is the same report
/// the registry leaves bad schools out by.
/// </remarks>
internal sealed class ConnectorOptionsValidator(SettingsReport report) : IValidateOptions<ConnectorOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectorOptions options)
    {
        if (report.CanRun) return ValidateOptionsResult.Success;
        return ValidateOptionsResult.Fail([.. report.Global, .. report.Schools.SelectMany(s => s.Problems)]);
    }
}
