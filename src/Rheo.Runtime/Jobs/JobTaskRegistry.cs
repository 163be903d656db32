using System.ComponentModel;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Rheo.States.Jobs;

namespace Rheo.Runtime.Jobs;

/// <summary>
/// The job tasks a runner can use: classes marked with <see cref="JobTaskAttribute"/>, discovered from assemblies,
/// described as <see cref="JobTaskDefinition"/>s and created with their <c>init_args</c> bound to constructor parameters.
/// </summary>
/// <remarks>Register everything before running; lookups are thread-safe once registration is done.</remarks>
public sealed class JobTaskRegistry
{
    private static readonly JsonSerializerOptions BindingOptions = new() { Converters = { new JsonStringEnumConverter(allowIntegerValues: false) } };

    private readonly Dictionary<string, Registration> _tasks = new(StringComparer.Ordinal);
    private JobTaskCatalog? _catalog;

    /// <summary>What the validator checks maps against: every registered task's definition.</summary>
    public JobTaskCatalog Catalog => _catalog ??= new JobTaskCatalog(_tasks.Values.Select(r => r.Definition));

    /// <summary>Registers every class of <paramref name="assembly"/> marked with <see cref="JobTaskAttribute"/>.</summary>
    /// <exception cref="ArgumentException">A marked class is not a valid task; the message lists every problem.</exception>
    public JobTaskRegistry AddAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = [.. e.Types.OfType<Type>()];
        }

        var problems = new List<string>();
        foreach (var type in types.Where(t => t.GetCustomAttribute<JobTaskAttribute>() is not null).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            problems.AddRange(TryAdd(type));
        }

        return problems.Count == 0 ? this : throw new ArgumentException($"The assembly {assembly.GetName().Name} has invalid job tasks:\n" + string.Join("\n", problems), nameof(assembly));
    }

    /// <summary>Registers one task class.</summary>
    /// <exception cref="ArgumentException">The class is not a valid task.</exception>
    public JobTaskRegistry Add(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var problems = TryAdd(type);
        return problems.Count == 0 ? this : throw new ArgumentException(string.Join("\n", problems), nameof(type));
    }

    /// <summary>Registers one task class.</summary>
    public JobTaskRegistry Add<T>()
        where T : class => Add(typeof(T));

    /// <summary>
    /// Creates the task object a job-map task runs, binding its <c>init_args</c> (already validated against the
    /// definition) to the constructor.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The task is not registered here.</exception>
    /// <exception cref="TargetInvocationException">The constructor threw.</exception>
    internal object Create(JobTaskDefinition definition, JsonObject initArgs)
    {
        var registration = _tasks[definition.QualifiedName];
        var parameters = registration.Constructor.GetParameters();
        var arguments = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            var name = registration.Definition.Parameters[i].Name;
            arguments[i] = initArgs.TryGetPropertyValue(name, out var value)
                ? Convert(value, parameters[i].ParameterType)
                : parameters[i].HasDefaultValue ? parameters[i].DefaultValue : null;
        }

        return registration.Constructor.Invoke(arguments);
    }

    private static object? Convert(JsonNode? value, Type type) =>
        value is null ? null
        : typeof(JsonNode).IsAssignableFrom(type) ? value.DeepClone()
        : value.Deserialize(type, BindingOptions);

    /// <summary>The init_args name of a constructor parameter: snake_case (<c>maxHTTPRetries</c> is <c>max_http_retries</c>).</summary>
    internal static string SnakeCase(string name)
    {
        var result = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var afterLower = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var endsAcronym = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (afterLower || endsAcronym)
                {
                    result.Append('_');
                }

                result.Append(char.ToLowerInvariant(c));
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    private List<string> TryAdd(Type type)
    {
        var problems = new List<string>();
        var attribute = type.GetCustomAttribute<JobTaskAttribute>();
        if (attribute is null)
        {
            problems.Add($"{type.FullName} has no [JobTask] attribute.");
            return problems;
        }

        var fansOut = typeof(IFanOutJobTask).IsAssignableFrom(type);
        if (fansOut == typeof(IJobTask).IsAssignableFrom(type))
        {
            problems.Add($"{type.FullName} must implement exactly one of IJobTask (one dictionary out) and IFanOutJobTask (a list that fans out).");
        }

        if (type.IsAbstract || type.IsGenericTypeDefinition)
        {
            problems.Add($"{type.FullName} must be a concrete, non-generic class.");
        }

        if (string.IsNullOrWhiteSpace(attribute.Namespace) || string.IsNullOrWhiteSpace(attribute.Name))
        {
            problems.Add($"{type.FullName}: [JobTask] needs a namespace and a name.");
        }

        var constructors = type.GetConstructors();
        if (constructors.Length != 1)
        {
            problems.Add($"{type.FullName} must have exactly one public constructor (its parameters are the init_args) but has {constructors.Length}.");
            return problems;
        }

        var parameters = new List<JobTaskParameter>();
        var nullability = new NullabilityInfoContext();
        foreach (var parameter in constructors[0].GetParameters())
        {
            if (Describe(parameter, nullability) is { } described)
            {
                parameters.Add(described);
            }
            else
            {
                problems.Add($"{type.FullName}: the constructor parameter '{parameter.Name}' has the type {parameter.ParameterType.Name}, which init_args cannot hold; use string, bool, int, long, double, decimal, an enum, JsonNode, JsonObject, JsonArray, or an array or list of those scalars.");
            }
        }

        var key = $"{attribute.Namespace}.{attribute.Name}";
        if (_tasks.TryGetValue(key, out var existing) && existing.Constructor.DeclaringType != type)
        {
            problems.Add($"{type.FullName} and {existing.Constructor.DeclaringType!.FullName} are both registered as the task '{key}'.");
        }

        if (problems.Count == 0)
        {
            var definition = new JobTaskDefinition(attribute.Namespace, attribute.Name, attribute.Consumes, attribute.Produces, attribute.Description, fansOut, parameters);
            _tasks[key] = new Registration(definition, constructors[0]);
            _catalog = null;
        }

        return problems;
    }

    private static JobTaskParameter? Describe(ParameterInfo parameter, NullabilityInfoContext nullability)
    {
        var type = parameter.ParameterType;
        var underlying = Nullable.GetUnderlyingType(type);
        var nullable = underlying is not null || (!type.IsValueType && nullability.Create(parameter).WriteState == NullabilityState.Nullable);
        var (json, items, allowed, min, max) = Scalar(underlying ?? type);
        if (json is null && ElementType(type) is { } element && Scalar(element) is { Json: { } itemType and not ("object" or "array" or "any") })
        {
            json = "array";
            items = itemType;
        }

        if (json is null)
        {
            return null;
        }

        return new JobTaskParameter(SnakeCase(parameter.Name!), json, !parameter.HasDefaultValue)
        {
            Nullable = nullable,
            Default = parameter.HasDefaultValue && parameter.DefaultValue is { } d ? JsonSerializer.SerializeToNode(d, d.GetType(), BindingOptions) : null,
            Description = parameter.GetCustomAttribute<DescriptionAttribute>()?.Description,
            Items = items,
            AllowedValues = allowed,
            Minimum = min,
            Maximum = max,
        };
    }

    private static (string? Json, string? Items, IReadOnlyList<string>? Allowed, long? Min, long? Max) Scalar(Type type) => type switch
    {
        _ when type == typeof(string) => ("string", null, null, null, null),
        _ when type == typeof(bool) => ("boolean", null, null, null, null),
        _ when type == typeof(int) => ("integer", null, null, int.MinValue, int.MaxValue),
        _ when type == typeof(long) => ("integer", null, null, long.MinValue, long.MaxValue),
        _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => ("number", null, null, null, null),
        _ when type.IsEnum => ("string", null, Enum.GetNames(type), null, null),
        _ when type == typeof(JsonObject) => ("object", null, null, null, null),
        _ when type == typeof(JsonArray) => ("array", null, null, null, null),
        _ when type == typeof(JsonNode) => ("any", null, null, null, null),
        _ => (null, null, null, null, null),
    };

    private static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.IsGenericType && type.GetGenericArguments() is [var element]
            && type.GetGenericTypeDefinition() is var generic
            && (generic == typeof(List<>) || generic == typeof(IReadOnlyList<>) || generic == typeof(IEnumerable<>) || generic == typeof(IReadOnlyCollection<>) || generic == typeof(IList<>)))
        {
            return element;
        }

        return null;
    }

    private sealed record Registration(JobTaskDefinition Definition, ConstructorInfo Constructor);
}
