namespace Rheo.States.Jobs;

/// <summary>The stable diagnostic codes of the job-map validator; each diagnostic carries the JSON path of the problem.</summary>
public static class JobDiagnosticCodes
{
    /// <summary>The map is not JSON, or not a JSON object.</summary>
    public const string InvalidJson = "JOB001";

    /// <summary>A required field is missing.</summary>
    public const string MissingField = "JOB002";

    /// <summary>A field has the wrong JSON type.</summary>
    public const string WrongType = "JOB003";

    /// <summary>A field Rheo does not know (a warning: the map still runs).</summary>
    public const string UnknownField = "JOB004";

    /// <summary>The datasource is malformed: not exactly one, unknown <c>source</c>, missing or bad <c>content</c> or <c>path</c>.</summary>
    public const string InvalidDatasource = "JOB005";

    /// <summary>The map has no input task, or more than one.</summary>
    public const string InputCount = "JOB006";

    /// <summary>A task's <c>type</c> is not <c>input</c>, <c>function</c>, <c>output</c> or <c>aggregate</c>.</summary>
    public const string UnknownTaskType = "JOB007";

    /// <summary>Two tasks have the same name, or a name is empty.</summary>
    public const string DuplicateTaskName = "JOB008";

    /// <summary>A <c>namespace</c> no registered task lives in.</summary>
    public const string UnknownNamespace = "JOB009";

    /// <summary>A <c>method</c> the namespace does not have.</summary>
    public const string UnknownTask = "JOB010";

    /// <summary>An <c>init_args</c> key the task's constructor does not take.</summary>
    public const string UnknownInitArg = "JOB011";

    /// <summary>A required <c>init_args</c> key is missing.</summary>
    public const string MissingInitArg = "JOB012";

    /// <summary>An <c>init_args</c> value of the wrong type or out of range.</summary>
    public const string InvalidInitArg = "JOB013";

    /// <summary>A workflow edge is not a pair of task names.</summary>
    public const string MalformedEdge = "JOB014";

    /// <summary>A workflow edge or a catcher's <c>next</c> names no task.</summary>
    public const string UnknownEdgeTask = "JOB015";

    /// <summary>Along an edge, what one task produces is not what the next consumes.</summary>
    public const string TypeMismatch = "JOB016";

    /// <summary>The workflow has a cycle.</summary>
    public const string Cycle = "JOB017";

    /// <summary>A task cannot be reached from the input task.</summary>
    public const string Unreachable = "JOB018";

    /// <summary>A task reaches no output task, so its work would be lost.</summary>
    public const string ReachesNoOutput = "JOB019";

    /// <summary>A bad <c>retry</c>, <c>catch</c> or <c>max_concurrency</c> value.</summary>
    public const string InvalidPolicy = "JOB020";

    /// <summary>An edge into the input task or out of an output task.</summary>
    public const string EdgeDirection = "JOB021";

    /// <summary>The map's <c>consumes</c> or <c>produces</c> differs from the registered task's.</summary>
    public const string DeclarationMismatch = "JOB022";

    /// <summary>The same edge twice (a warning).</summary>
    public const string DuplicateEdge = "JOB023";

    /// <summary>A field that has no effect on this kind of task (a warning), or a function field on the wrong type (an error).</summary>
    public const string FieldNotApplicable = "JOB024";

    /// <summary>The map is valid, but its compiled state machine would be too large (a diamond-heavy workflow).</summary>
    public const string TooLarge = "JOB025";
}
