using Rheo.States.Validation;

namespace Rheo.CSharp.Flows;

/// <summary>One finding about a flow file: a C# compiler error (<c>CS…</c>) or a DSL diagnostic (<c>FLOW…</c>).</summary>
/// <param name="Code">A C# error code or one of <see cref="FlowDiagnosticCodes"/>.</param>
/// <param name="Severity">Errors stop the compilation; warnings do not.</param>
/// <param name="File">The flow file's path as given.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Message">What is wrong and the supported alternative.</param>
public sealed record FlowDiagnostic(string Code, DiagnosticSeverity Severity, string File, int Line, int Column, string Message)
{
    /// <summary>One line: <c>flow.cs:12:9: error FLOW002: ...</c>.</summary>
    public override string ToString() =>
        $"{File}:{Line}:{Column}: {(Severity == DiagnosticSeverity.Error ? "error" : "warning")} {Code}: {Message}";
}

/// <summary>The stable codes of the flow compiler's own diagnostics (C# errors keep their <c>CS</c> codes).</summary>
public static class FlowDiagnosticCodes
{
    /// <summary>The file has no state machine: no <c>Main(FlowData)</c> and nothing exported.</summary>
    public const string NoStateMachine = "FLOW001";

    /// <summary>A statement that has no state machine equivalent (loops, local variables, switch, other calls, ...).</summary>
    public const string UnsupportedStatement = "FLOW002";

    /// <summary>An <c>if</c> condition that is not a comparison of <c>data[...]</c> with a literal, a cast, <c>&amp;&amp;</c>, <c>||</c> or <c>!</c>.</summary>
    public const string UnsupportedCondition = "FLOW003";

    /// <summary>A data reference that is not <c>data["key"]</c> / <c>[index]</c> with constant keys.</summary>
    public const string InvalidDataReference = "FLOW004";

    /// <summary>A value that is not static (a literal, a constant, <c>Json("...")</c>, a JSON or anonymous object of constants).</summary>
    public const string NotStaticValue = "FLOW005";

    /// <summary>A <c>try</c> block that does not hold exactly one task, Map or Parallel (optionally in a retry block).</summary>
    public const string InvalidTry = "FLOW006";

    /// <summary>A <c>catch</c> clause or <c>finally</c> that has no Catch equivalent.</summary>
    public const string InvalidCatch = "FLOW007";

    /// <summary>A retry block that does not wrap exactly one task, Map or Parallel, or is not <c>using (Retry(...))</c>.</summary>
    public const string InvalidRetry = "FLOW008";

    /// <summary>A retry option out of range.</summary>
    public const string InvalidRetryOption = "FLOW009";

    /// <summary>A task setting (service, timeout, cpu, memory, spec, concurrency, heartbeat, autoscaling) out of range.</summary>
    public const string InvalidTaskSetting = "FLOW010";

    /// <summary>A task class that cannot be a task (name, base type, missing <c>RunAsync</c>, declared outside the file).</summary>
    public const string InvalidTask = "FLOW011";

    /// <summary>An argument of <c>Run</c>, <c>Map</c> or <c>Parallel</c> that is not supported (not a flow method, not a data reference, ...).</summary>
    public const string InvalidArgument = "FLOW012";

    /// <summary>A <c>Wait</c> without exactly one of <c>seconds:</c> and <c>timestamp:</c>, or with an invalid value.</summary>
    public const string InvalidWait = "FLOW013";

    /// <summary>A <c>throw</c> that is not <c>throw new ErrorType("constant cause")</c>.</summary>
    public const string InvalidThrow = "FLOW014";

    /// <summary>An invalid trigger or export attribute (<c>[Schedule]</c>, <c>[Subscribe]</c>, <c>[ProcessEvents]</c>, <c>[Export]</c>).</summary>
    public const string InvalidAttribute = "FLOW015";

    /// <summary>Two states of one state machine with the same name (<c>key:</c>).</summary>
    public const string DuplicateStateName = "FLOW016";

    /// <summary>A statement after <c>return</c> or <c>throw</c>, which no state reaches (warning).</summary>
    public const string UnreachableStatement = "FLOW017";

    /// <summary>The result of an <c>ecs</c> task assigned to the data: such a task returns no result.</summary>
    public const string NoResult = "FLOW018";

    /// <summary>A deprecated service (warning).</summary>
    public const string DeprecatedService = "FLOW019";

    /// <summary>A task setting the service does not use (warning).</summary>
    public const string IgnoredSetting = "FLOW020";

    /// <summary>A state machine method that is not unique, or that contains itself through Map or Parallel.</summary>
    public const string InvalidStateMachine = "FLOW021";

    /// <summary>An event processor class that cannot be used (not an <c>EventProcessor</c>, no custom tag method).</summary>
    public const string InvalidEventProcessor = "FLOW022";

    /// <summary>The generated definition does not pass the States validator: a defect of the compiler, to be reported.</summary>
    public const string GeneratedDefinitionInvalid = "FLOW023";
}
