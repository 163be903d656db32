namespace Rheo.Flows;

/// <summary>The runtime of a task (<see cref="TaskSettingsAttribute.Service"/>).</summary>
public static class TaskService
{
    /// <summary>The default: a function that starts quickly and returns structured data (at most 900 s).</summary>
    public const string Lambda = "lambda";

    /// <summary>A function packaged as a container image: for large bundles or custom runtimes (at most 900 s).</summary>
    public const string LambdaContainer = "lambda:container";

    /// <summary>A container task that runs to completion; for work longer than 15 minutes. Returns no result.</summary>
    public const string Ecs = "ecs";

    /// <summary>Messages handed to long-running queue workers (a <see cref="TaskWorker"/> named by <c>Spec</c>).</summary>
    public const string EcsWorker = "ecs:worker";

    /// <summary>Deprecated: a function that unpacks an archive before running. Use <see cref="LambdaContainer"/>.</summary>
    public const string LambdaPexpmRunner = "lambda:pexpm-runner";
}

/// <summary>How a task is deployed and limited: service, timeout, cpu, memory and, for workers, scaling.</summary>
/// <remarks>
/// Values must be constants; <c>rheo states compile</c> validates them and lists the valid choices. Unset values take
/// the defaults documented on each property.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class TaskSettingsAttribute : Attribute
{
    /// <summary>One of <see cref="TaskService"/>; default <c>lambda</c>.</summary>
    public string Service { get; set; } = TaskService.Lambda;

    /// <summary>Seconds before the Task state fails with <c>States.Timeout</c>; default 300, at most 900 for lambda.</summary>
    public int Timeout { get; set; } = 300;

    /// <summary>CPU units for ecs services: 256, 512, 1024 (default), 2048 or 4096.</summary>
    public int Cpu { get; set; } = 1024;

    /// <summary>Memory in MB; default 2048. Lambda: 128, 512, 1024, 1536, 2048 or 3008; ecs: at least twice the cpu.</summary>
    public int Memory { get; set; } = 2048;

    /// <summary>ecs:worker: the worker class, <c>Namespace.Type</c> (optionally <c>, Assembly</c>), deriving from <see cref="TaskWorker"/>.</summary>
    public string? Spec { get; set; }

    /// <summary>ecs:worker: messages processed at once by one worker, 1 to 100; default 1.</summary>
    public int Concurrency { get; set; } = 1;

    /// <summary>ecs:worker: seconds between heartbeats, below <see cref="Timeout"/>; 0 (default) sends none.</summary>
    public int HeartbeatInterval { get; set; }

    /// <summary>ecs:worker: the minimum number of workers; default 1.</summary>
    public int AutoscalingMin { get; set; } = 1;

    /// <summary>ecs:worker: the maximum number of workers; default 1.</summary>
    public int AutoscalingMax { get; set; } = 1;
}
