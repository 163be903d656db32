using System.Reflection;

namespace Rheo.Runtime.Compute;

/// <summary>Persistable names of user types (compute classes, hooks) and their resolution in a later process.</summary>
internal static class TypeNames
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Type> Resolved = new(StringComparer.Ordinal);

    public static string Of(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    /// <summary>Resolves a name written by <see cref="Of"/>, also among assemblies loaded without a file (scripts); found types are remembered.</summary>
    public static Type? Resolve(string name)
    {
        if (Resolved.TryGetValue(name, out var known))
        {
            return known;
        }

        var type = Find(name);
        if (type is { Assembly.IsCollectible: false })
        {
            Resolved.TryAdd(name, type);
        }

        return type;
    }

    private static Type? Find(string name)
    {
        var type = Type.GetType(name, throwOnError: false);
        if (type is not null)
        {
            return type;
        }

        var comma = name.IndexOf(',', StringComparison.Ordinal);
        var fullName = comma < 0 ? name : name[..comma].Trim();
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.GetType(fullName, throwOnError: false) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    public static T Create<T>(string name, string what)
        where T : class
    {
        var type = Resolve(name) ?? throw new InvalidOperationException($"The {what} type '{name}' cannot be found in this process; load the assembly that defines it before running the application.");
        if (!typeof(T).IsAssignableFrom(type))
        {
            throw new InvalidOperationException($"The {what} type '{name}' does not implement {typeof(T).Name}.");
        }

        try
        {
            return (T)Activator.CreateInstance(type)!;
        }
        catch (Exception e) when (e is MissingMethodException or TargetInvocationException or MemberAccessException)
        {
            throw new InvalidOperationException($"The {what} type '{name}' cannot be created: it needs a public parameterless constructor ({e.GetBaseException().Message}).", e);
        }
    }
}
