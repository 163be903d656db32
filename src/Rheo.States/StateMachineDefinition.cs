using Rheo.States.Language;
using Rheo.States.Validation;

namespace Rheo.States;

/// <summary>A validated, compiled Amazon States Language definition (JSONPath mode), ready to run.</summary>
/// <remarks>Immutable and safe to share between concurrent executions; every path is compiled once, here.</remarks>
public sealed class StateMachineDefinition
{
    private StateMachineDefinition(StateScope root, double? timeoutSeconds, IReadOnlyList<Diagnostic> warnings)
    {
        Root = root;
        TimeoutSeconds = timeoutSeconds;
        Warnings = warnings;
    }

    /// <summary>The machine-level <c>TimeoutSeconds</c>, if set.</summary>
    public double? TimeoutSeconds { get; }

    /// <summary>Diagnostics of warning severity (the definition runs regardless).</summary>
    public IReadOnlyList<Diagnostic> Warnings { get; }

    internal StateScope Root { get; }

    /// <summary>Validates a definition and returns every diagnostic, errors and warnings, in document order.</summary>
    public static IReadOnlyList<Diagnostic> Validate(string json) => DefinitionReader.Read(json).Diagnostics;

    /// <summary>Parses and validates a definition; on failure <paramref name="diagnostics"/> holds every problem found.</summary>
    public static bool TryParse(string json, out StateMachineDefinition? definition, out IReadOnlyList<Diagnostic> diagnostics)
    {
        var (root, timeout, found) = DefinitionReader.Read(json);
        diagnostics = found;
        if (root is null || found.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            definition = null;
            return false;
        }

        definition = new StateMachineDefinition(root, timeout, found);
        return true;
    }

    /// <summary>Parses and validates a definition, throwing <see cref="InvalidDefinitionException"/> when it has errors.</summary>
    public static StateMachineDefinition Parse(string json) =>
        TryParse(json, out var definition, out var diagnostics) ? definition! : throw new InvalidDefinitionException(diagnostics);
}
