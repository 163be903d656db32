using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis.CSharp;
using Rheo.States.Validation;

namespace Rheo.CSharp.Flows;

/// <summary>A task of a flow file with its validated settings.</summary>
/// <param name="Name">The task class's name.</param>
/// <param name="TypeName">The class's full metadata name.</param>
/// <param name="Resource">The Task states' <c>Resource</c>: <c>rheo:task:{Name}</c>.</param>
/// <param name="Service">lambda, lambda:container, ecs, ecs:worker or lambda:pexpm-runner.</param>
/// <param name="Timeout">Seconds.</param>
/// <param name="Cpu">CPU units (ecs services).</param>
/// <param name="Memory">Memory in MB.</param>
/// <param name="Spec">ecs:worker: the worker class.</param>
/// <param name="Concurrency">ecs:worker: messages at once per worker.</param>
/// <param name="HeartbeatInterval">ecs:worker: seconds between heartbeats, 0 for none.</param>
/// <param name="AutoscalingMin">ecs:worker: minimum workers.</param>
/// <param name="AutoscalingMax">ecs:worker: maximum workers.</param>
public sealed record FlowTaskDefinition(
    string Name,
    string TypeName,
    string Resource,
    string Service,
    int Timeout,
    int Cpu,
    int Memory,
    string? Spec,
    int Concurrency,
    int HeartbeatInterval,
    int AutoscalingMin,
    int AutoscalingMax)
{
    internal JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["name"] = Name,
            ["resource"] = Resource,
            ["service"] = Service,
            ["timeout"] = Timeout,
            ["memory"] = Memory,
        };
        if (Service.StartsWith("ecs", StringComparison.Ordinal))
        {
            json["cpu"] = Cpu;
        }

        if (Service == Rheo.Flows.TaskService.EcsWorker)
        {
            json["spec"] = Spec;
            json["concurrency"] = Concurrency;
            json["heartbeatInterval"] = HeartbeatInterval == 0 ? null : HeartbeatInterval;
            json["autoscalingMin"] = AutoscalingMin;
            json["autoscalingMax"] = AutoscalingMax;
        }

        return json;
    }
}

/// <summary>A state machine method compiled to Amazon States Language.</summary>
/// <param name="Name">The method's name.</param>
/// <param name="Definition">The ASL definition.</param>
/// <param name="Exported">Whether it is <c>Main</c> or has <c>[Export]</c>, <c>[Schedule]</c> or <c>[Subscribe]</c>.</param>
/// <param name="Triggers">The schedule and subscriptions that start it: <c>{"type": "schedule", "expression"}</c>, <c>{"type": "subscribe", ...}</c>.</param>
/// <param name="EventProcessor">With <c>[ProcessEvents]</c>: the processor class, or <c>default</c>.</param>
public sealed record FlowStateMachine(string Name, JsonObject Definition, bool Exported, IReadOnlyList<JsonObject> Triggers, string? EventProcessor)
{
    /// <summary>The definition as indented JSON text.</summary>
    public string DefinitionJson => Definition.ToJsonString(FlowCompilation.Indented);
}

/// <summary>An event processor class of a flow file.</summary>
/// <param name="Name">The class's name.</param>
/// <param name="TypeName">The class's full metadata name.</param>
/// <param name="CustomTags">The event types it adds custom tags for (ExecutionStarted, ExecutionSucceeded, ExecutionFailed).</param>
public sealed record FlowEventProcessorDefinition(string Name, string TypeName, IReadOnlyList<string> CustomTags);

/// <summary>The result of compiling a flow file: every diagnostic, and when there is no error the state machines, tasks and manifest.</summary>
public sealed class FlowCompilation
{
    internal static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal FlowCompilation(
        string path,
        IReadOnlyList<FlowDiagnostic> diagnostics,
        IReadOnlyList<FlowStateMachine> stateMachines,
        IReadOnlyList<FlowTaskDefinition> tasks,
        IReadOnlyList<FlowEventProcessorDefinition> eventProcessors,
        CSharpCompilation csharp)
    {
        Path = path;
        Diagnostics = diagnostics;
        StateMachines = stateMachines;
        Tasks = tasks;
        EventProcessors = eventProcessors;
        CSharp = csharp;
    }

    /// <summary>The flow file's path as given.</summary>
    public string Path { get; }

    /// <summary>Every diagnostic, in source order.</summary>
    public IReadOnlyList<FlowDiagnostic> Diagnostics { get; }

    /// <summary>Whether any diagnostic is an error (then nothing else is usable).</summary>
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>Every state machine method that is exported (Main, [Export], [Schedule], [Subscribe]).</summary>
    public IReadOnlyList<FlowStateMachine> StateMachines { get; }

    /// <summary>Every task class.</summary>
    public IReadOnlyList<FlowTaskDefinition> Tasks { get; }

    /// <summary>Every event processor class.</summary>
    public IReadOnlyList<FlowEventProcessorDefinition> EventProcessors { get; }

    internal CSharpCompilation CSharp { get; }

    /// <summary>The manifest: state machines (file, triggers, event processor), tasks with their settings, event processors.</summary>
    public JsonObject Manifest()
    {
        var machines = new JsonArray();
        foreach (var machine in StateMachines)
        {
            machines.Add(new JsonObject
            {
                ["name"] = machine.Name,
                ["definition"] = $"{machine.Name}.asl.json",
                ["triggers"] = new JsonArray([.. machine.Triggers.Select(t => (JsonNode)t.DeepClone())]),
                ["eventProcessor"] = machine.EventProcessor,
            });
        }

        return new JsonObject
        {
            ["source"] = System.IO.Path.GetFileName(Path),
            ["stateMachines"] = machines,
            ["tasks"] = new JsonArray([.. Tasks.Select(t => (JsonNode)t.ToJson())]),
            ["eventProcessors"] = new JsonArray([.. EventProcessors.Select(p => (JsonNode)new JsonObject
            {
                ["name"] = p.Name,
                ["customTags"] = new JsonArray([.. p.CustomTags.Select(t => (JsonNode)JsonValue.Create(t))]),
            })]),
        };
    }

    /// <summary>The manifest as indented JSON text.</summary>
    public string ManifestJson() => Manifest().ToJsonString(Indented);

    /// <summary>Writes <c>{Machine}.asl.json</c> for each exported state machine and <c>manifest.json</c> into <paramref name="directory"/>.</summary>
    /// <returns>The files written.</returns>
    /// <exception cref="InvalidOperationException">The compilation has errors.</exception>
    public async Task<IReadOnlyList<string>> WriteAsync(string directory, CancellationToken cancellationToken)
    {
        if (HasErrors)
        {
            throw new InvalidOperationException($"The flow '{Path}' has errors; write only a compilation without them.");
        }

        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var (name, text) in StateMachines.Select(m => ($"{m.Name}.asl.json", m.DefinitionJson)).Append(("manifest.json", ManifestJson())))
        {
            var file = System.IO.Path.Combine(directory, name);
            await File.WriteAllTextAsync(file, text + "\n", cancellationToken).ConfigureAwait(false);
            written.Add(file);
        }

        return written;
    }
}
