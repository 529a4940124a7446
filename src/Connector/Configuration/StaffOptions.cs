namespace Connector.Configuration;

/// <summary>A staff member (<c>Connector:Schools:N:Staff:M</c>).</summary>
public sealed class StaffOptions
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string Email { get; set; } = "";

    /// <summary>ClassTeacher, SocialPedagogue, DeputyDirector, Director, Psychologist.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>Whether they get the morning digest.</summary>
    public bool Digest { get; set; } = true;

    /// <summary>For a class teacher: the classes they lead, e.g. "7Б".</summary>
    public List<string> Classes { get; set; } = [];
}
