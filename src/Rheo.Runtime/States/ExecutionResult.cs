using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rheo.States.Execution;

namespace Rheo.Runtime.States;

/// <summary>How an execution ended, in the shape of the <c>rheo states run</c> contract.</summary>
/// <param name="Status"><c>SUCCEEDED</c>, <c>FAILED</c>, <c>TIMED_OUT</c>, <c>ABORTED</c>, <c>CREATE_FAILED</c> or <c>START_FAILED</c>.</param>
/// <param name="Output">The output when it succeeded.</param>
/// <param name="Error">The error name otherwise.</param>
/// <param name="Cause">The cause otherwise.</param>
/// <param name="History">The history events, when asked for.</param>
public sealed record ExecutionResult(string Status, JsonNode? Output, string? Error, string? Cause, IReadOnlyList<HistoryEvent> History)
{
    /// <summary>The execution succeeded.</summary>
    public const string Succeeded = "SUCCEEDED";

    /// <summary>The execution failed.</summary>
    public const string Failed = "FAILED";

    /// <summary>The execution ran longer than the machine's TimeoutSeconds.</summary>
    public const string TimedOut = "TIMED_OUT";

    /// <summary>The execution was stopped.</summary>
    public const string Aborted = "ABORTED";

    /// <summary>The definition is invalid (error <c>InvalidDefinition</c>).</summary>
    public const string CreateFailed = "CREATE_FAILED";

    /// <summary>The input is not JSON (error <c>InvalidExecutionInput</c>).</summary>
    public const string StartFailed = "START_FAILED";

    private static readonly JsonSerializerOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The one-line JSON of the CLI contract: status, output, error, cause (and history when it was recorded).</summary>
    public string ToJsonLine(bool includeHistory = false) => ToJsonObject(includeHistory).ToJsonString(LineOptions);

    /// <summary>The result as a JSON object: status, output, error, cause (and history when asked).</summary>
    public JsonObject ToJsonObject(bool includeHistory = false)
    {
        var line = new JsonObject
        {
            ["status"] = Status,
            ["output"] = Output?.DeepClone(),
            ["error"] = Error,
            ["cause"] = Cause,
        };
        if (includeHistory)
        {
            var history = new JsonArray();
            var id = 1;
            foreach (var e in History)
            {
                var entry = new JsonObject { ["id"] = id++, ["type"] = e.Type, ["timestamp"] = e.Timestamp.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture) };
                if (e.StateName is not null)
                {
                    entry["name"] = e.StateName;
                }

                if (e.Input is not null)
                {
                    entry["input"] = e.Input.DeepClone();
                }

                if (e.Output is not null)
                {
                    entry["output"] = e.Output.DeepClone();
                }

                if (e.Error is not null)
                {
                    entry["error"] = e.Error;
                }

                if (e.Cause is not null)
                {
                    entry["cause"] = e.Cause;
                }

                if (e.Detail is not null)
                {
                    entry["detail"] = e.Detail;
                }

                history.Add(entry);
            }

            line["history"] = history;
        }

        return line;
    }

    internal static ExecutionResult From(ExecutionState state, IReadOnlyList<HistoryEvent> history) => new(
        state.Status switch
        {
            ExecutionStatus.Succeeded => Succeeded,
            ExecutionStatus.Failed => Failed,
            ExecutionStatus.TimedOut => TimedOut,
            _ => Aborted,
        },
        state.Output,
        state.Error,
        state.Cause,
        history);
}
