using System.Text.RegularExpressions;
using Connector.Testing;

namespace Connector.Tests.Install;

/// <summary>README stands alone: every page it links, and every page those link, is inside the repository.</summary>
public sealed partial class ReadmeTests
{
    [Fact]
    public void EveryLinkOfReadmeAndItsPages_IsAFileOfTheRepository()
    {
        var root = Path.GetFullPath(RepositoryRoot.Path);
        var pages = new Queue<string>([Path.Combine(root, "README.md")]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var checkedLinks = 0;
        while (pages.TryDequeue(out var page))
        {
            if (!seen.Add(page)) continue;
            foreach (Match link in Link().Matches(File.ReadAllText(page)))
            {
                var target = link.Groups["target"].Value.Split('#')[0];
                if (target.Length == 0) continue;
                Assert.False(target.Contains("://", StringComparison.Ordinal), $"{Path.GetRelativePath(root, page)} links outside the repository: {target}");
                var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(target)));
                Assert.True(resolved.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal), $"{Path.GetRelativePath(root, page)} links outside the repository: {target}");
                Assert.True(File.Exists(resolved) || Directory.Exists(resolved), $"{Path.GetRelativePath(root, page)} links {target}, which does not exist");
                checkedLinks++;
                if (resolved.EndsWith(".md", StringComparison.Ordinal)) pages.Enqueue(resolved);
            }
        }

        Assert.True(checkedLinks >= 8, $"only {checkedLinks} links found; is the pattern still right?");
        Assert.Contains(Path.Combine(root, "docs", "file-journal.md"), seen);
        Assert.Contains(Path.Combine(root, "docs", "contacts.md"), seen);
        Assert.DoesNotContain("../shared", File.ReadAllText(Path.Combine(root, "README.md")), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();
}
