namespace Connector.Notifier.Templates;

/// <summary>A template's output: the subject (first line "Subject: …" of the template, if any) and the body.</summary>
public sealed record RenderedMessage(string? Subject, string Body);
