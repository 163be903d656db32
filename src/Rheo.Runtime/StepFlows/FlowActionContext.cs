using Rheo.Runtime.Compute;

namespace Rheo.Runtime.StepFlows;

/// <summary>
/// What every action of a flow gets (synergy_flow's context): the names (flow, step, action, period), the flow's
/// settings and credentials, the engine's compute context (output folder, inputs) and the step's log.
/// </summary>
/// <remarks>Credentials are declared by name with the environment variable that holds them; their values are read when asked for and never stored.</remarks>
public sealed class FlowActionContext
{
    private readonly IReadOnlyDictionary<string, string> _credentials;
    private readonly FlowLogWriter _log;

    internal FlowActionContext(string flow, string step, FlowActionTarget target, string period, IReadOnlyDictionary<string, string> settings,
        IReadOnlyDictionary<string, string> credentials, ComputeContext compute, FlowLogWriter log)
    {
        Flow = flow;
        Step = step;
        Action = target.Action.Name;
        Phase = target.Phase;
        Period = period;
        Settings = settings;
        _credentials = credentials;
        Compute = compute;
        _log = log;
    }

    /// <summary>The flow's name.</summary>
    public string Flow { get; }

    /// <summary>The step's name.</summary>
    public string Step { get; }

    /// <summary>The action's name.</summary>
    public string Action { get; }

    /// <summary>Where the action sits in its step.</summary>
    public FlowActionPhase Phase { get; }

    /// <summary>The period being processed (the rendered dimension values joined with <c>/</c>).</summary>
    public string Period { get; }

    /// <summary>The flow's settings (environment-specific values).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>The credential names the flow declares.</summary>
    public IEnumerable<string> CredentialNames => _credentials.Keys;

    /// <summary>The engine's compute context: the step's output folder, its inputs' folders, the attempt.</summary>
    public ComputeContext Compute { get; }

    /// <summary>Reads a credential from the environment variable the flow names for it.</summary>
    /// <exception cref="KeyNotFoundException">The flow declares no such credential, or its variable is not set; the message names both.</exception>
    public string Credential(string name)
    {
        if (!_credentials.TryGetValue(name, out var variable))
        {
            throw new KeyNotFoundException($"Flow '{Flow}' declares no credential '{name}'; it declares: {string.Join(", ", _credentials.Keys.DefaultIfEmpty("none"))}.");
        }

        return Environment.GetEnvironmentVariable(variable)
            ?? throw new KeyNotFoundException($"The credential '{name}' of flow '{Flow}' is read from the environment variable {variable}, which is not set.");
    }

    /// <summary>Writes a line <c>step.action INFO message</c> to the step's log.</summary>
    public void LogInfo(string message) => _log.Write($"{Step}.{Action}", FlowLogLevel.Info, message);

    /// <summary>Writes a line <c>step.action WARN message</c> to the step's log.</summary>
    public void LogWarning(string message) => _log.Write($"{Step}.{Action}", FlowLogLevel.Warn, message);

    /// <summary>Writes a line <c>step.action ERROR message</c> to the step's log.</summary>
    public void LogError(string message) => _log.Write($"{Step}.{Action}", FlowLogLevel.Error, message);
}
