using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json.Nodes;
using Rheo.States.JsonPath;
using Rheo.States.Language;

namespace Rheo.States.Execution;

/// <summary>Options of the interpreter.</summary>
public sealed class InterpreterOptions
{
    /// <summary>The source for <c>States.UUID</c>, <c>States.MathRandom</c> without a seed, and full retry jitter.</summary>
    /// <remarks>Must be thread-safe when iterations run concurrently; <see cref="Random.Shared"/> is.</remarks>
    public Random Random { get; init; } = Random.Shared;

    /// <summary>Whether steps return history events (turn off for the last bit of speed).</summary>
    public bool RecordHistory { get; init; } = true;
}

/// <summary>
/// The Amazon States Language interpreter as a pure step function: <c>Advance(state, event, now)</c> returns the next
/// state and the commands the runtime must carry out (invoke a task, start a timer, start an iteration, complete).
/// </summary>
/// <remarks>
/// Stateless and thread-safe: all execution state lives in the <see cref="ExecutionState"/> values it returns. One
/// step runs as many states as it can without waiting (Pass, Choice, Succeed, Fail, elapsed Waits), so a chain of Pass
/// states costs one call.
/// </remarks>
public sealed class StateMachineInterpreter
{
    private const double MaxRetryDelaySeconds = 31_622_400;

    private readonly StateMachineDefinition _definition;

    /// <summary>Creates an interpreter for a validated definition.</summary>
    public StateMachineInterpreter(StateMachineDefinition definition, InterpreterOptions? options = null)
    {
        _definition = definition;
        Options = options ?? new InterpreterOptions();
    }

    /// <summary>The options in force.</summary>
    public InterpreterOptions Options { get; }

    /// <summary>Starts an execution: the first step, run as far as it goes without waiting.</summary>
    public Step Start(ExecutionStart start, DateTimeOffset now)
    {
        JsonNodes.Materialize(start.Input);
        var info = new ExecutionInfo(start.Input, start.ExecutionArn, start.ExecutionName, start.StateMachineArn, start.StateMachineName, start.RoleArn, Timestamp(now));
        var state = new ExecutionState { Scope = _definition.Root, Info = info, Status = ExecutionStatus.Running };
        var run = new Run(this, state, now);
        run.History("ExecutionStarted", input: start.Input, detail: start.ExecutionArn);
        if (_definition.TimeoutSeconds is { } timeout)
        {
            run.ExecutionTimeoutTimer = run.NewTimer(now.AddSeconds(timeout), "ExecutionTimeout");
        }

        run.Enter(_definition.Root.Start!, start.Input);
        return run.Finish();
    }

    /// <summary>Starts a Parallel branch or Map iteration that a parent step asked for.</summary>
    public Step StartIteration(StartIteration command, DateTimeOffset now)
    {
        var state = new ExecutionState { Scope = command.Scope, Info = command.Info, Status = ExecutionStatus.Running, Variables = command.Variables, IsIteration = true };
        var run = new Run(this, state, now);
        run.Enter(command.Scope.Start!, command.Input);
        return run.Finish();
    }

    /// <summary>Applies one event and runs on until the execution waits again or ends.</summary>
    /// <remarks>Events that no longer apply (a late answer for a task that timed out, anything after the end) are ignored.</remarks>
    public Step Advance(ExecutionState state, ExecutionEvent @event, DateTimeOffset now)
    {
        if (state.Status != ExecutionStatus.Running)
        {
            return new Step(state, [], []);
        }

        var run = new Run(this, state, now);
        run.Handle(@event);
        return run.Finish();
    }

    internal static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The mutable working copy of one step; frozen into a new <see cref="ExecutionState"/> at the end.</summary>
    private sealed class Run
    {
        private readonly StateMachineInterpreter _interpreter;
        private readonly ExecutionState _original;
        private readonly DateTimeOffset _now;
        private readonly List<ExecutionCommand> _commands = [];
        private readonly List<HistoryEvent>? _history;

        private ExecutionStatus _status;
        private State? _current;
        private JsonNode? _rawInput;
        private DateTimeOffset _enteredTime;
        private ImmutableDictionary<string, JsonNode?> _variables;
        private ImmutableArray<int> _retrierAttempts;
        private int _retryCount;
        private long _nextId;
        private Pending _waiting;
        private JsonNode? _output;
        private string? _error;
        private string? _cause;
        private State? _enterNext;
        private JsonNode? _enterInput;

        public Run(StateMachineInterpreter interpreter, ExecutionState state, DateTimeOffset now)
        {
            _interpreter = interpreter;
            _original = state;
            _now = now;
            _history = interpreter.Options.RecordHistory ? [] : null;
            _status = state.Status;
            _current = state.Current;
            _rawInput = state.RawInput;
            _enteredTime = state.EnteredTime;
            _variables = state.Variables;
            _retrierAttempts = state.RetrierAttempts;
            _retryCount = state.RetryCount;
            _nextId = state.NextId;
            _waiting = state.Waiting;
            ExecutionTimeoutTimer = state.ExecutionTimeoutTimer;
        }

        public long? ExecutionTimeoutTimer { get; set; }

        private Random Random => _interpreter.Options.Random;

        public Step Finish()
        {
            Drive();
            var state = _original with
            {
                Status = _status,
                Current = _current,
                RawInput = _rawInput,
                EnteredTime = _enteredTime,
                Variables = _variables,
                RetrierAttempts = _retrierAttempts,
                RetryCount = _retryCount,
                NextId = _nextId,
                Waiting = _waiting,
                ExecutionTimeoutTimer = ExecutionTimeoutTimer,
                Output = _output,
                Error = _error,
                Cause = _cause,
            };
            return new Step(state, _commands, (IReadOnlyList<HistoryEvent>?)_history ?? []);
        }

        public void History(string type, string? state = null, JsonNode? input = null, JsonNode? output = null, string? error = null, string? cause = null, string? detail = null) =>
            _history?.Add(new HistoryEvent(type, _now, state, input, output, error, cause, detail));

        public long NewTimer(DateTimeOffset due, string purpose)
        {
            var id = _nextId++;
            _commands.Add(new StartTimer(id, due, purpose));
            return id;
        }

        public void Handle(ExecutionEvent @event)
        {
            switch (@event)
            {
                case AbortRequested abort:
                    StopIterations();
                    Complete(ExecutionStatus.Aborted, null, abort.Error, abort.Cause);
                    return;
                case TimerFired fired when fired.TimerId == ExecutionTimeoutTimer:
                    StopIterations();
                    Complete(ExecutionStatus.TimedOut, null, ErrorNames.Timeout, "The execution ran longer than the state machine's TimeoutSeconds.");
                    return;
            }

            var state = _current!;
            switch (_waiting, @event)
            {
                case (Pending.ForTimer timer, TimerFired fired) when fired.TimerId == timer.TimerId:
                    _waiting = Pending.Nothing;
                    if (timer.IsRetry)
                    {
                        Guard(() => Execute(state));
                    }
                    else
                    {
                        Leave(state, timer.Output);
                    }

                    break;
                case (Pending.ForTask task, TaskSucceeded succeeded) when succeeded.InvocationId == task.InvocationId:
                    _waiting = Pending.Nothing;
                    JsonNodes.Materialize(succeeded.Output);
                    History("TaskSucceeded", state.Name, output: succeeded.Output, detail: state.Resource);
                    Guard(() => CompleteWithResult(state, succeeded.Output));
                    break;
                case (Pending.ForTask task, TaskFailed failed) when failed.InvocationId == task.InvocationId:
                    _waiting = Pending.Nothing;
                    History("TaskFailed", state.Name, error: failed.Error, cause: failed.Cause, detail: state.Resource);
                    HandleError(state, failed.Error, failed.Cause ?? string.Empty);
                    break;
                case (Pending.ForTask task, TimerFired fired) when fired.TimerId == task.TimeoutTimer || fired.TimerId == task.HeartbeatTimer:
                    _waiting = Pending.Nothing;
                    var heartbeat = fired.TimerId == task.HeartbeatTimer;
                    var cause = heartbeat ? "The task sent no heartbeat within HeartbeatSeconds." : "The task ran longer than its TimeoutSeconds.";
                    History("TaskTimedOut", state.Name, error: ErrorNames.Timeout, cause: cause, detail: state.Resource);
                    HandleError(state, ErrorNames.Timeout, cause);
                    break;
                case (Pending.ForIterations pending, IterationSucceeded succeeded) when pending.Progress.TryGetIndex(succeeded.IterationId, out var index):
                    OnIterationSucceeded(state, pending.Progress, index, succeeded.Output);
                    break;
                case (Pending.ForIterations pending, IterationFailed failed) when pending.Progress.TryGetIndex(failed.IterationId, out var index):
                    OnIterationFailed(state, pending.Progress, index, failed.Error, failed.Cause ?? string.Empty);
                    break;
                default:
                    // A late or unknown answer (e.g. a task that already timed out): nothing waits for it any more.
                    break;
            }
        }

        /// <summary>Queues the next state; <see cref="Finish"/> runs the queue in a loop so long chains do not recurse.</summary>
        public void Enter(State state, JsonNode? input)
        {
            _enterNext = state;
            _enterInput = input;
        }

        private void Drive()
        {
            while (_enterNext is { } state)
            {
                _enterNext = null;
                var input = _enterInput;
                _enterInput = null;
                DoEnter(state, input);
            }
        }

        private void DoEnter(State state, JsonNode? input)
        {
            _current = state;
            _rawInput = input;
            _enteredTime = _now;
            _retryCount = 0;
            _retrierAttempts = state.Retry.Count == 0 ? [] : ImmutableArray.Create(new int[state.Retry.Count]);
            History(state.EnteredEvent, state.Name, input: input);
            if (state.IsTransparent)
            {
                Leave(state, input);
                return;
            }

            Guard(() => Execute(state));
        }

        private void Guard(Action action)
        {
            try
            {
                action();
            }
            catch (StateFailure failure)
            {
                HandleError(_current!, failure.Error, failure.Cause);
            }
#pragma warning disable CA1031 // A defect in one state must end that execution with a reported error, not crash the runtime.
            catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                HandleError(_current!, ErrorNames.Runtime, $"An internal error occurred in the state '{_current!.Name}': {e.GetType().Name}: {e.Message}");
            }
        }

        /// <summary><paramref name="seconds"/> from now, or a States.Runtime error when that is past the calendar's end.</summary>
        private DateTimeOffset After(double seconds)
        {
            if (double.IsNaN(seconds) || seconds > (DateTimeOffset.MaxValue - _now).TotalSeconds)
            {
                throw new StateFailure(ErrorNames.Runtime, $"A wait of {seconds} seconds in the state '{_current!.Name}' is too long.");
            }

            return _now.AddSeconds(seconds);
        }

        /// <summary>Runs the current state; may leave it (and run on) or start waiting.</summary>
        private void Execute(State state)
        {
            switch (state.Type)
            {
                case StateType.Pass:
                    {
                        var effective = Parameters(state, InputPath(state, _rawInput));
                        var result = state.HasResult ? state.Result : effective;
                        Assign(state.Assign, result);
                        Leave(state, OutputPath(state, ResultPath(state.ResultPath, _rawInput, result)));
                        return;
                    }

                case StateType.Choice:
                    ExecuteChoice(state);
                    return;
                case StateType.Wait:
                    ExecuteWait(state);
                    return;
                case StateType.Succeed:
                    {
                        var output = OutputPath(state, InputPath(state, _rawInput));
                        History(state.ExitedEvent, state.Name, output: output);
                        Complete(ExecutionStatus.Succeeded, output, null, null);
                        return;
                    }

                case StateType.Fail:
                    {
                        var error = Text(state.Error, "Error");
                        var cause = Text(state.Cause, "Cause");
                        Complete(ExecutionStatus.Failed, null, error, cause);
                        return;
                    }

                case StateType.Task:
                    ExecuteTask(state);
                    return;
                case StateType.Parallel:
                    ExecuteParallel(state);
                    return;
                default:
                    ExecuteMap(state);
                    return;
            }
        }

        private void ExecuteChoice(State state)
        {
            var effective = InputPath(state, _rawInput);
            var roots = Roots(state, effective);
            State? next = null;
            foreach (var choice in state.Choices)
            {
                if (choice.Rule.Evaluate(roots))
                {
                    Assign(state.Assign, effective);
                    Assign(choice.Assign, effective);
                    next = choice.NextState;
                    break;
                }
            }

            if (next is null)
            {
                if (state.DefaultState is null)
                {
                    throw new StateFailure(ErrorNames.NoChoiceMatched, $"No Matches! The Choice state '{state.Name}' matched no rule and has no Default.");
                }

                Assign(state.Assign, effective);
                next = state.DefaultState;
            }

            var output = OutputPath(state, effective);
            History(state.ExitedEvent, state.Name, output: output);
            Enter(next, output);
        }

        private void ExecuteWait(State state)
        {
            var effective = InputPath(state, _rawInput);
            var roots = Roots(state, effective);
            DateTimeOffset due;
            if (state.Seconds.IsSet)
            {
                var seconds = Number(state.Seconds, roots, "SecondsPath");
                if (seconds < 0)
                {
                    throw new StateFailure(ErrorNames.Runtime, $"The Wait state '{state.Name}' was given {seconds} seconds; the value must not be negative.");
                }

                due = After(seconds);
            }
            else
            {
                var text = state.Timestamp.Value;
                if (state.Timestamp.Path is { } path && (!path.TryEvaluate(roots, out var node) || !JsonNodes.TryGetString(node, out text)))
                {
                    throw new StateFailure(ErrorNames.Runtime, $"The TimestampPath '{path.Text}' of the Wait state '{state.Name}' does not select a timestamp string.");
                }

                if (!ComparisonRule.TryParseTimestamp(text!, out due))
                {
                    throw new StateFailure(ErrorNames.Runtime, $"'{text}' is not an RFC 3339 timestamp.");
                }
            }

            Assign(state.Assign, effective);
            var output = OutputPath(state, effective);
            if (due <= _now)
            {
                Leave(state, output);
                return;
            }

            _waiting = new Pending.ForTimer(NewTimer(due, "Wait"), IsRetry: false, output);
        }

        private void ExecuteTask(State state)
        {
            var effective = Parameters(state, InputPath(state, _rawInput));
            var roots = Roots(state, effective);
            var id = _nextId++;
            History("TaskScheduled", state.Name, input: effective, detail: state.Resource);
            History("TaskStarted", state.Name, detail: state.Resource);
            _commands.Add(new InvokeTask(id, state.Name, state.Resource!, effective, _retryCount));
            long? timeout = state.TimeoutSeconds.IsSet ? NewTimer(After(Positive(Number(state.TimeoutSeconds, roots, "TimeoutSecondsPath"), "TimeoutSeconds")), "TaskTimeout") : null;
            long? heartbeat = state.HeartbeatSeconds.IsSet ? NewTimer(After(Positive(Number(state.HeartbeatSeconds, roots, "HeartbeatSecondsPath"), "HeartbeatSeconds")), "HeartbeatTimeout") : null;
            _waiting = new Pending.ForTask(id, timeout, heartbeat);
        }

        private void ExecuteParallel(State state)
        {
            var effective = Parameters(state, InputPath(state, _rawInput));
            History("ParallelStateStarted", state.Name);
            var progress = new IterationProgress
            {
                IsMap = false,
                EffectiveInput = effective,
                Total = state.Branches.Count,
                MaxConcurrency = 0,
                FirstId = ReserveIds(state.Branches.Count),
            };
            StartMore(state, progress);
        }

        private void ExecuteMap(State state)
        {
            var effective = InputPath(state, _rawInput);
            var roots = Roots(state, effective);
            JsonNode? itemsNode = effective;
            if (state.ItemsPath is { } itemsPath && !itemsPath.TryEvaluate(roots, out itemsNode))
            {
                throw new StateFailure(ErrorNames.Runtime, $"Invalid path '{itemsPath.Text}': the ItemsPath of the Map state '{state.Name}' could not be found in the input '{JsonNodes.Serialize(effective)}'.");
            }

            if (itemsNode is not JsonArray items)
            {
                throw new StateFailure(ErrorNames.Runtime, $"The ItemsPath of the Map state '{state.Name}' must select a JSON array but selected {JsonNodes.Serialize(itemsNode)}.");
            }

            var maxConcurrency = state.MaxConcurrency.IsSet ? (int)Number(state.MaxConcurrency, roots, "MaxConcurrencyPath") : 0;
            var batchSize = state.HasBatcher && state.MaxItemsPerBatch.IsSet ? Math.Max(1, (int)Number(state.MaxItemsPerBatch, roots, "MaxItemsPerBatchPath")) : 1;
            var total = state.HasBatcher ? (items.Count + batchSize - 1) / batchSize : items.Count;
            long tolerated = 0;
            if (state.ToleratedFailureCount.IsSet)
            {
                tolerated = (long)Number(state.ToleratedFailureCount, roots, "ToleratedFailureCountPath");
            }

            if (state.ToleratedFailurePercentage.IsSet)
            {
                var percentage = Number(state.ToleratedFailurePercentage, roots, "ToleratedFailurePercentagePath");
                tolerated = Math.Max(tolerated, (long)Math.Floor(total * percentage / 100.0));
            }

            History(state.Distributed ? "MapRunStarted" : "MapStateStarted", state.Name, detail: total.ToString(CultureInfo.InvariantCulture));
            var progress = new IterationProgress
            {
                IsMap = true,
                EffectiveInput = effective,
                Items = items,
                Total = total,
                MaxConcurrency = maxConcurrency,
                ToleratedFailures = state.Distributed ? tolerated : 0,
                FirstId = ReserveIds(total),
            };
            if (total == 0)
            {
                Guard(() => CompleteWithResult(state, new JsonArray()));
                return;
            }

            StartMore(state, progress);
        }

        private void StartMore(State state, IterationProgress progress)
        {
            var running = progress.Running;
            var next = progress.NextIndex;
            while (next < progress.Total && (progress.MaxConcurrency <= 0 || running < progress.MaxConcurrency))
            {
                var index = next++;
                var id = progress.FirstId + index;
                JsonNode? input;
                StateScope scope;
                if (progress.IsMap)
                {
                    input = MapIterationInput(state, progress, index);
                    scope = state.ItemProcessor!;
                    History("MapIterationStarted", state.Name, input: input, detail: index.ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    input = progress.EffectiveInput;
                    scope = state.Branches[index];
                }

                running++;
                _commands.Add(new StartIteration(id, state.Name, index, input) { Scope = scope, Info = _original.Info, Variables = _variables });
            }

            _waiting = new Pending.ForIterations(progress with { Running = running, NextIndex = next });
        }

        private JsonNode? MapIterationInput(State state, IterationProgress progress, int index)
        {
            var items = progress.Items!;
            if (!state.HasBatcher)
            {
                return SelectItem(state, progress.EffectiveInput, items[index], index);
            }

            var size = (items.Count + progress.Total - 1) / progress.Total;
            var batch = new JsonArray();
            for (var i = index * size; i < Math.Min(items.Count, (index + 1) * size); i++)
            {
                batch.Add(JsonNodes.Own(SelectItem(state, progress.EffectiveInput, items[i], i)));
            }

            var input = new JsonObject { ["Items"] = batch };
            if (state.BatchInput is { } batchInput)
            {
                input["BatchInput"] = batchInput.Evaluate(Roots(state, progress.EffectiveInput), Random);
            }

            return input;
        }

        private JsonNode? SelectItem(State state, JsonNode? effective, JsonNode? item, int index)
        {
            if (state.Parameters is null)
            {
                return item;
            }

            var roots = new PathRoots(effective, () => Context(state, (index, item)), _variables);
            return state.Parameters.Evaluate(roots, Random);
        }

        private long ReserveIds(int count)
        {
            var first = _nextId;
            _nextId += count;
            return first;
        }

        private void OnIterationSucceeded(State state, IterationProgress progress, int index, JsonNode? output)
        {
            if (progress.IsMap)
            {
                History("MapIterationSucceeded", state.Name, output: output, detail: index.ToString(CultureInfo.InvariantCulture));
            }

            progress = progress with
            {
                Running = progress.Running - 1,
                Results = progress.Results.Push((index, output)),
                Completed = progress.Completed + 1,
            };
            AfterIteration(state, progress);
        }

        private void OnIterationFailed(State state, IterationProgress progress, int index, string error, string cause)
        {
            if (progress.IsMap)
            {
                History("MapIterationFailed", state.Name, error: error, cause: cause, detail: index.ToString(CultureInfo.InvariantCulture));
            }

            progress = progress with
            {
                Running = progress.Running - 1,
                Results = progress.Results.Push((index, new JsonObject { ["Error"] = error, ["Cause"] = cause })),
                Completed = progress.Completed + 1,
                Failed = progress.Failed + 1,
            };
            if (progress.Failed > progress.ToleratedFailures)
            {
                _waiting = new Pending.ForIterations(progress);
                StopIterations();
                _waiting = Pending.Nothing;
                if (progress.IsMap && state.Distributed)
                {
                    History("MapRunFailed", state.Name, error: ErrorNames.ExceedToleratedFailureThreshold);
                    HandleError(state, ErrorNames.ExceedToleratedFailureThreshold, $"The Map state '{state.Name}' had {progress.Failed} failed item(s), more than the {progress.ToleratedFailures} tolerated. Last error: {error}: {cause}");
                }
                else
                {
                    History(progress.IsMap ? "MapStateFailed" : "ParallelStateFailed", state.Name, error: error, cause: cause);
                    HandleError(state, error, cause);
                }

                return;
            }

            AfterIteration(state, progress);
        }

        private void AfterIteration(State state, IterationProgress progress)
        {
            if (progress.Completed < progress.Total)
            {
                StartMore(state, progress);
                return;
            }

            _waiting = Pending.Nothing;
            var ordered = new JsonNode?[progress.Total];
            foreach (var (index, output) in progress.Results)
            {
                ordered[index] = JsonNodes.Own(output);
            }

            var results = new JsonArray(ordered);

            History(progress.IsMap ? (state.Distributed ? "MapRunSucceeded" : "MapStateSucceeded") : "ParallelStateSucceeded", state.Name);
            Guard(() => CompleteWithResult(state, results));
        }

        private void StopIterations()
        {
            if (_waiting is Pending.ForIterations pending)
            {
                foreach (var id in pending.Progress.RunningIds())
                {
                    _commands.Add(new StopIteration(id));
                }
            }
        }

        /// <summary>ResultSelector, Assign, ResultPath, OutputPath, then on to the next state.</summary>
        private void CompleteWithResult(State state, JsonNode? result)
        {
            if (state.ResultSelector is { } selector)
            {
                result = selector.Evaluate(Roots(state, result), Random);
            }

            Assign(state.Assign, result);
            Leave(state, OutputPath(state, ResultPath(state.ResultPath, _rawInput, result)));
        }

        private void Leave(State state, JsonNode? output)
        {
            History(state.ExitedEvent, state.Name, output: output);
            if (state.NextState is { } next)
            {
                Enter(next, output);
            }
            else
            {
                Complete(ExecutionStatus.Succeeded, output, null, null);
            }
        }

        private void HandleError(State state, string error, string cause)
        {
            var retriable = state.Type is StateType.Task or StateType.Parallel or StateType.Map;
            if (retriable)
            {
                for (var i = 0; i < state.Retry.Count; i++)
                {
                    var retrier = state.Retry[i];
                    if (!Matches(retrier.ErrorEquals, error, state.Type == StateType.Task))
                    {
                        continue;
                    }

                    var attempts = _retrierAttempts[i];
                    if (attempts < retrier.MaxAttempts)
                    {
                        // Without MaxDelaySeconds the backoff still stops at a year, the longest a Standard execution may run.
                        var delay = Math.Min(retrier.IntervalSeconds * Math.Pow(retrier.BackoffRate, attempts), retrier.MaxDelaySeconds ?? MaxRetryDelaySeconds);

                        if (retrier.FullJitter)
                        {
                            delay *= Random.NextDouble();
                        }

                        _retrierAttempts = _retrierAttempts.SetItem(i, attempts + 1);
                        _retryCount++;
                        _waiting = new Pending.ForTimer(NewTimer(_now.AddSeconds(delay), "Retry"), IsRetry: true, null);
                        return;
                    }

                    // The first matching retrier decides; once it is exhausted, the catchers take over.
                    break;
                }

                foreach (var catcher in state.Catch)
                {
                    if (!Matches(catcher.ErrorEquals, error, state.Type == StateType.Task))
                    {
                        continue;
                    }

                    var errorOutput = new JsonObject { ["Error"] = error, ["Cause"] = cause };
                    JsonNode? output;
                    try
                    {
                        Assign(catcher.Assign, errorOutput);
                        output = ResultPath(catcher.ResultPath, _rawInput, errorOutput);
                    }
                    catch (StateFailure failure)
                    {
                        Fail(failure.Error, failure.Cause);
                        return;
                    }

                    History(state.ExitedEvent, state.Name, output: output);
                    Enter(catcher.NextState!, output);
                    return;
                }
            }

            Fail(error, cause);
        }

        private void Fail(string error, string cause) => Complete(ExecutionStatus.Failed, null, error, cause);

        private static bool Matches(IReadOnlyList<string> errorEquals, string error, bool isTask)
        {
            // States.Runtime and States.DataLimitExceeded are terminal: no retrier or catcher sees them.
            if (error is ErrorNames.Runtime or ErrorNames.DataLimitExceeded)
            {
                return false;
            }

            foreach (var name in errorEquals)
            {
                if (name == error || name == ErrorNames.All || (name == ErrorNames.TaskFailed && isTask && error != ErrorNames.Timeout))
                {
                    return true;
                }
            }

            return false;
        }

        private void Complete(ExecutionStatus status, JsonNode? output, string? error, string? cause)
        {
            _status = status;
            _output = output;
            _error = error;
            _cause = cause;
            _waiting = Pending.Nothing;
            var type = status switch
            {
                ExecutionStatus.Succeeded => "ExecutionSucceeded",
                ExecutionStatus.Failed => "ExecutionFailed",
                ExecutionStatus.TimedOut => "ExecutionTimedOut",
                _ => "ExecutionAborted",
            };
            if (!_original.IsIteration)
            {
                History(type, output: output, error: error, cause: cause);
            }

            _commands.Add(new CompleteExecution(status, output, error, cause));
        }

        private PathRoots Roots(State state, JsonNode? input) => new(input, () => Context(state, null), _variables);

        private JsonObject Context(State state, (int Index, JsonNode? Value)? item)
        {
            var info = _original.Info;
            var context = new JsonObject
            {
                ["Execution"] = new JsonObject
                {
                    ["Id"] = info.ExecutionArn,
                    ["Input"] = JsonNodes.Own(info.Input),
                    ["Name"] = info.ExecutionName,
                    ["RoleArn"] = info.RoleArn,
                    ["StartTime"] = info.StartTime,
                    ["RedriveCount"] = 0,
                },
                ["State"] = new JsonObject
                {
                    ["EnteredTime"] = Timestamp(_enteredTime),
                    ["Name"] = state.Name,
                    ["RetryCount"] = _retryCount,
                },
                ["StateMachine"] = new JsonObject
                {
                    ["Id"] = info.StateMachineArn,
                    ["Name"] = info.StateMachineName,
                },
            };
            if (item is { } it)
            {
                context["Map"] = new JsonObject { ["Item"] = new JsonObject { ["Index"] = it.Index, ["Value"] = JsonNodes.Own(it.Value) } };
            }

            return context;
        }

        private JsonNode? InputPath(State state, JsonNode? input) => Select(state, state.InputPath, input, "InputPath");

        private JsonNode? OutputPath(State state, JsonNode? output) => Select(state, state.OutputPath, output, "OutputPath");

        private JsonNode? Select(State state, PathField field, JsonNode? input, string name)
        {
            if (field.IsNull)
            {
                return new JsonObject();
            }

            if (field.IsIdentity)
            {
                return input;
            }

            if (field.Path!.TryEvaluate(Roots(state, input), out var value))
            {
                return value;
            }

            throw new StateFailure(ErrorNames.Runtime, $"Invalid path '{field.Path.Text}' : The {name} of the state '{state.Name}' could not be found in '{JsonNodes.Serialize(input)}'.");
        }

        private JsonNode? Parameters(State state, JsonNode? effective) =>
            state.Parameters is { } parameters && state.Type != StateType.Map ? parameters.Evaluate(Roots(state, effective), Random) : effective;

        private void Assign(PayloadTemplate? assign, JsonNode? value)
        {
            if (assign is null)
            {
                return;
            }

            // Every expression reads the variables as they were before the state: assignments do not see each other.
            var evaluated = (JsonObject)assign.Evaluate(Roots(_current!, value), Random)!;
            var builder = _variables.ToBuilder();
            foreach (var (name, node) in evaluated)
            {
                builder[name] = node;
            }

            _variables = builder.ToImmutable();
        }

        private static JsonNode? ResultPath(PathField field, JsonNode? rawInput, JsonNode? result)
        {
            if (field.IsNull)
            {
                return rawInput;
            }

            if (field.IsIdentity)
            {
                return result;
            }

            var segments = field.Path!.Segments;
            var root = JsonNodes.Own(rawInput);
            if (root is not JsonObject && segments[0] is NameSegment)
            {
                throw new StateFailure(ErrorNames.ResultPathMatchFailure, $"Unable to apply ResultPath '{field.Path.Text}' to input '{JsonNodes.Serialize(rawInput)}': the input is not an object.");
            }

            var current = root!;
            for (var i = 0; i < segments.Count; i++)
            {
                var last = i == segments.Count - 1;
                var value = last ? JsonNodes.Own(result) : null;
                switch (segments[i], current)
                {
                    case (NameSegment name, JsonObject obj):
                        if (last)
                        {
                            obj[name.Name] = value;
                        }
                        else
                        {
                            if (!obj.TryGetPropertyValue(name.Name, out var child) || child is null)
                            {
                                child = new JsonObject();
                                obj[name.Name] = child;
                            }

                            current = child;
                        }

                        break;
                    case (IndexSegment index, JsonArray array) when index.Index < array.Count:
                        if (last)
                        {
                            array[index.Index] = value;
                        }
                        else
                        {
                            current = array[index.Index] ?? throw new StateFailure(ErrorNames.ResultPathMatchFailure, $"Unable to apply ResultPath '{field.Path.Text}': element {index.Index} is null.");
                        }

                        break;
                    default:
                        throw new StateFailure(ErrorNames.ResultPathMatchFailure, $"Unable to apply ResultPath '{field.Path.Text}' to input '{JsonNodes.Serialize(rawInput)}'.");
                }
            }

            return root;
        }

        private double Number(NumberField field, in PathRoots roots, string name)
        {
            if (field.Value is { } value)
            {
                return value;
            }

            if (field.Path!.TryEvaluate(roots, out var node) && JsonNodes.TryGetDouble(node, out var number))
            {
                return number;
            }

            throw new StateFailure(ErrorNames.Runtime, $"The {name} '{field.Path.Text}' of the state '{_current!.Name}' does not select a number.");
        }

        private double Positive(double value, string name) =>
            value > 0 ? value : throw new StateFailure(ErrorNames.Runtime, $"{name} of the state '{_current!.Name}' must be positive but is {value}.");

        private string? Text(TextField field, string name)
        {
            if (field.Value is not null || (field.Path is null && field.Call is null))
            {
                return field.Value;
            }

            var roots = Roots(_current!, _rawInput);
            JsonNode? node;
            if (field.Call is { } call)
            {
                try
                {
                    node = call.Evaluate(roots, Random);
                }
                catch (Intrinsics.IntrinsicFailure e)
                {
                    throw new StateFailure(ErrorNames.Runtime, e.Message);
                }
            }
            else if (!field.Path!.TryEvaluate(roots, out node))
            {
                throw new StateFailure(ErrorNames.Runtime, $"Invalid path '{field.Path.Text}': the {name}Path of the state '{_current!.Name}' could not be found in the input.");
            }

            return JsonNodes.TryGetString(node, out var text) ? text : JsonNodes.Serialize(node);
        }
    }
}
