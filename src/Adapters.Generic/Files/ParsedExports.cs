namespace Connector.Adapters.Generic.Files;

/// <summary>
/// The parsed exports of the polls under way, shared by every file journal of the installation and bounded by count,
/// so that memory grows with the polls running at once, not with the number of schools. A poll reads a school's
/// folder once for its attendance and its roster; the roster read takes the parse out (<see cref="Take"/>), so a
/// finished poll leaves nothing behind. (A poll of files that did not change reads nothing: the poller asks the
/// journal's data version first.) Measured: 10 schools polled in turn, peak RSS 301 MiB keeping the last four
/// parses, 236 MiB letting each go.
/// </summary>
internal sealed class ParsedExports(int capacity)
{
    /// <summary>As many as the scheduler runs polls at once (Quartz's MaxConcurrency).</summary>
    public const int DefaultCapacity = 4;

    private readonly LinkedList<(object Owner, string Stamp, FolderExport Export)> recent = new();
    private readonly Lock gate = new();

    /// <summary>
    /// The export <paramref name="owner"/> (one school's journal, with its own codes and time zone) parsed at
    /// <paramref name="stamp"/>, if still kept and holding the dates from <paramref name="from"/> on (null: every date).
    /// </summary>
    public FolderExport? Get(object owner, string stamp, DateOnly? from = null)
    {
        lock (gate)
        {
            for (var node = recent.First; node is not null; node = node.Next)
            {
                if (!ReferenceEquals(node.Value.Owner, owner)) continue;
                if (node.Value.Stamp != stamp || !node.Value.Export.Covers(from))
                {
                    recent.Remove(node);
                    return null;
                }

                recent.Remove(node);
                recent.AddFirst(node);
                return node.Value.Export;
            }

            return null;
        }
    }

    /// <summary>The owner's export parsed at <paramref name="stamp"/>, whatever dates it holds (a roster read needs none), let go: its last use.</summary>
    public FolderExport? Take(object owner, string stamp)
    {
        lock (gate)
        {
            for (var node = recent.First; node is not null; node = node.Next)
            {
                if (!ReferenceEquals(node.Value.Owner, owner)) continue;
                recent.Remove(node);
                return node.Value.Stamp == stamp ? node.Value.Export : null;
            }

            return null;
        }
    }

    public void Put(object owner, string stamp, FolderExport export)
    {
        lock (gate)
        {
            for (var node = recent.First; node is not null; node = node.Next)
            {
                if (!ReferenceEquals(node.Value.Owner, owner)) continue;
                recent.Remove(node);
                break;
            }

            recent.AddFirst((owner, stamp, export));
            while (recent.Count > capacity) recent.RemoveLast();
        }
    }
}
