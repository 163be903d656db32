using Rheo.Core.Dimensions;

namespace Rheo.Core.Signals;

/// <summary>
/// Where a signal's data lives: a scheme (<c>local</c>, <c>internal</c>, <c>timer</c>, <c>s3</c>...), a location
/// (a folder, a bucket/prefix) and one partition-key format per dimension with the guide's <c>{}</c> placeholder
/// (<c>"region={}"</c>, <c>"{}"</c>).
/// </summary>
public sealed record ResourceDescriptor
{
    /// <summary>Creates a descriptor.</summary>
    /// <exception cref="ArgumentException">A partition key has no <c>{}</c> placeholder or more than one.</exception>
    public ResourceDescriptor(string scheme, string location, IReadOnlyList<string>? partitionKeys = null, IReadOnlyDictionary<string, string>? attributes = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(scheme);
        Scheme = scheme;
        Location = location ?? string.Empty;
        PartitionKeys = partitionKeys ?? [];
        foreach (var key in PartitionKeys)
        {
            var first = key.IndexOf("{}", StringComparison.Ordinal);
            if (first < 0 || key.IndexOf("{}", first + 2, StringComparison.Ordinal) >= 0)
            {
                throw new ArgumentException($"The partition key '{key}' must hold exactly one '{{}}' placeholder, e.g. \"region={{}}\" or \"{{}}\".", nameof(partitionKeys));
            }
        }

        Attributes = attributes ?? new Dictionary<string, string>();
    }

    /// <summary>The storage scheme.</summary>
    public string Scheme { get; }

    /// <summary>The root of the data (folder, bucket and prefix, table).</summary>
    public string Location { get; }

    /// <summary>One format per dimension with a <c>{}</c> placeholder; empty means one plain segment per dimension.</summary>
    public IReadOnlyList<string> PartitionKeys { get; }

    /// <summary>Free attributes such as the data format (<c>csv</c>, <c>jsonl</c>).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; }

    /// <summary>The path segments of a partition: each key format with its rendered value in place of <c>{}</c>.</summary>
    /// <exception cref="ArgumentException">The descriptor declares partition keys but not one per dimension.</exception>
    public IReadOnlyList<string> Segments(DimensionSpec spec, Partition partition)
    {
        if (PartitionKeys.Count != 0 && PartitionKeys.Count != spec.Count)
        {
            throw new ArgumentException($"The resource '{Location}' declares {PartitionKeys.Count} partition key(s) for {spec.Count} dimension(s) ({spec.Describe()}).", nameof(spec));
        }

        var rendered = spec.Render(partition);
        if (PartitionKeys.Count == 0)
        {
            return rendered;
        }

        return [.. rendered.Select((value, i) => PartitionKeys[i].Replace("{}", value, StringComparison.Ordinal))];
    }

    /// <summary>Whether the descriptor's keys can carry the spec's dimensions (one key per dimension, or none).</summary>
    public bool Fits(DimensionSpec spec) => PartitionKeys.Count == 0 || PartitionKeys.Count == spec.Count;
}

/// <summary>How to tell that a partition is complete (e.g. a <c>_SUCCESS</c> file beside the data).</summary>
/// <param name="Kind">The protocol's kind, e.g. <c>completion-file</c> or <c>none</c>.</param>
/// <param name="CompletionFile">The name of the marker file, for the completion-file protocol.</param>
public sealed record IntegrityProtocol(string Kind, string? CompletionFile)
{
    /// <summary>Any data present counts as complete.</summary>
    public static IntegrityProtocol None { get; } = new("none", null);

    /// <summary>The default of internal data nodes: a <c>_SUCCESS</c> file.</summary>
    public static IntegrityProtocol Success { get; } = CompletionFileNamed("_SUCCESS");

    /// <summary>A partition is complete when a file of this name exists in it.</summary>
    public static IntegrityProtocol CompletionFileNamed(string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        if (fileName.Contains('/', StringComparison.Ordinal) || fileName.Contains('\\', StringComparison.Ordinal) || fileName is "." or "..")
        {
            throw new ArgumentException($"The completion file '{fileName}' must be a plain file name.", nameof(fileName));
        }

        return new("completion-file", fileName);
    }
}
