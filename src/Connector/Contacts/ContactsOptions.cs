namespace Connector.Contacts;

/// <summary>Which source wins where the journal and the contacts file both give a guardian's e-mail, phone or channel.</summary>
public enum ContactsPrefer
{
    /// <summary>The journal's value wins; the file fills only what the journal leaves empty.</summary>
    Journal,

    /// <summary>The file's value wins; the journal fills what the file leaves empty.</summary>
    File,
}

/// <summary>A school's guardians' contacts file (<c>Connector:Schools:N:Contacts</c>), for a journal that gives none or too few.</summary>
public sealed class ContactsOptions
{
    /// <summary>The file (CSV or XLSX), relative to the installation's home; empty when the school has none.</summary>
    public string File { get; set; } = "";

    /// <summary>Which source wins where both give a value; the journal unless set.</summary>
    public ContactsPrefer Prefer { get; set; } = ContactsPrefer.Journal;
}
