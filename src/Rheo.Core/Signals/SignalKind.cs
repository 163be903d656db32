namespace Rheo.Core.Signals;

/// <summary>What kind of node emits a signal; decides which nodes may consume it.</summary>
public enum SignalKind
{
    /// <summary>A dataset outside the application (a local folder, S3, a table).</summary>
    ExternalData,

    /// <summary>The output of an internal data node (a route).</summary>
    InternalData,

    /// <summary>A schedule (<c>rate(...)</c> or <c>cron(...)</c>).</summary>
    Timer,

    /// <summary>A metric (external or internal); feeds alarms only.</summary>
    Metric,

    /// <summary>An alarm (external or internal); feeds composite alarms and internal data nodes.</summary>
    Alarm,

    /// <summary>A composite alarm; feeds composite alarms and internal data nodes.</summary>
    CompositeAlarm,
}

/// <summary>Which kinds of signal each consuming node kind accepts as inputs.</summary>
public static class SignalCompatibility
{
    /// <summary>The input kinds a node of <paramref name="consumer"/> kind accepts (none for nodes without inputs).</summary>
    public static IReadOnlyList<SignalKind> AcceptedInputs(SignalKind consumer) => consumer switch
    {
        SignalKind.InternalData => [SignalKind.ExternalData, SignalKind.InternalData, SignalKind.Timer, SignalKind.Alarm, SignalKind.CompositeAlarm],
        SignalKind.Alarm => [SignalKind.Metric],
        SignalKind.CompositeAlarm => [SignalKind.Alarm, SignalKind.CompositeAlarm],
        _ => [],
    };

    /// <summary>Whether a node of <paramref name="consumer"/> kind accepts an input of <paramref name="input"/> kind.</summary>
    public static bool Accepts(SignalKind consumer, SignalKind input) => AcceptedInputs(consumer).Contains(input);
}
