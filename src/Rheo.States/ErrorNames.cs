namespace Rheo.States;

/// <summary>The predefined error names of the Amazon States Language, plus the AWS service errors Rheo reproduces.</summary>
public static class ErrorNames
{
    /// <summary>Wildcard matching any error name except <see cref="Runtime"/> and <see cref="DataLimitExceeded"/>.</summary>
    public const string All = "States.ALL";

    /// <summary>A Task state failed; matches any task error except <see cref="Timeout"/>.</summary>
    public const string TaskFailed = "States.TaskFailed";

    /// <summary>A runtime error (bad path, bad intrinsic call, bad input type): never retried or caught.</summary>
    public const string Runtime = "States.Runtime";

    /// <summary>A Task ran longer than <c>TimeoutSeconds</c> or missed its heartbeat.</summary>
    public const string Timeout = "States.Timeout";

    /// <summary>A Task missed its heartbeat.</summary>
    public const string HeartbeatTimeout = "States.HeartbeatTimeout";

    /// <summary>A Choice state found no matching rule and has no <c>Default</c>.</summary>
    public const string NoChoiceMatched = "States.NoChoiceMatched";

    /// <summary>A field's path in <c>Parameters</c> could not be resolved.</summary>
    public const string ParameterPathFailure = "States.ParameterPathFailure";

    /// <summary><c>ResultPath</c> cannot be applied to the state's input.</summary>
    public const string ResultPathMatchFailure = "States.ResultPathMatchFailure";

    /// <summary>An intrinsic function failed.</summary>
    public const string IntrinsicFailure = "States.IntrinsicFailure";

    /// <summary>A branch of a Parallel state failed.</summary>
    public const string BranchFailed = "States.BranchFailed";

    /// <summary>A Map state had more failed items than its tolerated threshold.</summary>
    public const string ExceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold";

    /// <summary>A payload exceeded the size quota; never caught by <see cref="All"/>.</summary>
    public const string DataLimitExceeded = "States.DataLimitExceeded";

    /// <summary>The caller lacks privileges.</summary>
    public const string Permissions = "States.Permissions";

    /// <summary>The Lambda function named by a Task is not registered.</summary>
    public const string LambdaResourceNotFound = "Lambda.ResourceNotFoundException";
}
