using Connector.Abstractions.Journals;
using Connector.Adapters.SetevoyGorod;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Connector.Adapters.SetevoyGorod;

/// <summary>Registers the «Сетевой Город» adapter.</summary>
public static class SgoServiceCollectionExtensions
{
    /// <summary>Adds the "sgo" journal adapter and its probe.</summary>
    public static IServiceCollection AddSetevoyGorodAdapter(this IServiceCollection services)
    {
        services.AddSingleton(sp => new SgoAdapterFactory(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), memory: sp.GetService<IAdapterMemory>()));
        services.AddSingleton<IJournalAdapterFactory>(sp => sp.GetRequiredService<SgoAdapterFactory>());
        services.AddSingleton(sp => new SgoProbe(sp.GetRequiredService<SgoAdapterFactory>()));
        return services;
    }
}
