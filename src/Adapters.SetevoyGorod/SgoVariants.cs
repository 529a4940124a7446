using System.Collections.Concurrent;
using Connector.Abstractions.Journals;

namespace Connector.Adapters.SetevoyGorod;

/// <summary>One way of making a read that SGO_API.md marks LIKELY or UNCERTAIN: a name (the path and parameters it uses) and the attempt.</summary>
internal sealed record SgoVariant<T>(string Name, Func<CancellationToken, Task<T>> Attempt);

/// <summary>How one variant answered, for the probe.</summary>
internal sealed record SgoVariantTrial(string Read, string Variant, bool Answered, string Detail);

/// <summary>
/// Which variant of each read one SGO server answers, remembered in the service's store (so a restart does not
/// search again) and shared by every school on that server, as the mail-send variant is.
/// </summary>
internal sealed class SgoVariantMemory(IAdapterMemory? store, Uri origin)
{
    private readonly ConcurrentDictionary<string, string> chosen = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim loading = new(1, 1);
    private volatile bool loaded;

    public string Scope { get; } = "sgo " + origin.AbsoluteUri;

    public async Task<string?> ChosenAsync(string read, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        return chosen.GetValueOrDefault(read);
    }

    /// <summary>Remembers that <paramref name="read"/> answered by <paramref name="variant"/>; true when that is news.</summary>
    public async Task<bool> ChooseAsync(string read, string variant, CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        if (chosen.TryGetValue(read, out var known) && known == variant) return false;
        chosen[read] = variant;
        if (store is not null) await store.RememberAsync(Scope, read, variant, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (loaded || store is null) return;
        await loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (loaded) return;
            foreach (var (key, value) in await store.RecallAsync(Scope, cancellationToken).ConfigureAwait(false)) chosen.TryAdd(key, value);
            loaded = true;
        }
        finally
        {
            loading.Release();
        }
    }
}

/// <summary>Tries the variants of a read in order, the one the server answered last time first.</summary>
internal static class SgoVariantSearch
{
    /// <summary>
    /// The first variant that answers. A variant that meets a "no such endpoint" or an answer of the wrong shape
    /// (<see cref="JournalFailure.ContractChanged"/>) gives way to the next; any other failure (a timeout, a refusal)
    /// ends the read, since it says nothing about the variant. With <paramref name="trials"/>, every variant is tried
    /// and each outcome is recorded there (the probe).
    /// </summary>
    public static async Task<T> FirstAnsweringAsync<T>(SgoClient client, string read, IReadOnlyList<SgoVariant<T>> variants, CancellationToken cancellationToken,
        List<SgoVariantTrial>? trials = null, Func<T, string>? describe = null)
    {
        var memory = client.Server.Variants;
        var remembered = await memory.ChosenAsync(read, cancellationToken).ConfigureAwait(false);
        var ordered = variants.OrderBy(v => v.Name == remembered ? 0 : 1).ToList();
        var failures = new List<string>();
        var found = false;
        T result = default!;
        foreach (var variant in ordered)
        {
            try
            {
                var answer = await variant.Attempt(cancellationToken).ConfigureAwait(false);
                trials?.Add(new SgoVariantTrial(read, variant.Name, true, describe?.Invoke(answer) ?? ""));
                if (!found)
                {
                    found = true;
                    result = answer;
                    if (await memory.ChooseAsync(read, variant.Name, cancellationToken).ConfigureAwait(false)) client.VariantChosen(read, variant.Name);
                }

                if (trials is null) return result;
            }
            catch (JournalException ex) when (ex.Failure == JournalFailure.ContractChanged || (trials is not null && ex.Failure != JournalFailure.Authentication))
            {
                trials?.Add(new SgoVariantTrial(read, variant.Name, false, ex.Message));
                failures.Add($"{variant.Name}: {ex.Message}");
            }
        }

        if (found) return result;
        throw new JournalException(JournalFailure.ContractChanged,
            $"school {client.School}: the SGO server {client.Server.Origin} answered none of the {variants.Count} known ways to read {read} — {string.Join(" | ", failures)}");
    }
}
