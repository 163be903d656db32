using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Rheo.Runtime.Diagnostics;

/// <summary>The runtime's OpenTelemetry sources: subscribe to <see cref="Name"/> for spans (one per execution) and metrics.</summary>
public static class RheoTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and the <see cref="Meter"/>.</summary>
    public const string Name = "Rheo.Runtime";

    internal static readonly ActivitySource Source = new(Name);

    internal static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> EventsRouted = Meter.CreateCounter<long>("rheo.events.routed", description: "Events routed into routes.");

    internal static readonly Counter<long> ExecutionsStarted = Meter.CreateCounter<long>("rheo.executions.started", description: "Executions accepted.");

    internal static readonly Counter<long> ExecutionsSucceeded = Meter.CreateCounter<long>("rheo.executions.succeeded", description: "Executions whose every compute target succeeded.");

    internal static readonly Counter<long> ExecutionsFailed = Meter.CreateCounter<long>("rheo.executions.failed", description: "Executions that failed or were killed.");
}
