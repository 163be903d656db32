using System.Text.Json.Nodes;
using Rheo.States.Intrinsics;
using Rheo.States.JsonPath;

namespace Rheo.States.Language;

/// <summary>The state types of the Amazon States Language.</summary>
internal enum StateType
{
    Pass,
    Task,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
}

/// <summary>
/// An <c>InputPath</c> / <c>OutputPath</c> / <c>ResultPath</c> value: absent (the default <c>$</c>), <c>null</c>, or a
/// compiled path.
/// </summary>
internal readonly record struct PathField(PathExpression? Path, bool IsNull)
{
    public static readonly PathField Default = new(null, false);

    public bool IsIdentity => !IsNull && (Path is null || Path.IsRoot);
}

/// <summary>A number given literally or through a <c>...Path</c> field (<c>TimeoutSeconds</c>, <c>MaxConcurrency</c>, ...).</summary>
internal readonly record struct NumberField(double? Value, PathExpression? Path)
{
    public bool IsSet => Value is not null || Path is not null;
}

/// <summary>A string given literally or through a <c>...Path</c> field (<c>Error</c>/<c>ErrorPath</c>, ...).</summary>
internal readonly record struct TextField(string? Value, PathExpression? Path, IntrinsicExpression? Call)
{
    public bool IsSet => Value is not null || Path is not null || Call is not null;
}

/// <summary>A scope of states: the machine itself, a Parallel branch or a Map item processor.</summary>
internal sealed class StateScope
{
    public required string StartAt { get; init; }

    public required IReadOnlyDictionary<string, State> States { get; init; }

    /// <summary>JSON path of the scope in the definition, for diagnostics.</summary>
    public required string Location { get; init; }

    public State? Start { get; set; }
}

/// <summary>A retrier of a Task, Parallel or Map state.</summary>
internal sealed class Retrier
{
    public required IReadOnlyList<string> ErrorEquals { get; init; }

    public double IntervalSeconds { get; init; } = 1;

    public int MaxAttempts { get; init; } = 3;

    public double BackoffRate { get; init; } = 2.0;

    public double? MaxDelaySeconds { get; init; }

    public bool FullJitter { get; init; }
}

/// <summary>A catcher of a Task, Parallel or Map state.</summary>
internal sealed class Catcher
{
    public required IReadOnlyList<string> ErrorEquals { get; init; }

    public required string Next { get; init; }

    public State? NextState { get; set; }

    public PathField ResultPath { get; init; } = PathField.Default;

    public PayloadTemplate? Assign { get; init; }
}

/// <summary>A top-level Choice rule with its target.</summary>
internal sealed class ChoiceBranch
{
    public required ChoiceRule Rule { get; init; }

    public required string Next { get; init; }

    public State? NextState { get; set; }

    public PayloadTemplate? Assign { get; init; }
}

/// <summary>One state; fields that a type does not use stay unset (the parser rejects them).</summary>
internal sealed class State
{
    public required string Name { get; init; }

    public required StateType Type { get; init; }

    public string? Next { get; init; }

    public State? NextState { get; set; }

    public bool End { get; init; }

    public PathField InputPath { get; init; } = PathField.Default;

    public PathField OutputPath { get; init; } = PathField.Default;

    public PathField ResultPath { get; init; } = PathField.Default;

    public PayloadTemplate? Parameters { get; init; }

    public PayloadTemplate? ResultSelector { get; init; }

    public PayloadTemplate? Assign { get; init; }

    public bool HasResult { get; init; }

    public JsonNode? Result { get; init; }

    public IReadOnlyList<Retrier> Retry { get; init; } = [];

    public IReadOnlyList<Catcher> Catch { get; init; } = [];

    // Task
    public string? Resource { get; init; }

    public NumberField TimeoutSeconds { get; init; }

    public NumberField HeartbeatSeconds { get; init; }

    // Choice
    public IReadOnlyList<ChoiceBranch> Choices { get; init; } = [];

    public string? Default { get; init; }

    public State? DefaultState { get; set; }

    // Wait
    public NumberField Seconds { get; init; }

    public TextField Timestamp { get; init; }

    // Fail
    public TextField Error { get; init; }

    public TextField Cause { get; init; }

    // Parallel
    public IReadOnlyList<StateScope> Branches { get; init; } = [];

    // Map
    public StateScope? ItemProcessor { get; init; }

    public bool Distributed { get; init; }

    public PathExpression? ItemsPath { get; init; }

    public NumberField MaxConcurrency { get; init; }

    public NumberField ToleratedFailureCount { get; init; }

    public NumberField ToleratedFailurePercentage { get; init; }

    public NumberField MaxItemsPerBatch { get; init; }

    public PayloadTemplate? BatchInput { get; init; }

    public bool HasBatcher { get; init; }

    /// <summary>History-event prefix (<c>PassState</c>, <c>TaskState</c>, ...).</summary>
    public string EventPrefix => Type switch
    {
        StateType.Pass => "PassState",
        StateType.Task => "TaskState",
        StateType.Choice => "ChoiceState",
        StateType.Wait => "WaitState",
        StateType.Succeed => "SucceedState",
        StateType.Fail => "FailState",
        StateType.Parallel => "ParallelState",
        _ => "MapState",
    };

    /// <summary><c>PassStateEntered</c>, ...; built once, so a step without history allocates no strings.</summary>
    public string EnteredEvent => field ??= EventPrefix + "Entered";

    /// <summary><c>PassStateExited</c>, ...</summary>
    public string ExitedEvent => field ??= EventPrefix + "Exited";

    /// <summary>True when the state needs no path work at all: its output is its input (the fast path of Pass chains).</summary>
    public bool IsTransparent { get; set; }
}
