using System.CommandLine;
using System.Text.Json.Nodes;
using Rheo.Runtime.Explanations;

namespace Rheo.Cli.Applications;

/// <summary><c>rheo why</c>: why a partition is (not) there, walking its inputs upstream to the root cause.</summary>
internal static class WhyCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var options = new AppOptions();
        var node = Partitions.NodeArgument();
        var values = Partitions.ValuesArgument();
        var depth = new Option<int>("--depth") { Description = "How many levels upstream to walk at most.", DefaultValueFactory = _ => 8 };
        var command = AppCommand.Create("why", "Explain where a partition stands: its execution, or the input partitions it waits for, walked upstream to the missing data, timer or failure behind them.", options, node, values, depth);
        command.Aliases.Add("explain");
        AppCommand.SetAction(command, error, async (parse, cancellationToken) =>
        {
            await using var session = await Session.OpenAsync(parse, options, drive: false, cancellationToken).ConfigureAwait(false);
            var app = session.Application;
            var signal = Partitions.Material(Partitions.DataNode(app, parse.GetValue(node)!), parse.GetValue(values)!);
            var explanation = await app.ExplainAsync(signal, Math.Max(0, parse.GetValue(depth)), cancellationToken).ConfigureAwait(false);
            if (options.IsJson(parse))
            {
                await AppCommand.WriteJsonAsync(output, Json(explanation)).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            await output.WriteLineAsync(Line(explanation)).ConfigureAwait(false);
            await WriteInputsAsync(output, explanation.Inputs, string.Empty).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task WriteInputsAsync(TextWriter output, IReadOnlyList<PartitionExplanation> inputs, string indent)
    {
        for (var i = 0; i < inputs.Count; i++)
        {
            var last = i == inputs.Count - 1;
            await output.WriteLineAsync($"{indent}{(last ? "└─ " : "├─ ")}{Line(inputs[i])}").ConfigureAwait(false);
            await WriteInputsAsync(output, inputs[i].Inputs, indent + (last ? "   " : "│  ")).ConfigureAwait(false);
        }
    }

    private static string Line(PartitionExplanation e) =>
        $"{e.NodeId}[{string.Join(", ", e.Partition)}]{(e.Flags.Length == 0 ? string.Empty : $" ({e.Flags})")}: {Word(e.State)}: {e.Detail}";

    private static string Word(ExplanationState state) => state switch
    {
        ExplanationState.There => "there",
        ExplanationState.Running => "running",
        ExplanationState.Failed => "FAILED",
        ExplanationState.CanRun => "can run",
        ExplanationState.CannotRun => "cannot run",
        _ => "missing",
    };

    private static JsonObject Json(PartitionExplanation e) => new()
    {
        ["node"] = e.NodeId,
        ["partition"] = new JsonArray([.. e.Partition.Select(v => (JsonNode)v)]),
        ["state"] = e.State.ToString(),
        ["detail"] = e.Detail,
        ["flags"] = e.Flags,
        ["inputs"] = new JsonArray([.. e.Inputs.Select(i => (JsonNode)Json(i))]),
    };
}
