namespace Connector.Abstractions.Schools;

/// <summary>What a staff member does in the school, as far as attendance is concerned.</summary>
public enum StaffRole
{
    /// <summary>Классный руководитель: responsible for one or more classes.</summary>
    ClassTeacher,

    /// <summary>Социальный педагог: school-wide.</summary>
    SocialPedagogue,

    /// <summary>Заместитель директора по воспитательной работе: school-wide.</summary>
    DeputyDirector,

    /// <summary>Директор.</summary>
    Director,

    /// <summary>Педагог-психолог.</summary>
    Psychologist,
}
