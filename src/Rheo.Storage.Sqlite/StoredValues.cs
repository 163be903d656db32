using System.Text.Json;
using System.Text.Json.Serialization;
using Rheo.Runtime;
using Rheo.Runtime.Storage;

namespace Rheo.Storage.Sqlite;

/// <summary>How values are written to columns: fixed words for enums, UTC ticks for instants, JSON arrays for dimension values.</summary>
internal static class StoredValues
{
    public static long Ticks(DateTimeOffset at) => at.UtcTicks;

    public static DateTimeOffset Instant(long ticks) => new(ticks, TimeSpan.Zero);

    public static string Json(IReadOnlyList<string> values) => JsonSerializer.Serialize(values, StoredJson.Default.IReadOnlyListString);

    public static string[] Values(string json) => JsonSerializer.Deserialize(json, StoredJson.Default.StringArray) ?? [];

    public static string Word(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Pending => "pending",
        ExecutionStatus.Running => "running",
        ExecutionStatus.Succeeded => "succeeded",
        ExecutionStatus.Failed => "failed",
        ExecutionStatus.Killed => "killed",
        ExecutionStatus.Skipped => "skipped",
        _ => throw Unknown(status),
    };

    public static ExecutionStatus ParseExecutionStatus(string word) => word switch
    {
        "pending" => ExecutionStatus.Pending,
        "running" => ExecutionStatus.Running,
        "succeeded" => ExecutionStatus.Succeeded,
        "failed" => ExecutionStatus.Failed,
        "killed" => ExecutionStatus.Killed,
        "skipped" => ExecutionStatus.Skipped,
        _ => throw Unknown(word, nameof(ExecutionStatus)),
    };

    public static string Word(ComputeStatus status) => status switch
    {
        ComputeStatus.Succeeded => "succeeded",
        ComputeStatus.Failed => "failed",
        ComputeStatus.TransientFailure => "transient_failure",
        ComputeStatus.Killed => "killed",
        _ => throw Unknown(status),
    };

    public static ComputeStatus ParseComputeStatus(string word) => word switch
    {
        "succeeded" => ComputeStatus.Succeeded,
        "failed" => ComputeStatus.Failed,
        "transient_failure" => ComputeStatus.TransientFailure,
        "killed" => ComputeStatus.Killed,
        _ => throw Unknown(word, nameof(ComputeStatus)),
    };

    public static string Word(ApplicationState state) => state switch
    {
        ApplicationState.Inactive => "inactive",
        ApplicationState.Active => "active",
        ApplicationState.Paused => "paused",
        ApplicationState.Deleted => "deleted",
        _ => throw Unknown(state),
    };

    public static ApplicationState ParseApplicationState(string word) => word switch
    {
        "inactive" => ApplicationState.Inactive,
        "active" => ApplicationState.Active,
        "paused" => ApplicationState.Paused,
        "deleted" => ApplicationState.Deleted,
        _ => throw Unknown(word, nameof(ApplicationState)),
    };

    private static ArgumentOutOfRangeException Unknown<T>(T value)
        where T : struct, Enum =>
        new(nameof(value), value, $"The SQLite store has no stored form for {typeof(T).Name}.{value}; add one to {nameof(StoredValues)} (a new word, never a changed one).");

    private static InvalidOperationException Unknown(string word, string type) =>
        new($"The store file holds '{word}' as a {type}, which this version of Rheo does not know.");
}

[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class StoredJson : JsonSerializerContext;
