using System.Buffers;
using System.Text;
using Rheo.Runtime.Nodes;

namespace Rheo.Runtime.Data;

/// <summary>
/// Outputs under the application root, one folder per node and partition, and the completion checks of local
/// datasets. Every dimension value is encoded into one path segment that cannot leave the root.
/// </summary>
internal sealed class LocalDataStorage
{
    public const string CompletionFile = "_SUCCESS";

    private static readonly SearchValues<char> SafeCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+,@");

    public LocalDataStorage(string applicationRoot)
    {
        DataRoot = Path.GetFullPath(Path.Combine(applicationRoot, "data"));
    }

    public string DataRoot { get; }

    /// <summary>Encodes one path segment: letters, digits and <c>-_.=+,@</c> stay, everything else becomes <c>%XX</c> (UTF-8); <c>.</c> and <c>..</c> are encoded whole.</summary>
    /// <exception cref="ArgumentException">The value holds a NUL character.</exception>
    public static string Encode(string value)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The value '{value.Replace("\0", "\\0", StringComparison.Ordinal)}' holds a NUL character, which cannot name a partition.", nameof(value));
        }

        if (value.Length == 0)
        {
            return "%";
        }

        if (value is "." or "..")
        {
            return value.Replace(".", "%2E", StringComparison.Ordinal);
        }

        if (!value.AsSpan().ContainsAnyExcept(SafeCharacters))
        {
            return value;
        }

        var text = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '=' or '+' or ',' or '@')
            {
                text.Append(c);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    public string PartitionPath(string nodeId, IReadOnlyList<string> values) => Under(DataRoot, [Encode(nodeId), .. values.Select(Encode)]);

    public static string DatasetPath(ExternalDataNode node, Core.Dimensions.Partition partition) =>
        Under(Path.GetFullPath(node.Dataset.Folder), [.. node.Signal.Resource.Segments(node.Spec, partition).Select(Encode)]);

    public static bool IsDatasetComplete(ExternalDataNode node, Core.Dimensions.Partition partition)
    {
        var path = DatasetPath(node, partition);
        return node.Protocol.CompletionFile is { } file ? File.Exists(Path.Combine(path, file)) : Directory.Exists(path);
    }

    public bool IsComplete(string nodeId, IReadOnlyList<string> values) => File.Exists(Path.Combine(PartitionPath(nodeId, values), CompletionFile));

    /// <summary>Empties (or creates) an output folder before an execution writes it.</summary>
    public static void Prepare(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        Directory.CreateDirectory(path);
    }

    public static void MarkComplete(string path) => File.WriteAllBytes(Path.Combine(path, CompletionFile), []);

    public static void DeleteIfExists(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private static string Under(string root, string[] segments)
    {
        var path = Path.GetFullPath(Path.Combine([root, .. segments]));

        // Encoding already makes escaping impossible; this is the second lock on the door.
        if (!path.StartsWith(root, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The partition path '{path}' would leave the root '{root}'.");
        }

        return path;
    }
}
