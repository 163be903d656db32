using System.Globalization;
using System.Text.Json.Nodes;

namespace Rheo.States.Jobs;

/// <summary>
/// Compiles a validated job map to Amazon States Language (see <c>docs/decisions/0020-job-maps-compile-to-asl.md</c>).
/// </summary>
/// <remarks>
/// Every scope of the compiled machine carries one value: <c>{"out:NAME": [...], "agg:NAME": [...], "error": [...]}</c>,
/// the dictionaries that reached each output and aggregate, and the caught failures. A task's chain ends in a Pass
/// that wraps the dictionary reaching an output (or an aggregate) in such an object; Map and Parallel flatten the
/// objects of their iterations and branches with a <c>ResultSelector</c> of indefinite paths
/// (<c>$[*]['out:NAME'][*]</c>), so fan-out at any depth ends in one flat list per output, in a deterministic order.
/// Aggregates split the job into stages run one after the other; a stage reads what earlier stages gathered for it.
/// </remarks>
internal static class JobCompiler
{
    /// <summary>The most states a compiled job may have: workflows full of diamonds duplicate their shared tails.</summary>
    public const int MaxStates = 10_000;

    /// <summary>The result key of the caught failures.</summary>
    public const string ErrorKey = "error";

    public static string OutputKey(string output) => "out:" + output;

    public static string AggregateKey(string aggregate) => "agg:" + aggregate;

    public static JsonObject Compile(JobMap map) => new Emitter(map).Machine();

    /// <summary>A JSONPath bracket for any name.</summary>
    private static string Bracket(string name) => "['" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "']";

    /// <summary>Thrown while compiling when the machine would pass <see cref="MaxStates"/>.</summary>
    internal sealed class TooLargeException(string message) : Exception(message);

    /// <summary>The result keys a scope produces, in the order they were first met.</summary>
    private sealed class Keys
    {
        private readonly List<string> _order = [];
        private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

        public IReadOnlyList<string> Order => _order;

        public void Add(string key)
        {
            if (_seen.Add(key))
            {
                _order.Add(key);
            }
        }

        public void AddAll(Keys other)
        {
            foreach (var key in other._order)
            {
                Add(key);
            }
        }

        /// <summary>The <c>ResultSelector</c> that flattens an array of scope values into one.</summary>
        public JsonObject Flatten()
        {
            var selector = new JsonObject();
            foreach (var key in _order)
            {
                selector[key + ".$"] = "$[*]" + Bracket(key) + "[*]";
            }

            return selector;
        }
    }

    private sealed class Emitter(JobMap map)
    {
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);

        public JsonObject Machine()
        {
            var order = TopologicalOrder();
            var aggregates = order.Where(t => t.Type == JobTaskType.Aggregate).ToList();
            var stageNames = new List<string> { Allocate(map.Input.Name) };
            stageNames.AddRange(aggregates.Select(a => Allocate(a.Name)));
            var finalName = Allocate("outputs");

            var states = new JsonObject();
            for (var stage = 0; stage <= aggregates.Count; stage++)
            {
                var scope = new JsonObject();
                var keys = new Keys();
                JsonObject state;
                if (stage == 0)
                {
                    var start = EmitChildren(map.Input, scope, keys);
                    state = new JsonObject
                    {
                        ["Type"] = "Map",
                        ["Comment"] = "The input task: every dictionary of the datasource, each through the rest of the job.",
                        ["ItemsPath"] = "$.input",
                        ["ItemProcessor"] = Scope(start, scope),
                    };
                    if (map.Input.MaxConcurrency is { } limit)
                    {
                        state["MaxConcurrency"] = limit;
                    }
                }
                else
                {
                    var aggregate = aggregates[stage - 1];
                    var start = aggregate.WindowSize is { } size ? EmitWindows(aggregate, size, scope, keys) : EmitAggregate(aggregate, scope, keys);
                    state = new JsonObject
                    {
                        ["Type"] = "Parallel",
                        ["Comment"] = $"The aggregate '{aggregate.Name}': every dictionary gathered for it, as one.",
                        ["Parameters"] = new JsonObject { ["items.$"] = "$.results.*" + Bracket(AggregateKey(aggregate.Name)) + "[*]" },
                        ["Branches"] = new JsonArray(Scope(start, scope)),
                    };
                }

                state["ResultSelector"] = keys.Flatten();
                state["ResultPath"] = "$.results.s" + stage.ToString(CultureInfo.InvariantCulture);
                state["Next"] = stage < aggregates.Count ? stageNames[stage + 1] : finalName;
                states[stageNames[stage]] = state;
            }

            var outputs = new JsonObject();
            foreach (var output in map.Outputs)
            {
                outputs[output.Name + ".$"] = "$.results.*" + Bracket(OutputKey(output.Name)) + "[*]";
            }

            states[finalName] = new JsonObject
            {
                ["Type"] = "Pass",
                ["Parameters"] = new JsonObject { ["outputs"] = outputs, ["errors.$"] = "$.results.*" + Bracket(ErrorKey) + "[*]" },
                ["End"] = true,
            };
            return new JsonObject
            {
                ["Comment"] = $"The job '{map.Name}', compiled by Rheo from its job map.",
                ["StartAt"] = stageNames[0],
                ["States"] = states,
            };
        }

        private string EmitAggregate(JobTask aggregate, JsonObject states, Keys keys) =>
            aggregate.RunsTask ? EmitTask(aggregate, states, keys, aggregate.Name + " (reduce)") : EmitContinuation(aggregate, states, keys);

        /// <summary>Splits the gathered items into windows of <paramref name="size"/> and runs the aggregate on each, concurrently.</summary>
        private string EmitWindows(JobTask aggregate, int size, JsonObject states, Keys keys)
        {
            var split = Allocate(aggregate.Name + " (windows)");
            var each = Allocate(aggregate.Name + " (each window)");
            states[split] = new JsonObject
            {
                ["Type"] = "Pass",
                ["Parameters"] = new JsonObject { ["windows.$"] = "States.ArrayPartition($.items, " + size.ToString(CultureInfo.InvariantCulture) + ")" },
                ["Next"] = each,
            };
            var scope = new JsonObject();
            var scopeKeys = new Keys();
            var start = EmitAggregate(aggregate, scope, scopeKeys);
            states[each] = new JsonObject
            {
                ["Type"] = "Map",
                ["ItemsPath"] = "$.windows",
                ["ItemSelector"] = new JsonObject { ["items.$"] = "$$.Map.Item.Value", ["window.$"] = "$$.Map.Item.Index" },
                ["ItemProcessor"] = Scope(start, scope),
                ["ResultSelector"] = scopeKeys.Flatten(),
                ["End"] = true,
            };
            keys.AddAll(scopeKeys);
            return split;
        }

        private static JsonObject Scope(string start, JsonObject states) => new() { ["StartAt"] = start, ["States"] = states };

        /// <summary>Tasks in an order where every task comes after the tasks that flow into it (catchers included).</summary>
        private List<JobTask> TopologicalOrder()
        {
            var next = map.Tasks.ToDictionary(
                t => t.Name,
                t => map.ChildrenOf(t).Concat(t.Catch.Where(c => c.Next is not null).Select(c => map[c.Next!])).ToList(),
                StringComparer.Ordinal);
            var incoming = map.Tasks.ToDictionary(t => t.Name, _ => 0, StringComparer.Ordinal);
            foreach (var target in next.Values.SelectMany(n => n))
            {
                incoming[target.Name]++;
            }

            var ready = new Queue<JobTask>(map.Tasks.Where(t => incoming[t.Name] == 0));
            var order = new List<JobTask>();
            while (ready.TryDequeue(out var task))
            {
                order.Add(task);
                foreach (var target in next[task.Name])
                {
                    if (--incoming[target.Name] == 0)
                    {
                        ready.Enqueue(target);
                    }
                }
            }

            return order;
        }

        /// <summary>A state name unique in the whole machine (as Step Functions requires) and at most 80 characters.</summary>
        private string Allocate(string wanted)
        {
            if (_names.Count >= MaxStates)
            {
                throw new TooLargeException($"The job would compile to more than {MaxStates} states: tasks reached along many paths are repeated once per path. Put an aggregate where paths join, or split the job.");
            }

            var stem = wanted.Length > 70 ? wanted[..70] : wanted;
            var name = stem;
            for (var n = 2; !_names.Add(name); n++)
            {
                name = $"{stem} ({n.ToString(CultureInfo.InvariantCulture)})";
            }

            return name;
        }

        /// <summary>The states that take one dictionary arriving at <paramref name="task"/> to the end of its stage.</summary>
        private string EmitNode(JobTask task, JsonObject states, Keys keys)
        {
            switch (task.Type)
            {
                case JobTaskType.Output:
                    return EmitCollector(task.Name, OutputKey(task.Name), states, keys);
                case JobTaskType.Aggregate:
                    return EmitCollector(task.Name + " (gather)", AggregateKey(task.Name), states, keys);
                default:
                    return EmitTask(task, states, keys, task.Name);
            }
        }

        private string EmitCollector(string wanted, string key, JsonObject states, Keys keys)
        {
            var name = Allocate(wanted);
            states[name] = new JsonObject
            {
                ["Type"] = "Pass",
                ["Parameters"] = new JsonObject { [key + ".$"] = "States.Array($)" },
                ["End"] = true,
            };
            keys.Add(key);
            return name;
        }

        private string EmitTask(JobTask task, JsonObject states, Keys keys, string wanted)
        {
            var name = Allocate(wanted);
            var state = new JsonObject { ["Type"] = "Task", ["Resource"] = task.Resource };
            states[name] = state;
            if (task.TimeoutSeconds is { } timeout)
            {
                state["TimeoutSeconds"] = timeout;
            }

            if (task.Retry.Count > 0)
            {
                state["Retry"] = new JsonArray([.. task.Retry.Select(r => (JsonNode?)Retrier(r))]);
            }

            state["Next"] = EmitContinuation(task, states, keys);
            if (task.Catch.Count > 0)
            {
                string? dropped = null;
                var catchers = new JsonArray();
                foreach (var c in task.Catch)
                {
                    var catcher = new JsonObject { ["ErrorEquals"] = Strings(c.Errors) };
                    if (c.Next is { } handler)
                    {
                        catcher["ResultPath"] = "$.error";
                        catcher["Next"] = EmitNode(map[handler], states, keys);
                    }
                    else
                    {
                        catcher["Next"] = dropped ??= EmitCaught(task, states, keys);
                    }

                    catchers.Add(catcher);
                }

                state["Catch"] = catchers;
            }

            return name;
        }

        private string EmitCaught(JobTask task, JsonObject states, Keys keys)
        {
            var record = Allocate(task.Name + " (caught)");
            var wrap = Allocate(task.Name + " (error)");
            states[record] = new JsonObject
            {
                ["Type"] = "Pass",
                ["Parameters"] = new JsonObject { ["task"] = task.Name, ["error.$"] = "$.Error", ["cause.$"] = "$.Cause" },
                ["Next"] = wrap,
            };
            states[wrap] = new JsonObject
            {
                ["Type"] = "Pass",
                ["Parameters"] = new JsonObject { [ErrorKey + ".$"] = "States.Array($)" },
                ["End"] = true,
            };
            keys.Add(ErrorKey);
            return record;
        }

        /// <summary>After a task: a Map over its list when it fans out, otherwise straight on to its children.</summary>
        private string EmitContinuation(JobTask task, JsonObject states, Keys keys)
        {
            if (!task.FansOut)
            {
                return EmitChildren(task, states, keys);
            }

            var name = Allocate(task.Name + " (fan-out)");
            var scope = new JsonObject();
            var scopeKeys = new Keys();
            var state = new JsonObject { ["Type"] = "Map" };
            states[name] = state;
            var start = EmitChildren(task, scope, scopeKeys);
            state["ItemProcessor"] = Scope(start, scope);
            if (task.MaxConcurrency is { } limit)
            {
                state["MaxConcurrency"] = limit;
            }

            state["ResultSelector"] = scopeKeys.Flatten();
            state["End"] = true;
            keys.AddAll(scopeKeys);
            return name;
        }

        /// <summary>The task's children: inline when there is one, a Parallel with a branch each when there are several.</summary>
        private string EmitChildren(JobTask task, JsonObject states, Keys keys)
        {
            var children = map.ChildrenOf(task);
            if (children.Count == 1)
            {
                return EmitNode(children[0], states, keys);
            }

            if (children.Count == 0)
            {
                // Only a catcher leads on from this task (validation saw to that): a success has nowhere to go.
                var done = Allocate(task.Name + " (done)");
                states[done] = new JsonObject { ["Type"] = "Pass", ["Result"] = new JsonObject(), ["End"] = true };
                return done;
            }

            var name = Allocate(task.Name + " (branches)");
            var state = new JsonObject { ["Type"] = "Parallel" };
            states[name] = state;
            var branches = new JsonArray();
            var branchKeys = new Keys();
            foreach (var child in children)
            {
                var scope = new JsonObject();
                var start = EmitNode(child, scope, branchKeys);
                branches.Add(Scope(start, scope));
            }

            state["Branches"] = branches;
            state["ResultSelector"] = branchKeys.Flatten();
            state["End"] = true;
            keys.AddAll(branchKeys);
            return name;
        }

        private static JsonObject Retrier(JobRetry retry)
        {
            var retrier = new JsonObject
            {
                ["ErrorEquals"] = Strings(retry.Errors),
                ["IntervalSeconds"] = retry.IntervalSeconds,
                ["MaxAttempts"] = retry.MaxAttempts,
                ["BackoffRate"] = retry.BackoffRate,
                ["JitterStrategy"] = retry.Jitter,
            };
            if (retry.MaxDelaySeconds is { } max)
            {
                retrier["MaxDelaySeconds"] = max;
            }

            return retrier;
        }

        private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
    }
}
