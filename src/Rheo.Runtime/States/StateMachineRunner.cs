using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Rheo.States;
using Rheo.States.Execution;

namespace Rheo.Runtime.States;

/// <summary>Options of the <see cref="StateMachineRunner"/>.</summary>
public sealed class StateMachineRunnerOptions
{
    /// <summary>The clock for Wait states, retries and timeouts; tests pass a fake.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The source for <c>States.UUID</c>, <c>States.MathRandom</c> and retry jitter; must be thread-safe.</summary>
    public Random Random { get; init; } = Random.Shared;
}

/// <summary>The identity of one execution: the names and the account the context object's ARNs are built from.</summary>
public sealed record ExecutionOptions
{
    /// <summary>The state machine name.</summary>
    public string StateMachineName { get; init; } = "StateMachine";

    /// <summary>The execution name; a new GUID when not given.</summary>
    public string? ExecutionName { get; init; }

    /// <summary>The AWS account id used in ARNs.</summary>
    public string Account { get; init; } = "123456789012";

    /// <summary>The AWS region used in ARNs.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>The role ARN (<c>$$.Execution.RoleArn</c>); derived from the account and machine name when not given.</summary>
    public string? RoleArn { get; init; }

    /// <summary>Whether to collect the execution history.</summary>
    public bool RecordHistory { get; init; }
}

/// <summary>
/// Runs state machines: carries out the interpreter's commands with real concurrency for Map and Parallel, the
/// configured <see cref="TimeProvider"/> for Wait, retries and timeouts, and registered handlers for Task states.
/// </summary>
/// <remarks>
/// Thread-safe; one runner can run many executions at once. Cancelling the token stops the execution with status
/// ABORTED. A branch or iteration whose first step ends without waiting (only Pass, Choice and the like) completes on
/// the calling thread: scheduling it would cost more than running it.
/// </remarks>
public sealed class StateMachineRunner
{
    private readonly TaskHandlerRegistry _handlers;
    private readonly StateMachineRunnerOptions _options;

    /// <summary>Creates a runner over a set of task handlers.</summary>
    public StateMachineRunner(TaskHandlerRegistry? handlers = null, StateMachineRunnerOptions? options = null)
    {
        _handlers = handlers ?? new TaskHandlerRegistry();
        _options = options ?? new StateMachineRunnerOptions();
    }

    /// <summary>
    /// Validates the definition, parses the input and runs: CREATE_FAILED for an invalid definition, START_FAILED for
    /// input that is not JSON, otherwise the execution's own result.
    /// </summary>
    public async Task<ExecutionResult> RunAsync(string definitionJson, string inputJson, ExecutionOptions options, CancellationToken cancellationToken)
    {
        if (!StateMachineDefinition.TryParse(definitionJson, out var definition, out var diagnostics))
        {
            return new ExecutionResult(ExecutionResult.CreateFailed, null, "InvalidDefinition", string.Join("\n", diagnostics), []);
        }

        JsonNode? input;
        try
        {
            input = StatesJson.Parse(inputJson);
        }
        catch (JsonException e)
        {
            return new ExecutionResult(ExecutionResult.StartFailed, null, "InvalidExecutionInput", $"The input is not valid JSON: {e.Message}", []);
        }

        return await RunAsync(definition!, input, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a validated definition with the given input.</summary>
    public async Task<ExecutionResult> RunAsync(StateMachineDefinition definition, JsonNode? input, ExecutionOptions options, CancellationToken cancellationToken)
    {
        var start = ExecutionStart.Create(input, options.StateMachineName, options.ExecutionName ?? Guid.NewGuid().ToString(), options.Account, options.Region, options.RoleArn);
        var interpreter = new StateMachineInterpreter(definition, new InterpreterOptions { Random = _options.Random, RecordHistory = options.RecordHistory });
        using var execution = new Execution(this, interpreter, options, start.ExecutionArn, cancellationToken);
        var first = interpreter.Start(start, _options.TimeProvider.GetUtcNow());
        var final = await execution.RunFrameAsync(first, execution.Token).ConfigureAwait(false);
        return ExecutionResult.From(final, execution.History);
    }

    /// <summary>One execution: its interpreter, its history, and the frames (the machine, branches, iterations) it runs.</summary>
    private sealed class Execution(StateMachineRunner runner, StateMachineInterpreter interpreter, ExecutionOptions options, string executionArn, CancellationToken cancellationToken) : IDisposable
    {
        private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromDays(40);

        private readonly List<HistoryEvent> _history = [];
        private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        private (string? Error, string? Cause)? _stopped;

        /// <summary>Cancelled by the caller's token or by a task's <see cref="TaskContext.StopExecution"/>.</summary>
        public CancellationToken Token => _stop.Token;

        public void Dispose() => _stop.Dispose();

        private void StopExecution(string? error, string? cause)
        {
            lock (_stop)
            {
                if (_stopped is not null || _stop.IsCancellationRequested)
                {
                    return;
                }

                _stopped = (error, cause);
            }

            _stop.Cancel();
        }

        private AbortRequested Abort()
        {
            lock (_stop)
            {
                return _stopped is var (error, cause) ? new AbortRequested(error, cause) : new AbortRequested(null, "The execution was cancelled.");
            }
        }

        public IReadOnlyList<HistoryEvent> History
        {
            get
            {
                lock (_history)
                {
                    return [.. _history];
                }
            }
        }

        private TimeProvider Time => runner._options.TimeProvider;

        public async Task<ExecutionState> RunFrameAsync(Step first, CancellationToken cancellationToken)
        {
            Record(first.History);
            if (first.State.Status != ExecutionStatus.Running)
            {
                return first.State;
            }

            var events = Channel.CreateUnbounded<ExecutionEvent>(new UnboundedChannelOptions { SingleReader = true });
            using var frame = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var children = new Dictionary<long, CancellationTokenSource>();
            var timers = new List<ITimer>();
            try
            {
                var state = first.State;
                Carry(first.Commands, events.Writer, children, timers, frame.Token);
                while (state.Status == ExecutionStatus.Running)
                {
                    ExecutionEvent next;
                    try
                    {
                        next = await events.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        next = Abort();
                    }

                    var step = interpreter.Advance(state, next, Time.GetUtcNow());
                    Record(step.History);
                    state = step.State;
                    Carry(step.Commands, events.Writer, children, timers, frame.Token);
                }

                return state;
            }
            finally
            {
                // Whatever is still outstanding (tasks, timers, iterations) belongs to a finished frame: stop it.
                await frame.CancelAsync().ConfigureAwait(false);
                ITimer[] owned;
                lock (timers)
                {
                    owned = [.. timers];
                }

                foreach (var timer in owned)
                {
                    await timer.DisposeAsync().ConfigureAwait(false);
                }

                foreach (var child in children.Values)
                {
                    child.Dispose();
                }
            }
        }

        private void Record(IReadOnlyList<HistoryEvent> events)
        {
            if (events.Count == 0)
            {
                return;
            }

            lock (_history)
            {
                _history.AddRange(events);
            }
        }

        private void Carry(IReadOnlyList<ExecutionCommand> commands, ChannelWriter<ExecutionEvent> events, Dictionary<long, CancellationTokenSource> children, List<ITimer> timers, CancellationToken frame)
        {
            foreach (var command in commands)
            {
                switch (command)
                {
                    case InvokeTask task:
                        Invoke(task, events, frame);
                        break;
                    case StartTimer timer:
                        Schedule(timer.DueTime, () => events.TryWrite(new TimerFired(timer.TimerId)), timers, frame);
                        break;
                    case StartIteration iteration:
                        StartChild(iteration, events, children, frame);
                        break;
                    case StopIteration stop when children.Remove(stop.IterationId, out var child):
                        child.Cancel();
                        child.Dispose();
                        break;
                }
            }
        }

        /// <summary>Fires at <paramref name="due"/>, re-arming when the wait is longer than one timer can take (about 49 days).</summary>
        private void Schedule(DateTimeOffset due, Action fire, List<ITimer> timers, CancellationToken frame)
        {
            if (frame.IsCancellationRequested)
            {
                return;
            }

            var delay = due - Time.GetUtcNow();
            var clamped = delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxTimerDelay ? MaxTimerDelay : delay;
            Action callback = clamped < delay ? () => Schedule(due, fire, timers, frame) : fire;
            var created = Time.CreateTimer(static s => ((Action)s!)(), callback, clamped, Timeout.InfiniteTimeSpan);
            lock (timers)
            {
                timers.Add(created);
            }
        }

        private void StartChild(StartIteration iteration, ChannelWriter<ExecutionEvent> events, Dictionary<long, CancellationTokenSource> children, CancellationToken frame)
        {
            var first = interpreter.StartIteration(iteration, Time.GetUtcNow());
            if (first.State.Status != ExecutionStatus.Running)
            {
                Record(first.History);
                events.TryWrite(Answer(iteration.IterationId, first.State));
                return;
            }

            var cancellation = CancellationTokenSource.CreateLinkedTokenSource(frame);
            children[iteration.IterationId] = cancellation;
            var token = cancellation.Token;
            _ = Task.Run(
                async () =>
                {
                    var final = await RunFrameAsync(first, token).ConfigureAwait(false);
                    events.TryWrite(Answer(iteration.IterationId, final));
                },
                CancellationToken.None);
        }

        private static ExecutionEvent Answer(long id, ExecutionState state) => state.Status == ExecutionStatus.Succeeded
            ? new IterationSucceeded(id, state.Output)
            : new IterationFailed(id, state.Error ?? (state.Status == ExecutionStatus.Aborted ? "States.Aborted" : ErrorNames.Runtime), state.Cause);

        private void Invoke(InvokeTask task, ChannelWriter<ExecutionEvent> events, CancellationToken frame)
        {
            var binding = runner._handlers.Resolve(task.Resource, task.Input, options.Region, options.Account);
            if (binding.Handler is null)
            {
                events.TryWrite(new TaskFailed(task.InvocationId, binding.Error!, binding.Cause));
                return;
            }

            var context = new TaskContext(task.StateName, task.Resource, task.Attempt, executionArn) { Stop = StopExecution };
            _ = Task.Run(
                async () =>
                {
                    ExecutionEvent answer;
                    try
                    {
                        // Handlers get their own copy: what they do to it cannot reach the execution's data.
                        var result = await binding.Handler(binding.Input?.DeepClone(), context, frame).ConfigureAwait(false);
                        answer = new TaskSucceeded(task.InvocationId, binding.WrapLambdaResult ? LambdaResponse(result) : result);
                    }
                    catch (StatesTaskException e)
                    {
                        answer = new TaskFailed(task.InvocationId, e.Error, e.Cause);
                    }
                    catch (OperationCanceledException) when (frame.IsCancellationRequested)
                    {
                        return;
                    }
#pragma warning disable CA1031 // A handler's failure is data for Retry/Catch, whatever its type.
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        var cause = new JsonObject { ["errorMessage"] = e.Message, ["errorType"] = e.GetType().Name };
                        answer = new TaskFailed(task.InvocationId, e.GetType().Name, cause.ToJsonString());
                    }

                    events.TryWrite(answer);
                },
                CancellationToken.None);
        }

        private static JsonObject LambdaResponse(JsonNode? payload) => new()
        {
            ["ExecutedVersion"] = "$LATEST",
            ["Payload"] = payload?.DeepClone(),
            ["SdkHttpMetadata"] = new JsonObject { ["HttpStatusCode"] = 200 },
            ["StatusCode"] = 200,
        };
    }
}
