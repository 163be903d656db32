namespace Rheo.States.Execution;

/// <summary>An error raised while a state runs: the interpreter turns it into Retry / Catch / failure handling.</summary>
internal sealed class StateFailure(string error, string cause) : StatesException(cause)
{
    public string Error { get; } = error;

    public string Cause { get; } = cause;
}
