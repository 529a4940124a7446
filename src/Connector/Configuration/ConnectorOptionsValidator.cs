using Connector.Notifier.Email;
using Connector.Notifier.Sms;
using Microsoft.Extensions.Options;

namespace Connector.Configuration;

/// <summary>Runs <see cref="ConfigurationValidator"/> at start (<c>ValidateOnStart</c>).</summary>
/// <remarks>
/// A global problem stops the service; a school's own problem stops only that school (the registry leaves it out and
/// says so), unless no school is left to run.
/// </remarks>
internal sealed class ConnectorOptionsValidator(ConfigurationValidator validator, IOptions<EmailOptions> email, IOptions<SmsOptions> sms) : IValidateOptions<ConnectorOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectorOptions options)
    {
        var report = validator.Report(options, email.Value, sms.Value);
        if (report.CanRun) return ValidateOptionsResult.Success;
        return ValidateOptionsResult.Fail([.. report.Global, .. report.Schools.SelectMany(s => s.Problems)]);
    }
}
