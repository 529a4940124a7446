using System.Collections.Specialized;

namespace Connector.Testing;

/// <summary>SMSC.ru as SMS_API.md §A.2 describes it: <c>send.php</c> and <c>status.php</c> with <c>fmt=3</c>, error codes, client ids.</summary>
public sealed class SmscEmulator : SmsGatewayEmulator
{
    public const string Login = "school-login";
    public const string Password = "emulator-password";

    /// <summary>When set, status.php answers 503: the gateway took messages but cannot be asked about them now.</summary>
    public bool StatusDown { get; set; }

    public static async Task<SmscEmulator> StartNewAsync()
    {
        var emulator = new SmscEmulator();
        await emulator.StartAsync();
        return emulator;
    }

    protected override string[] FaultedPaths => ["/sys/send.php", "/sys/status.php"];

    protected override void Map()
    {
        OnPost("/sys/send.php", form =>
        {
            if (Refused(form) is { } refused) return refused;
            var digits = (form["phones"] ?? "").TrimStart('+');
            var text = form["mes"] ?? "";
            var id = form["id"] ?? "";
            return !IsRussianMobile(digits) || InvalidNumbers.ContainsKey(digits) ? new { error = "invalid phone", error_code = 7, id }
                : DailyLimitReached.ContainsKey(digits) ? new { error = "message to phone is denied", error_code = 8, id }
                : IsRepeat(digits, text) ? new { error = "duplicate request, wait a minute", error_code = 9, id }
                : new { id = Accept(digits, text, id.Length > 0 ? id : null), cnt = 1 };
        });
        OnPost("/sys/status.php", form =>
        {
            if (StatusDown) return 503;
            if (Refused(form) is { } refused) return refused;
            var phones = (form["phone"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
            var ids = (form["id"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
            return ids.Zip(phones).Select(pair =>
            {
                var (id, phone) = pair;
                var sms = Received.FirstOrDefault(r => r.Id == id && r.Phone == phone.TrimStart('+'));
                var status = sms is null ? -3 : Undeliverable.ContainsKey(sms.Phone) ? 20 : 1;
                return new { status, last_date = "22.11.2026 12:00:00", last_timestamp = 1795348800, flag = 0, err = status == 20 ? 1 : 0, id, phone };
            }).ToList();
        });
        OnPost("/sys/balance.php", form => Refused(form) ?? new { balance = "812.40" });
    }

    private object? Refused(NameValueCollection form) =>
        form["login"] != Login || form["psw"] != Password || Fault == SmsFault.BadCredentials ? new { error = "authorise error", error_code = 2 }
        : Fault == SmsFault.InsufficientFunds ? new { error = "no money", error_code = 3 }
        : Fault == SmsFault.ServiceUnavailable ? new { error = "IP temporarily blocked", error_code = 4 }
        : null;
}
