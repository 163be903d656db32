namespace Rheo.States.Validation;

/// <summary>How serious a diagnostic is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The definition is valid but probably not what was meant (an unreachable state).</summary>
    Warning,

    /// <summary>The definition cannot be run.</summary>
    Error,
}

/// <summary>One finding about a state machine definition.</summary>
/// <param name="Code">A stable code from <see cref="DiagnosticCodes"/>.</param>
/// <param name="Severity">Whether the definition can still run.</param>
/// <param name="Location">The JSON path of the offending field, such as <c>$.States.A.Next</c>.</param>
/// <param name="Message">What is wrong, and what would be valid.</param>
public sealed record Diagnostic(string Code, DiagnosticSeverity Severity, string Location, string Message)
{
    /// <summary>One line: <c>ASL005 error at $.States.A.Next: ...</c>.</summary>
    public override string ToString() =>
        $"{Code} {(Severity == DiagnosticSeverity.Error ? "error" : "warning")} at {Location}: {Message}";
}

/// <summary>The stable diagnostic codes of the validator.</summary>
public static class DiagnosticCodes
{
    /// <summary>The definition is not JSON, or not a JSON object.</summary>
    public const string InvalidJson = "ASL001";

    /// <summary>A required field is missing.</summary>
    public const string MissingField = "ASL002";

    /// <summary><c>StartAt</c> names no state of its scope.</summary>
    public const string UnknownStartAt = "ASL003";

    /// <summary><c>Type</c> is not one of the state types.</summary>
    public const string UnknownStateType = "ASL004";

    /// <summary><c>Next</c>, <c>Default</c> or a catcher's <c>Next</c> names no state of its scope.</summary>
    public const string UnknownNext = "ASL005";

    /// <summary>A state has both <c>Next</c> and <c>End</c>.</summary>
    public const string NextAndEnd = "ASL006";

    /// <summary>A non-terminal state has neither <c>Next</c> nor <c>End</c>.</summary>
    public const string NoNextNorEnd = "ASL007";

    /// <summary>A terminal state (Succeed, Fail, Choice) has <c>Next</c> or <c>End</c>.</summary>
    public const string TransitionOnTerminal = "ASL008";

    /// <summary>A path is not valid JSONPath, or not a reference path where one is required.</summary>
    public const string InvalidPath = "ASL009";

    /// <summary>An intrinsic function is unknown, malformed or called with the wrong number of arguments.</summary>
    public const string InvalidIntrinsic = "ASL010";

    /// <summary>A retrier has an out-of-range value.</summary>
    public const string InvalidRetry = "ASL011";

    /// <summary><c>States.ALL</c> is not alone in its <c>ErrorEquals</c>, or its retrier/catcher is not last.</summary>
    public const string StatesAllNotLast = "ASL012";

    /// <summary>A field is not allowed on this state type (or at this level).</summary>
    public const string UnknownField = "ASL013";

    /// <summary>A field has the wrong JSON type.</summary>
    public const string WrongType = "ASL014";

    /// <summary>A state cannot be reached from <c>StartAt</c>.</summary>
    public const string UnreachableState = "ASL015";

    /// <summary>The definition asks for JSONata, which is not supported yet.</summary>
    public const string JsonataNotSupported = "ASL016";

    /// <summary>Two fields that exclude each other are both present.</summary>
    public const string ConflictingFields = "ASL017";

    /// <summary>A Choice rule is malformed (no operator, several operators, misplaced <c>Next</c>).</summary>
    public const string InvalidChoiceRule = "ASL018";

    /// <summary>A value is out of its allowed range or set.</summary>
    public const string InvalidValue = "ASL019";

    /// <summary>A feature that needs an AWS service Rheo does not emulate (<c>ItemReader</c>, <c>ResultWriter</c>).</summary>
    public const string UnsupportedFeature = "ASL020";

    /// <summary>A field of a payload template ending in <c>.$</c> does not hold a path or intrinsic call.</summary>
    public const string InvalidPayloadTemplate = "ASL021";

    /// <summary>A JSON object has the same field twice.</summary>
    public const string DuplicateField = "ASL022";
}
