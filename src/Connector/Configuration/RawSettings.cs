using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Connector.Configuration;

/// <summary>
/// Checks the settings as written, field by field, before they are bound: the configuration binder throws on a
/// value that does not convert ("Port": "abc"), and silently leaves out a list entry that holds one (a school with
/// "GracePeriodMinutes": "twenty" would vanish). Each problem names the setting by its full path and the value.
/// </summary>
internal static class RawSettings
{
    /// <summary>
    /// The problems of every setting outside the schools (Connector, Connector:Email, Connector:Sms): any of them
    /// stops the service, and binding them would throw.
    /// </summary>
    public static IReadOnlyList<string> CheckGlobal(IConfiguration configuration) =>
    [
        .. Check(configuration.GetSection(ConnectorOptions.SectionName), typeof(ConnectorOptions))
            .Where(p => !p.StartsWith($"{ConnectorOptions.SectionName}:Schools:", StringComparison.OrdinalIgnoreCase)),
        .. Check(configuration.GetSection(Notifier.Email.EmailOptions.SectionName), typeof(Notifier.Email.EmailOptions)),
        .. Check(configuration.GetSection(Notifier.Sms.SmsOptions.SectionName), typeof(Notifier.Sms.SmsOptions)),
    ];

    public static IReadOnlyList<string> Check(IConfigurationSection section, Type type)
    {
        var problems = new List<string>();
        CheckObject(section, type, problems);
        return problems;
    }

    private static void CheckObject(IConfigurationSection section, Type type, List<string> problems)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite || IsList(p.PropertyType)))
        {
            var child = section.GetSection(property.Name);
            if (!child.Exists() && child.Value is null) continue;
            CheckValue(child, property.PropertyType, problems);
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, List<string> problems)
    {
        if (type == typeof(IConfigurationSection) || type == typeof(string)) return;
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(target))
        {
            if (section.Value is null)
            {
                if (section.GetChildren().Any()) problems.Add($"{section.Path}: нужно одно значение, а не список или раздел");
                return;
            }

            if (section.Value.Length == 0 && Nullable.GetUnderlyingType(type) is not null) return;
            if (!Converts(section.Value, target)) problems.Add($"{section.Path}: «{section.Value}» {Expected(target)}");
            return;
        }

        if (typeof(IDictionary).IsAssignableFrom(target) && target.IsGenericType)
        {
            var valueType = target.GetGenericArguments()[1];
            foreach (var entry in section.GetChildren()) CheckValue(entry, valueType, problems);
            return;
        }

        if (IsList(target))
        {
            var itemType = target.IsArray ? target.GetElementType()! : target.GetGenericArguments()[0];
            if (section.Value is { Length: > 0 }) problems.Add($"{section.Path}: нужен список ([ … ]), а не «{section.Value}»");
            foreach (var item in section.GetChildren()) CheckValue(item, itemType, problems);
            return;
        }

        if (section.Value is { Length: > 0 })
        {
            problems.Add($"{section.Path}: нужен раздел ({{ … }}), а не «{section.Value}»");
            return;
        }

        CheckObject(section, target, problems);
    }

    private static bool IsList(Type type) =>
        type.IsArray || (type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(List<>) || d == typeof(IReadOnlyList<>) || d == typeof(IList<>)));

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(DateOnly) || type == typeof(TimeOnly)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri) || type == typeof(Guid);

    private static bool Converts(string value, Type type)
    {
        if (type.IsEnum)
        {
            // The binder takes numbers for enums too; a person means a name.
            return !int.TryParse(value, out _) && Enum.TryParse(type, value, ignoreCase: true, out _);
        }

        try
        {
            _ = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or NotSupportedException or ArgumentException or OverflowException)
        {
            return false;
        }
    }

    private static string Expected(Type type) => type switch
    {
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "— не целое число",
        _ when type == typeof(bool) => "— ни true, ни false",
        _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "— не число (дробную часть отделяйте точкой: 1.5)",
        _ when type == typeof(TimeSpan) => "— не продолжительность (чч:мм:сс)",
        _ when type == typeof(DateOnly) => "— не дата (ГГГГ-ММ-ДД)",
        _ when type.IsEnum => $"— не одно из: {string.Join(", ", Enum.GetNames(type))}",
        _ => "— значение не прочитано",
    };
}
