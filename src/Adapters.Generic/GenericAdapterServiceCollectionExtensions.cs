using Connector.Abstractions.Journals;
using Connector.Adapters.Generic.Files;
using Microsoft.Extensions.DependencyInjection;

namespace Connector.Adapters.Generic;

/// <summary>Registers the generic adapters.</summary>
public static class GenericAdapterServiceCollectionExtensions
{
    /// <summary>Adds the "files" journal adapter; relative folders start at <paramref name="baseDirectory"/>.</summary>
    public static IServiceCollection AddGenericJournalAdapters(this IServiceCollection services, string baseDirectory)
    {
        services.AddSingleton<IJournalAdapterFactory>(sp =>
            new FileJournalAdapterFactory(baseDirectory, sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
