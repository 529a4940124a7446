using Connector.Notifier.Email;
using Connector.Notifier.Sms;
using Microsoft.Extensions.Options;

namespace Connector.Configuration;

/// <summary>Runs <see cref="ConfigurationValidator"/> at start (<c>ValidateOnStart</c>).</summary>
internal sealed class ConnectorOptionsValidator(ConfigurationValidator validator, IOptions<EmailOptions> email, IOptions<SmsOptions> sms) : IValidateOptions<ConnectorOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectorOptions options)
    {
        var problems = validator.Validate(options, email.Value, sms.Value);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
