using System.Text.Json.Nodes;
using Rheo.States.Execution;

namespace Rheo.States.Tests.Execution;

/// <summary>
/// A deterministic, single-threaded driver for the interpreter in tests: tasks answer at once through a delegate,
/// iterations run to completion in order, and timers advance a virtual clock instead of waiting.
/// </summary>
internal sealed class VirtualDriver
{
    private readonly StateMachineInterpreter _interpreter;
    private readonly Func<InvokeTask, ExecutionEvent> _tasks;

    public VirtualDriver(StateMachineDefinition definition, Func<InvokeTask, ExecutionEvent>? tasks = null, InterpreterOptions? options = null, DateTimeOffset? start = null)
    {
        _interpreter = new StateMachineInterpreter(definition, options ?? new InterpreterOptions { Random = new Random(7) });
        _tasks = tasks ?? LambdaNotFound;
        Now = start ?? new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);
        Started = Now;
    }

    public DateTimeOffset Started { get; }

    public DateTimeOffset Now { get; private set; }

    /// <summary>Every timer the interpreter asked for: (delay from the moment it was asked, purpose).</summary>
    public List<(TimeSpan Delay, string Purpose)> Timers { get; } = [];

    public List<HistoryEvent> History { get; } = [];

    public List<InvokeTask> Invocations { get; } = [];

    public ExecutionState Run(JsonNode? input, ExecutionStart? start = null)
    {
        var step = _interpreter.Start(start ?? ExecutionStart.Create(input, "peer-sm", "peer-exec", "123456789012", "us-east-1", "arn:aws:iam::123456789012:role/asl-peer-role") with { Input = input }, Now);
        return RunFrame(step);
    }

    public static ExecutionEvent LambdaNotFound(InvokeTask task) =>
        new TaskFailed(task.InvocationId, ErrorNames.LambdaResourceNotFound, $"Function not found: {(task.Input as JsonObject)?["FunctionName"]?.ToString() ?? task.Resource}");

    private ExecutionState RunFrame(Step step)
    {
        var state = step.State;
        var timers = new PriorityQueue<long, (DateTimeOffset Due, long Order)>();
        var ready = new Queue<ExecutionEvent>();
        long order = 0;

        void Carry(Step s)
        {
            History.AddRange(s.History);
            foreach (var command in s.Commands)
            {
                switch (command)
                {
                    case InvokeTask task:
                        Invocations.Add(task);
                        ready.Enqueue(_tasks(task));
                        break;
                    case StartTimer timer:
                        Timers.Add((timer.DueTime - Now, timer.Purpose));
                        timers.Enqueue(timer.TimerId, (timer.DueTime, order++));
                        break;
                    case StartIteration iteration:
                        var child = RunFrame(_interpreter.StartIteration(iteration, Now));
                        ready.Enqueue(child.Status == ExecutionStatus.Succeeded
                            ? new IterationSucceeded(iteration.IterationId, child.Output)
                            : new IterationFailed(iteration.IterationId, child.Error ?? "States.Runtime", child.Cause));
                        break;
                }
            }
        }

        Carry(step);
        while (state.Status == ExecutionStatus.Running)
        {
            ExecutionEvent next;
            if (ready.Count > 0)
            {
                next = ready.Dequeue();
            }
            else if (timers.TryDequeue(out var id, out var due))
            {
                if (due.Due > Now)
                {
                    Now = due.Due;
                }

                next = new TimerFired(id);
            }
            else
            {
                throw new InvalidOperationException("The execution waits for nothing the driver can deliver.");
            }

            step = _interpreter.Advance(state, next, Now);
            state = step.State;
            Carry(step);
        }

        return state;
    }
}
