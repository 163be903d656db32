using System.Collections.Concurrent;
using System.Text.Json;
using Rheo.Runtime.Data;

namespace Rheo.Runtime.StepFlows;

/// <summary>The level of a flow log line.</summary>
public enum FlowLogLevel
{
    /// <summary>Progress.</summary>
    Info,

    /// <summary>Something to look at (a process's standard error, a step not run).</summary>
    Warn,

    /// <summary>A failure.</summary>
    Error,
}

/// <summary>A line of a flow or step log: <c>source LEVEL [period] message</c>, where the source is the flow, a step, or <c>step.action</c>.</summary>
/// <param name="Source">The flow, the step, or <c>step.action</c>.</param>
/// <param name="Level">The level.</param>
/// <param name="Period">The period the line is about.</param>
/// <param name="Message">The message.</param>
public sealed record FlowLogLine(string Source, FlowLogLevel Level, string Period, string Message)
{
    /// <summary>The level as written: <c>INFO</c>, <c>WARN</c> or <c>ERROR</c>.</summary>
    public string LevelWord => FlowLogs.Word(Level);

    /// <summary>The line as written.</summary>
    public override string ToString() => $"{Source} {LevelWord} [{Period}] {Message}";

    /// <summary>Parses a written line; null when it is not one.</summary>
    public static FlowLogLine? Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var parts = line.Split(' ', 3);
        if (parts.Length < 3 || !parts[2].StartsWith('['))
        {
            return null;
        }

        var close = parts[2].IndexOf("] ", StringComparison.Ordinal);
        FlowLogLevel? level = parts[1] switch { "INFO" => FlowLogLevel.Info, "WARN" => FlowLogLevel.Warn, "ERROR" => FlowLogLevel.Error, _ => null };
        return close < 0 || level is null ? null : new FlowLogLine(parts[0], level.Value, parts[2][1..close], parts[2][(close + 2)..]);
    }
}

/// <summary>
/// Where flow logs live and how to read them (for <c>rheo flow logs</c> and any other viewer): <c>&lt;log dir&gt;/&lt;flow&gt;/&lt;flow&gt;.log</c>
/// holds the flow's lines and its steps' lines, <c>&lt;log dir&gt;/&lt;flow&gt;/&lt;step&gt;.log</c> a step's lines and its actions' lines.
/// </summary>
/// <remarks>The log dir is <c>&lt;application folder&gt;/logs/flows</c>, or the flow's <c>log_directory</c> setting (relative to the application folder).</remarks>
public static class FlowLogs
{
    /// <summary>The flow setting that moves the log directory.</summary>
    public const string LogDirectorySetting = "log_directory";

    /// <summary>The log file of a flow, or of one of its steps.</summary>
    public static string PathOf(string logDirectory, string flow, string? step = null) =>
        Path.Combine(logDirectory, LocalDataStorage.Encode(flow), LocalDataStorage.Encode(step ?? flow) + ".log");

    /// <summary>The log directory of a flow of an application: its <c>log_directory</c> setting, else <c>&lt;application folder&gt;/logs/flows</c>.</summary>
    public static string DirectoryOf(Application application, string flow)
    {
        ArgumentNullException.ThrowIfNull(application);
        var node = application.Nodes.Concat(application.ActiveNodes).FirstOrDefault(n => n.Id == flow) as Nodes.DataNode;
        return DirectoryOf(application.Root, node is null ? new Dictionary<string, string>() : FlowMetadata.Settings(node.Metadata));
    }

    /// <summary>The flow a node belongs to (a step, or the flow node itself), or null for a node of no step flow.</summary>
    public static string? FlowOf(Nodes.NodeDefinition node) =>
        node is Nodes.DataNode data && data.Metadata.TryGetValue(FlowMetadata.Flow, out var flow) ? flow : null;

    /// <summary>Reads the lines of a flow's log (or of one step's), optionally only those of one period.</summary>
    /// <returns>The lines in the order written; empty when nothing was logged.</returns>
    public static async Task<IReadOnlyList<FlowLogLine>> ReadAsync(Application application, string flow, string? step = null, string? period = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        await application.OpenAsync(cancellationToken).ConfigureAwait(false);
        var path = PathOf(DirectoryOf(application, flow), flow, step);
        if (!File.Exists(path))
        {
            return [];
        }

        var lines = new List<FlowLogLine>();
        foreach (var text in await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false))
        {
            if (FlowLogLine.Parse(text) is { } line && (period is null || line.Period == period))
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    internal static string DirectoryOf(string applicationRoot, IReadOnlyDictionary<string, string> settings) =>
        settings.TryGetValue(LogDirectorySetting, out var configured) && !string.IsNullOrWhiteSpace(configured)
            ? Path.GetFullPath(configured, applicationRoot)
            : Path.Combine(applicationRoot, "logs", "flows");

    internal static string Word(FlowLogLevel level) => level switch { FlowLogLevel.Warn => "WARN", FlowLogLevel.Error => "ERROR", _ => "INFO" };
}

/// <summary>Appends lines to a flow's logs for one step and period; step lines also go to the flow's log, action lines only to the step's.</summary>
/// <remarks>Thread-safe: the orchestrator and the action runner write the same files from different threads, so each file has one lock in the process.</remarks>
internal sealed class FlowLogWriter(string directory, string flow, string step, string period)
{
    private static readonly ConcurrentDictionary<string, Lock> Locks = new(StringComparer.Ordinal);

    public string Period => period;

    public void Write(string source, FlowLogLevel level, string message)
    {
        var line = new FlowLogLine(source, level, period, message.ReplaceLineEndings(" | ")).ToString();
        Append(FlowLogs.PathOf(directory, flow, step), line);
        if (source == step && step != flow)
        {
            Append(FlowLogs.PathOf(directory, flow), line);
        }
    }

    public void WriteStep(FlowLogLevel level, string message) => Write(step, level, message);

    private static void Append(string path, string line)
    {
        lock (Locks.GetOrAdd(path, _ => new Lock()))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.AppendAllText(path, line + "\n");
        }
    }
}

/// <summary>The metadata a flow puts on its nodes, which the engine hands to compute targets in their params.</summary>
internal static class FlowMetadata
{
    public const string Flow = "rheo.flow";
    public const string SettingsKey = "rheo.flow.settings";
    public const string CredentialsKey = "rheo.flow.credentials";

    public static Dictionary<string, string> Settings(IReadOnlyDictionary<string, string> metadata) => Map(metadata.GetValueOrDefault(SettingsKey));

    public static Dictionary<string, string> Settings(IReadOnlyDictionary<string, object?> parameters) => Map(parameters.GetValueOrDefault(SettingsKey) as string);

    public static Dictionary<string, string> Credentials(IReadOnlyDictionary<string, object?> parameters) => Map(parameters.GetValueOrDefault(CredentialsKey) as string);

    public static string Write(IReadOnlyDictionary<string, string> values) => JsonSerializer.Serialize(values);

    private static Dictionary<string, string> Map(string? json) =>
        json is null ? new Dictionary<string, string>(StringComparer.Ordinal) : JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? new Dictionary<string, string>(StringComparer.Ordinal);
}
