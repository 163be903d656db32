using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rheo.Core.Dimensions;
using Rheo.Core.Filters;
using Rheo.Core.Links;
using Rheo.Core.Signals;
using Rheo.Runtime.Compute;
using Rheo.Runtime.Hooks;

namespace Rheo.Runtime.Nodes;

/// <summary>Writes node definitions as JSON and reads them back, so an activated topology reloads in another process.</summary>
/// <remarks>Nodes are written in definition order (every input before its consumer) and rebuilt through the same code as the API.</remarks>
internal static class TopologyJson
{
    public const int FormatVersion = 1;

    public static string Write(IEnumerable<NodeDefinition> nodes)
    {
        var array = new JsonArray();
        foreach (var node in nodes)
        {
            array.Add(WriteNode(node));
        }

        return new JsonObject { ["format"] = FormatVersion, ["nodes"] = array }.ToJsonString();
    }

    /// <summary>Reads nodes back; <paramref name="build"/> turns each data node definition into its compiled form (the application's <c>CreateData</c> path).</summary>
    public static List<NodeDefinition> Read(string json, Func<DataNode, DataNode> build)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var nodes = new Dictionary<string, NodeDefinition>(StringComparer.Ordinal);
        var ordered = new List<NodeDefinition>();
        foreach (var item in root["nodes"]!.AsArray())
        {
            var o = item!.AsObject();
            NodeDefinition node = (string)o["kind"]! switch
            {
                "timer" => new TimerNode((string)o["id"]!, (string)o["schedule"]!, (string)o["timeDimension"]!, (string)o["format"]!, Enum.Parse<DatetimeGranularity>((string)o["granularity"]!), (int)o["shift"]!),
                "external" => ReadExternal(o),
                "data" => build(ReadData(o, nodes)),
                "failure" => new FailureNode((string)o["id"]!, (string)o["of"]!, nodes[(string)o["of"]!].Signal.Spec),
                var kind => throw new InvalidOperationException($"The stored topology holds a node of unknown kind '{kind}'; it was written by a newer Rheo."),
            };
            nodes[node.Id] = node;
            ordered.Add(node);
        }

        return ordered;
    }

    private static JsonObject WriteNode(NodeDefinition node) => node switch
    {
        TimerNode t => new JsonObject
        {
            ["kind"] = "timer",
            ["id"] = t.Id,
            ["schedule"] = t.Schedule,
            ["timeDimension"] = t.TimeDimension,
            ["format"] = t.Format,
            ["granularity"] = t.Granularity.ToString(),
            ["shift"] = t.Shift,
        },
        ExternalDataNode e => new JsonObject
        {
            ["kind"] = "external",
            ["id"] = e.Id,
            ["dataset"] = new JsonObject { ["folder"] = e.Dataset.Folder, ["partitionKeys"] = Strings(e.Dataset.PartitionKeys), ["format"] = e.Dataset.Format },
            ["spec"] = WriteSpec(e.Spec),
            ["filter"] = WriteFilter(e.Spec, e.Filter),
            ["protocol"] = new JsonObject { ["kind"] = e.Protocol.Kind, ["file"] = e.Protocol.CompletionFile },
        },
        DataNode d => WriteData(d),
        FailureNode f => new JsonObject { ["kind"] = "failure", ["id"] = f.Id, ["of"] = f.Of },
        _ => throw new ArgumentException($"Node '{node.Id}' of type {node.GetType().Name} cannot be persisted.", nameof(node)),
    };

    private static JsonObject WriteData(DataNode d)
    {
        var inputs = new JsonArray();
        foreach (var s in d.Inputs)
        {
            inputs.Add(new JsonObject { ["node"] = s.NodeId, ["alias"] = s.Alias, ["filter"] = WriteFilter(s.Spec, s.Filter), ["reference"] = s.IsReference, ["rangeCheck"] = s.IsRangeCheck });
        }

        var inputLinks = new JsonArray();
        foreach (var l in d.InputLinks)
        {
            inputLinks.Add(new JsonObject { ["target"] = WriteDims(l.Target), ["mapper"] = WriteMapper(l.Mapper), ["source"] = WriteDims(l.Source) });
        }

        var outputLinks = new JsonArray();
        foreach (var l in d.OutputLinks)
        {
            outputLinks.Add(new JsonObject
            {
                ["kind"] = l.Kind.ToString(),
                ["output"] = Strings(l.OutputDimensions),
                ["mapper"] = WriteMapper(l.Mapper),
                ["input"] = l.Input is { } i ? WriteDims(i) : null,
                ["literal"] = l.LiteralValue switch
                {
                    null => null,
                    long n => n,
                    int n => n,
                    DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
                    var v => Convert.ToString(v, CultureInfo.InvariantCulture),
                },
            });
        }

        var targets = new JsonArray();
        foreach (var t in d.ComputeTargets)
        {
            targets.Add(t switch
            {
                NoOpComputeTarget => new JsonObject { ["kind"] = "noop" },
                InlinedComputeTarget i => new JsonObject { ["kind"] = "inlined", ["type"] = i.TypeName, ["retryCount"] = i.RetryCount },
                CSharpComputeTarget c => new JsonObject { ["kind"] = "csharp", ["code"] = c.Code, ["retryCount"] = c.RetryCount },
                ProcessComputeTarget p => new JsonObject
                {
                    ["kind"] = "process",
                    ["fileName"] = p.FileName,
                    ["arguments"] = Strings(p.Arguments),
                    ["environment"] = new JsonObject([.. p.Environment.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))]),
                    ["timeoutSeconds"] = p.Timeout?.TotalSeconds,
                    ["retryCount"] = p.RetryCount,
                },
                StateMachineComputeTarget m => new JsonObject
                {
                    ["kind"] = "stateMachine",
                    ["name"] = m.Name,
                    ["definition"] = m.Definition,
                    ["tasks"] = m.TasksTypeName,
                    ["retryCount"] = m.RetryCount,
                },
                JobMapComputeTarget j => new JsonObject { ["kind"] = "jobMap", ["map"] = j.Map, ["taskAssemblies"] = Strings(j.TaskAssemblies), ["retryCount"] = j.RetryCount },
                StepFlows.FlowActionTarget a => WriteFlowAction(a),
                _ => throw new ArgumentException($"Node '{d.Id}': the compute target {t.GetType().Name} cannot be persisted."),
            });
        }

        return new JsonObject
        {
            ["kind"] = "data",
            ["id"] = d.Id,
            ["inputs"] = inputs,
            ["inputLinks"] = inputLinks,
            ["outputSpec"] = d.OutputSpec is { } spec ? WriteSpec(spec) : null,
            ["outputFilter"] = d.OutputFilter is { } f ? WriteFilter(d.Signal.Spec, f) : null,
            ["outputLinks"] = outputLinks,
            ["computeTargets"] = targets,
            ["executionHook"] = d.ExecutionHook is { } eh ? WriteExecutionHook(eh) : null,
            ["pendingNodeHook"] = d.PendingNodeHook is { } ph ? new JsonObject
            {
                ["onPendingNodeCreated"] = ph.OnPendingNodeCreated?.TypeName,
                ["onExpiration"] = ph.OnExpiration?.TypeName,
                ["checkpoints"] = WriteCheckpoints(ph.Checkpoints),
            } : null,
            ["pendingNodeTtlSeconds"] = d.PendingNodeTtl?.TotalSeconds,
            ["autoInputLinking"] = d.AutoInputLinking,
            ["autoOutputLinking"] = d.AutoOutputLinking,
            ["metadata"] = new JsonObject([.. d.Metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))]),
        };
    }

    /// <summary>A fingerprint of what a route computes (inputs, links, output, compute targets); hooks, TTL and metadata are left out, so changing them keeps the route's pending groups.</summary>
    public static string Integrity(DataNode node)
    {
        var o = WriteData(node);
        foreach (var key in (string[])["executionHook", "pendingNodeHook", "pendingNodeTtlSeconds", "metadata"])
        {
            o.Remove(key);
        }

        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(o.ToJsonString())))[..32];
    }

    private static JsonObject WriteExecutionHook(ExecutionHook h) => new()
    {
        ["onExecutionBegin"] = h.OnExecutionBegin?.TypeName,
        ["onExecutionSkipped"] = h.OnExecutionSkipped?.TypeName,
        ["onComputeSuccess"] = h.OnComputeSuccess?.TypeName,
        ["onComputeFailure"] = h.OnComputeFailure?.TypeName,
        ["onComputeRetry"] = h.OnComputeRetry?.TypeName,
        ["onSuccess"] = h.OnSuccess?.TypeName,
        ["onFailure"] = h.OnFailure?.TypeName,
        ["checkpoints"] = WriteCheckpoints(h.Checkpoints),
    };

    private static JsonArray WriteCheckpoints(IEnumerable<HookCheckpoint> checkpoints) =>
        [.. checkpoints.Select(c => (JsonNode)new JsonObject { ["afterSeconds"] = c.After.TotalSeconds, ["hook"] = c.Hook.TypeName })];

    private static ExternalDataNode ReadExternal(JsonObject o)
    {
        var spec = ReadSpec(o["spec"]!.AsArray());
        var dataset = o["dataset"]!.AsObject();
        var protocol = o["protocol"]!.AsObject();
        return new ExternalDataNode((string)o["id"]!, new LocalDataset((string)dataset["folder"]!, ReadStrings(dataset["partitionKeys"]), (string)dataset["format"]!), spec,
            ReadFilter(spec, o["filter"]!.AsArray()), (string?)protocol["file"] is { } file ? IntegrityProtocol.CompletionFileNamed(file) : IntegrityProtocol.None);
    }

    private static DataNode ReadData(JsonObject o, Dictionary<string, NodeDefinition> nodes)
    {
        var id = (string)o["id"]!;
        var inputs = new List<Signal>();
        foreach (var item in o["inputs"]!.AsArray())
        {
            var i = item!.AsObject();
            var nodeId = (string)i["node"]!;
            var upstream = nodes.TryGetValue(nodeId, out var n) ? n.Signal : throw new InvalidOperationException($"The stored topology's node '{id}' reads node '{nodeId}', which is not defined before it.");
            var signal = upstream.Where(ReadFilter(upstream.Spec, i["filter"]!.AsArray()));
            if ((string?)i["alias"] is { } alias)
            {
                signal = signal.As(alias);
            }

            if ((bool)i["reference"]!)
            {
                signal = signal.Ref;
            }

            inputs.Add((bool)i["rangeCheck"]! ? signal.RangeCheck() : signal);
        }

        SignalDimensions Dims(JsonNode? node)
        {
            var d = node!.AsObject();
            var name = (string)d["input"]!;
            var signal = inputs.FirstOrDefault(s => s.InputName == name) ?? throw new InvalidOperationException($"The stored topology's node '{id}' links input '{name}', which it does not have.");
            return signal.Dims([.. ReadStrings(d["dims"])]);
        }

        var outputSpec = o["outputSpec"] is JsonArray specArray ? ReadSpec(specArray) : null;
        var executionHook = o["executionHook"] as JsonObject;
        var pendingHook = o["pendingNodeHook"] as JsonObject;
        var node = new DataNode(id)
        {
            Inputs = inputs,
            InputLinks = [.. o["inputLinks"]!.AsArray().Select(l => new InputLink(Dims(l!["target"]), ReadMapper(l!["mapper"]!.AsObject()), Dims(l["source"])))],
            OutputSpec = outputSpec,
            OutputLinks = [.. o["outputLinks"]!.AsArray().Select(l => ReadOutputLink(l!.AsObject(), Dims))],
            ComputeTargets = [.. o["computeTargets"]!.AsArray().Select(t => ReadTarget(t!.AsObject()))],
            ExecutionHook = executionHook is null ? null : new ExecutionHook
            {
                OnExecutionBegin = Hook(executionHook["onExecutionBegin"]),
                OnExecutionSkipped = Hook(executionHook["onExecutionSkipped"]),
                OnComputeSuccess = Hook(executionHook["onComputeSuccess"]),
                OnComputeFailure = Hook(executionHook["onComputeFailure"]),
                OnComputeRetry = Hook(executionHook["onComputeRetry"]),
                OnSuccess = Hook(executionHook["onSuccess"]),
                OnFailure = Hook(executionHook["onFailure"]),
                Checkpoints = ReadCheckpoints(executionHook["checkpoints"]),
            },
            PendingNodeHook = pendingHook is null ? null : new PendingNodeHook
            {
                OnPendingNodeCreated = Hook(pendingHook["onPendingNodeCreated"]),
                OnExpiration = Hook(pendingHook["onExpiration"]),
                Checkpoints = ReadCheckpoints(pendingHook["checkpoints"]),
            },
            PendingNodeTtl = (double?)o["pendingNodeTtlSeconds"] is { } ttl ? TimeSpan.FromSeconds(ttl) : null,
            AutoInputLinking = (bool)o["autoInputLinking"]!,
            AutoOutputLinking = (bool)o["autoOutputLinking"]!,
            Metadata = o["metadata"]!.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!, StringComparer.Ordinal),
        };

        // Without an output spec the route adopts the first input's, which is the spec the filter was written with.
        if (o["outputFilter"] is JsonArray filterRows)
        {
            node = node with { OutputFilter = ReadFilter(outputSpec ?? inputs[0].Spec, filterRows) };
        }

        return node;
    }

    private static OutputLink ReadOutputLink(JsonObject l, Func<JsonNode?, SignalDimensions> dims)
    {
        var output = ReadStrings(l["output"]);
        var mapper = ReadMapper(l["mapper"]!.AsObject());
        return Enum.Parse<OutputLinkKind>((string)l["kind"]!) switch
        {
            OutputLinkKind.FromInput => OutputLink.From(output[0], mapper, dims(l["input"])),
            OutputLinkKind.ToInput => OutputLink.To(dims(l["input"]), mapper, [.. output]),
            _ => OutputLink.Literal(output[0], l["literal"]!.GetValueKind() == JsonValueKind.Number ? (long)l["literal"]! : (string)l["literal"]!, mapper),
        };
    }

    private static ComputeTarget ReadTarget(JsonObject t) => (string)t["kind"]! switch
    {
        "noop" => ComputeTarget.NoOp,
        "inlined" => new InlinedComputeTarget((string)t["type"]!, (int)t["retryCount"]!),
        "csharp" => new CSharpComputeTarget((string)t["code"]!, (int)t["retryCount"]!),
        "process" => new ProcessComputeTarget((string)t["fileName"]!, ReadStrings(t["arguments"]),
            t["environment"]!.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!, StringComparer.Ordinal),
            (double?)t["timeoutSeconds"] is { } s ? TimeSpan.FromSeconds(s) : null, (int)t["retryCount"]!),
        "stateMachine" => new StateMachineComputeTarget((string?)t["name"], (string)t["definition"]!, (string?)t["tasks"], (int)t["retryCount"]!),
        "jobMap" => new JobMapComputeTarget((string)t["map"]!, ReadStrings(t["taskAssemblies"]), (int)t["retryCount"]!),
        "flowAction" => ReadFlowAction(t),
        var kind => throw new InvalidOperationException($"The stored topology holds a compute target of unknown kind '{kind}'."),
    };

    private static JsonObject WriteFlowAction(StepFlows.FlowActionTarget a) => new()
    {
        ["kind"] = "flowAction",
        ["step"] = a.Step,
        ["phase"] = a.Phase.ToString(),
        ["index"] = a.Index,
        ["count"] = a.Count,
        ["action"] = a.Action.Kind,
        ["name"] = a.Action.Name,
        ["arguments"] = new JsonObject([.. a.Action.Arguments.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))]),
        ["retryCount"] = a.RetryCount,
    };

    private static StepFlows.FlowActionTarget ReadFlowAction(JsonObject t) => new(
        (string)t["step"]!,
        Enum.Parse<StepFlows.FlowActionPhase>((string)t["phase"]!),
        new StepFlows.FlowAction((string)t["action"]!, (string)t["name"]!, t["arguments"]!.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!, StringComparer.Ordinal), (int)t["retryCount"]!),
        (int)t["index"]!,
        (int)t["count"]!);

    private static HookRef? Hook(JsonNode? node) => (string?)node is { } name ? new HookRef(name) : null;

    private static List<HookCheckpoint> ReadCheckpoints(JsonNode? node) =>
        node is JsonArray a ? [.. a.Select(c => new HookCheckpoint(TimeSpan.FromSeconds((double)c!["afterSeconds"]!), new HookRef((string)c["hook"]!)))] : [];

    private static JsonObject WriteDims(SignalDimensions d) => new() { ["input"] = d.Signal.InputName, ["dims"] = Strings(d.Dimensions) };

    private static JsonObject WriteMapper(DimensionMapper mapper) => mapper.Definition is { } def
        ? new JsonObject { ["kind"] = def.Kind, ["params"] = new JsonObject([.. def.Parameters.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))]) }
        : new JsonObject { ["kind"] = "delegate", ["arity"] = mapper.Arity };

    private static DimensionMapper ReadMapper(JsonObject o)
    {
        var kind = (string)o["kind"]!;
        if (kind == "delegate")
        {
            return new UnavailableMapper((int)o["arity"]!);
        }

        return DimensionMapper.FromDefinition(new MapperDefinition(kind, o["params"]!.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!, StringComparer.Ordinal)));
    }

    internal static JsonArray WriteSpec(DimensionSpec spec) => [.. spec.Select(d => (JsonNode)new JsonObject
    {
        ["name"] = d.Name, ["type"] = d.Type.ToString(), ["granularity"] = d.Granularity.ToString(), ["format"] = d.Format?.Pattern,
        ["timeZone"] = d.TimeZone, ["digits"] = d.Digits, ["case"] = d.Case.ToString(),
    })];

    internal static DimensionSpec ReadSpec(JsonArray array) => DimensionSpec.Of([.. array.Select(n =>
    {
        var o = n!.AsObject();
        var name = (string)o["name"]!;
        return Enum.Parse<DimensionType>((string)o["type"]!) switch
        {
            DimensionType.String => Dimension.String(name, Enum.Parse<StringCase>((string)o["case"]!)),
            DimensionType.Long => Dimension.Long(name, (int?)o["digits"]),
            _ => Dimension.DateTime(name, Enum.Parse<DatetimeGranularity>((string)o["granularity"]!), (string?)o["format"], (string)o["timeZone"]!),
        };
    })]);

    private static JsonArray WriteFilter(DimensionSpec spec, DimensionFilter filter) => [.. filter.ToRows(spec).Select(r => (JsonNode)Strings(r))];

    private static DimensionFilter ReadFilter(DimensionSpec spec, JsonArray rows) =>
        DimensionFilter.Of(spec, [.. rows.Select(r => ReadStrings(r).Cast<object?>().ToArray())]);

    private static JsonArray Strings(IEnumerable<string> values) => [.. values.Select(v => (JsonNode)JsonValue.Create(v))];

    private static List<string> ReadStrings(JsonNode? node) => node is JsonArray a ? [.. a.Select(v => (string)v!)] : [];

    // A link mapper given as a delegate cannot be persisted; the reloaded route says so when it is used.
    private sealed class UnavailableMapper(int arity) : DimensionMapper
    {
        public override int Arity => arity;

        public override MapperDefinition? Definition => null;

        public override object Map(ReadOnlySpan<object> sources) =>
            throw new InvalidOperationException("This link's mapper was a delegate, which is not persisted; re-define the node (or use a built-in mapper) in the process that runs the application.");
    }
}
