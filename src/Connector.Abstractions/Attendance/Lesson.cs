namespace Connector.Abstractions.Attendance;

/// <summary>A lesson of a class on a date, and whether its attendance has been entered.</summary>
/// <param name="ClassName">The class, e.g. "7Б".</param>
/// <param name="Date">The school-local date.</param>
/// <param name="Number">The lesson's number in the day, from 1.</param>
/// <param name="Subject">The subject.</param>
/// <param name="AttendanceTaken">
/// True once the teacher has entered attendance for it. Marks of a lesson whose attendance was not taken
/// are not used: attendance not entered is not absence.
/// </param>
public sealed record Lesson(string ClassName, DateOnly Date, int Number, string Subject, bool AttendanceTaken);
