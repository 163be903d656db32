using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Rheo.Runtime.Hosting;

/// <summary>Registers a Rheo application to run as a long-running host: the processor starts with the host and stops with it.</summary>
public static class RheoServiceCollectionExtensions
{
    /// <summary>Adds an application (built by <paramref name="factory"/>, e.g. <c>sp =&gt; Application.Local("sales")</c>) and a hosted service that runs its processor.</summary>
    /// <remarks>The application is a singleton; inject it to process events or execute nodes. If <paramref name="activate"/> is true the host activates the application's development context on start (for programs that define their nodes in the factory).</remarks>
    public static IServiceCollection AddRheo(this IServiceCollection services, Func<IServiceProvider, Application> factory, bool activate = false)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        services.TryAddSingleton(factory);
        services.AddSingleton<IHostedService>(sp => new RheoHostedService(sp.GetRequiredService<Application>(), activate));
        return services;
    }
}

/// <summary>Runs an application's processor for the lifetime of a host.</summary>
internal sealed class RheoHostedService(Application application, bool activate) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (activate && application.Nodes.Count > 0)
        {
            await application.ActivateAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await application.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await application.DisposeAsync().ConfigureAwait(false);
}
