namespace Rheo.Core.Topology;

/// <summary>How serious a diagnostic is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The topology is invalid; nothing is activated.</summary>
    Error,

    /// <summary>The topology works but probably not as intended.</summary>
    Warning,
}

/// <summary>One problem found in a topology: a stable code, the node, and a message naming the valid choices.</summary>
/// <param name="Code">A stable code such as <c>RHEO0101</c> (see <see cref="TopologyCodes"/>).</param>
/// <param name="NodeId">The node the problem is in.</param>
/// <param name="Message">What is wrong, where, and what would be valid.</param>
/// <param name="Severity">Error or warning.</param>
public sealed record TopologyDiagnostic(string Code, string NodeId, string Message, DiagnosticSeverity Severity = DiagnosticSeverity.Error)
{
    /// <inheritdoc />
    public override string ToString() => $"{Severity.ToString().ToLowerInvariant()} {Code} [{NodeId}]: {Message}";
}

/// <summary>The stable codes of topology diagnostics.</summary>
public static class TopologyCodes
{
    /// <summary>Two nodes share an id.</summary>
    public const string DuplicateNodeId = "RHEO0101";

    /// <summary>An input names a node the topology does not have.</summary>
    public const string UnknownInputNode = "RHEO0102";

    /// <summary>The nodes form a cycle.</summary>
    public const string Cycle = "RHEO0103";

    /// <summary>An input's kind cannot feed the node (e.g. a metric into a data node).</summary>
    public const string IncompatibleInputKind = "RHEO0104";

    /// <summary>The same node is an input twice without distinct aliases.</summary>
    public const string DuplicateInput = "RHEO0105";

    /// <summary>A link or filter names a dimension the signal does not have.</summary>
    public const string UnknownDimension = "RHEO0106";

    /// <summary>A link names a signal that is not an input of the node.</summary>
    public const string LinkToUnknownInput = "RHEO0107";

    /// <summary>A link names an input ambiguously (the same node is an input under several aliases).</summary>
    public const string AmbiguousLinkInput = "RHEO0108";

    /// <summary>An output dimension has no link and none could be added automatically.</summary>
    public const string OutputDimensionUnlinked = "RHEO0109";

    /// <summary>A reference input's dimension cannot be inferred from the other inputs or the output.</summary>
    public const string UnresolvableReference = "RHEO0110";

    /// <summary>Every input is a reference, so nothing can trigger the node.</summary>
    public const string AllInputsReferences = "RHEO0111";

    /// <summary>An input's filter admits values outside the upstream node's filter.</summary>
    public const string FilterValueOutOfSpec = "RHEO0112";

    /// <summary>An input's dimension spec differs in type from the upstream node's spec.</summary>
    public const string WrongType = "RHEO0113";

    /// <summary>An output link names an output dimension the node does not have.</summary>
    public const string UnknownOutputDimension = "RHEO0114";

    /// <summary>A literal does not fit its output dimension.</summary>
    public const string InvalidLiteral = "RHEO0115";

    /// <summary>A pending-node TTL or checkpoint is not positive.</summary>
    public const string InvalidTiming = "RHEO0116";

    /// <summary>A mapper cannot be persisted, so an attached application cannot reload it without code.</summary>
    public const string NonSerializableMapper = "RHEO0117";
}

/// <summary>A topology was invalid; <see cref="Diagnostics"/> holds every problem found. Nothing was changed.</summary>
public sealed class TopologyException : RheoException
{
    /// <summary>Creates the exception from the diagnostics.</summary>
    public TopologyException(IReadOnlyList<TopologyDiagnostic> diagnostics)
        : base($"The topology is invalid ({diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error)} error(s)):{Environment.NewLine}" + string.Join(Environment.NewLine, diagnostics.Select(d => "  " + d)))
    {
        Diagnostics = diagnostics;
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<TopologyDiagnostic> Diagnostics { get; }
}
