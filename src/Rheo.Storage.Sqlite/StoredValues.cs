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

    /// <summary>Execution statuses; the partial index <c>executions_active</c> names the words of the active ones.</summary>
    public static StoredWords<ExecutionStatus> ExecutionStatuses { get; } = new(
        (ExecutionStatus.Pending, "pending"),
        (ExecutionStatus.Running, "running"),
        (ExecutionStatus.Succeeded, "succeeded"),
        (ExecutionStatus.Failed, "failed"),
        (ExecutionStatus.Killed, "killed"),
        (ExecutionStatus.Skipped, "skipped"),
        (ExecutionStatus.Reset, "reset"));

    public static StoredWords<ComputeStatus> ComputeStatuses { get; } = new(
        (ComputeStatus.Succeeded, "succeeded"),
        (ComputeStatus.Failed, "failed"),
        (ComputeStatus.TransientFailure, "transient_failure"),
        (ComputeStatus.Killed, "killed"));

    public static StoredWords<ApplicationState> ApplicationStates { get; } = new(
        (ApplicationState.Inactive, "inactive"),
        (ApplicationState.Active, "active"),
        (ApplicationState.Paused, "paused"),
        (ApplicationState.Deleted, "deleted"));
}

/// <summary>The fixed words that stand for an enum's members in the file, both ways.</summary>
/// <typeparam name="T">The enum.</typeparam>
internal sealed class StoredWords<T>
    where T : struct, Enum
{
    private readonly Dictionary<T, string> _words = [];
    private readonly Dictionary<string, T> _members = new(StringComparer.Ordinal);

    public StoredWords(params (T Member, string Word)[] pairs)
    {
        foreach (var (member, word) in pairs)
        {
            _words.Add(member, word);
            _members.Add(word, member);
        }
    }

    public string Word(T member) => _words.TryGetValue(member, out var word)
        ? word
        : throw new ArgumentOutOfRangeException(nameof(member), member, $"The SQLite store has no stored word for {typeof(T).Name}.{member}; add one to {nameof(StoredValues)} (a new word, never a changed one).");

    public T Parse(string word) => _members.TryGetValue(word, out var member)
        ? member
        : throw new InvalidOperationException($"The store file holds '{word}' as a {typeof(T).Name}, which this version of Rheo does not know.");
}

[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class StoredJson : JsonSerializerContext;
