using Rheo.States.Validation;

namespace Rheo.States;

/// <summary>The root of the exceptions Rheo.States throws.</summary>
public abstract class StatesException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    protected StatesException(string message)
        : base(message)
    {
    }
}

/// <summary>Thrown by <see cref="StateMachineDefinition.Parse"/> when the definition has errors.</summary>
public sealed class InvalidDefinitionException : StatesException
{
    /// <summary>Creates the exception from the validator's diagnostics.</summary>
    public InvalidDefinitionException(IReadOnlyList<Diagnostic> diagnostics)
        : base("The state machine definition is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, diagnostics))
    {
        Diagnostics = diagnostics;
    }

    /// <summary>Every diagnostic, errors and warnings.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }
}

/// <summary>
/// Thrown by a task handler to fail its Task state with an ASL error name, which Retry and Catch then match.
/// </summary>
public sealed class StatesTaskException : StatesException
{
    /// <summary>Creates the failure with an error name such as <c>Orders.NotFound</c> and an optional cause.</summary>
    public StatesTaskException(string error, string? cause = null)
        : base(cause is null ? error : $"{error}: {cause}")
    {
        Error = error;
        Cause = cause;
    }

    /// <summary>The error name that Retry and Catch match against.</summary>
    public string Error { get; }

    /// <summary>The human-readable cause.</summary>
    public string? Cause { get; }
}
