using System.Text.Json.Nodes;

namespace Rheo.Runtime.Jobs;

/// <summary>
/// Declares a class as a job task that maps name by <c>namespace</c> and <c>method</c>; its public constructor's
/// parameters are the task's <c>init_args</c> (snake_case names, e.g. <c>exampleProperty</c> is <c>example_property</c>).
/// </summary>
/// <remarks>
/// The class implements <see cref="IJobTask"/> (one dictionary out) or <see cref="IFanOutJobTask"/> (a list that fans
/// out). Describe a parameter with <see cref="System.ComponentModel.DescriptionAttribute"/>; a parameter with a default
/// value is optional.
/// </remarks>
/// <param name="namespace">The namespace the map names in <c>namespace</c>.</param>
/// <param name="name">The name the map gives in <c>method</c>.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class JobTaskAttribute(string @namespace, string name) : Attribute
{
    /// <summary>The namespace the map names in <c>namespace</c>.</summary>
    public string Namespace { get; } = @namespace;

    /// <summary>The name the map gives in <c>method</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The type tag of the dictionaries the task accepts; unset accepts any.</summary>
    public string? Consumes { get; set; }

    /// <summary>The type tag of the dictionaries the task returns; unset for any.</summary>
    public string? Produces { get; set; }

    /// <summary>One sentence for a person composing a map.</summary>
    public string? Description { get; set; }
}

/// <summary>A job task that turns each dictionary it receives into one dictionary.</summary>
/// <remarks>
/// One instance serves a whole run of a job, and runs concurrently when the job fans out: keep it thread-safe.
/// Throw <see cref="Rheo.States.StatesTaskException"/> to fail with an error name that <c>retry</c> and <c>catch</c>
/// match; any other exception fails with its type name. An instance that is <see cref="IDisposable"/> or
/// <see cref="IAsyncDisposable"/> is disposed when the run ends.
/// </remarks>
public interface IJobTask
{
    /// <summary>Runs the task on one dictionary (the task's own copy).</summary>
    ValueTask<JsonObject> RunAsync(JsonObject input, CancellationToken cancellationToken);
}

/// <summary>A job task that turns each dictionary it receives into a list; each element goes on to the next tasks on its own, concurrently.</summary>
/// <remarks>The same contract as <see cref="IJobTask"/>; an empty list ends that path of the job.</remarks>
public interface IFanOutJobTask
{
    /// <summary>Runs the task on one dictionary (the task's own copy).</summary>
    ValueTask<IReadOnlyList<JsonObject>> RunAsync(JsonObject input, CancellationToken cancellationToken);
}
