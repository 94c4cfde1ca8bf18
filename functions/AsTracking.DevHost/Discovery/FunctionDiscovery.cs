using System.Reflection;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace AsTracking.DevHost.Discovery;

/// <summary>
/// Finds the <c>[Function]</c> methods of function classes and classifies them by trigger. Anything the DevHost
/// cannot bind fails here, at startup, with a message naming the function and parameter.
/// </summary>
public static class FunctionDiscovery
{
    /// <summary>The function app's assembly: the default for the DevHost.</summary>
    public static Assembly FunctionAppAssembly => typeof(AsTracking.Functions.Http.Health).Assembly;

    /// <summary>All public <c>[Function]</c> methods of the public types of <paramref name="assemblies"/>.</summary>
    public static IReadOnlyList<FunctionDescriptor> Discover(IEnumerable<Assembly> assemblies, Func<Type, bool>? typeFilter = null) =>
        Discover(assemblies.Distinct().SelectMany(a => a.GetExportedTypes()).Where(t => typeFilter?.Invoke(t) ?? true));

    /// <summary>The public <c>[Function]</c> methods of the given types.</summary>
    /// <exception cref="InvalidOperationException">A function cannot be hosted by the DevHost, or two share a name.</exception>
    public static IReadOnlyList<FunctionDescriptor> Discover(IEnumerable<Type> types)
    {
        var functions = new List<FunctionDescriptor>();
        var errors = new List<string>();
        foreach (var type in types.Distinct())
        {
            if (!type.IsClass || type.IsGenericTypeDefinition) continue;
            var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly);
            foreach (var method in methods)
            {
                var function = method.GetCustomAttribute<FunctionAttribute>();
                if (function is null) continue;
                try
                {
                    functions.Add(Describe(function.Name, method));
                }
                catch (InvalidOperationException ex)
                {
                    errors.Add(ex.Message);
                }
            }
        }

        foreach (var duplicate in functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add($"Function name '{duplicate.Key}' is used by more than one method: "
                + string.Join(", ", duplicate.Select(f => $"{f.FunctionType.FullName}.{f.Method.Name}")) + ".");
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The DevHost cannot host these functions:" + Environment.NewLine + "  - "
                + string.Join(Environment.NewLine + "  - ", errors));
        }
        return functions.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    private static FunctionDescriptor Describe(string name, MethodInfo method)
    {
        var where = $"Function '{name}' ({method.DeclaringType!.FullName}.{method.Name})";
        if (method.IsGenericMethodDefinition) throw new InvalidOperationException($"{where} is generic.");
        if (!method.IsStatic && method.DeclaringType!.IsAbstract)
        {
            throw new InvalidOperationException($"{where} is an instance method of an abstract class.");
        }

        var outputs = method.GetCustomAttributes<OutputBindingAttribute>(inherit: true)
            .Concat(method.ReturnParameter.GetCustomAttributes<OutputBindingAttribute>(inherit: true))
            .Concat(UnwrapTask(method.ReturnType).GetProperties().SelectMany(p => p.GetCustomAttributes<OutputBindingAttribute>(inherit: true)))
            .ToList();
        if (outputs.Count > 0)
        {
            throw new InvalidOperationException(
                $"{where} uses output binding {outputs[0].GetType().Name}, which the DevHost does not support; call a port (e.g. a queue sender) instead.");
        }

        var parameters = method.GetParameters();
        var triggers = parameters
            .Select(p => (Parameter: p, Trigger: p.GetCustomAttribute<TriggerBindingAttribute>(inherit: true)))
            .Where(x => x.Trigger is not null)
            .ToList();
        if (triggers.Count != 1)
        {
            throw new InvalidOperationException($"{where} must have exactly one trigger parameter, not {triggers.Count}.");
        }
        var (triggerParameter, trigger) = triggers[0];

        foreach (var parameter in parameters)
        {
            if (parameter == triggerParameter) continue;
            var binding = parameter.GetCustomAttribute<BindingAttribute>(inherit: true);
            if (binding is not null)
            {
                throw new InvalidOperationException(
                    $"{where}: parameter '{parameter.Name}' uses input binding {binding.GetType().Name}, which the DevHost does not support.");
            }
        }

        switch (trigger)
        {
            case HttpTriggerAttribute http:
                {
                    if (triggerParameter.ParameterType != typeof(HttpRequest))
                    {
                        throw new InvalidOperationException(
                            $"{where}: the HttpTrigger parameter '{triggerParameter.Name}' is {triggerParameter.ParameterType.Name}; the DevHost binds only HttpRequest (ASP.NET Core integration).");
                    }
                    var route = string.IsNullOrWhiteSpace(http.Route) ? name : http.Route.Trim('/');
                    RoutePattern pattern;
                    try
                    {
                        pattern = RoutePatternFactory.Parse(route);
                    }
                    catch (RoutePatternException ex)
                    {
                        throw new InvalidOperationException($"{where}: route '{route}' is not a valid route template: {ex.Message}", ex);
                    }
                    var routeNames = new HashSet<string>(pattern.Parameters.Select(p => p.Name), StringComparer.OrdinalIgnoreCase);
                    foreach (var parameter in parameters)
                    {
                        if (parameter == triggerParameter || parameter.ParameterType == typeof(CancellationToken)) continue;
                        if (parameter.ParameterType == typeof(string))
                        {
                            if (!routeNames.Contains(parameter.Name!))
                            {
                                throw new InvalidOperationException(
                                    $"{where}: string parameter '{parameter.Name}' has no route value of that name in '{route}'.");
                            }
                            continue;
                        }
                        throw Unsupported(where, parameter, "HttpRequest, string (route values) and CancellationToken");
                    }
                    return new FunctionDescriptor(name, method, TriggerKind.Http, triggerParameter)
                    {
                        Route = route,
                        HttpMethods = (http.Methods ?? []).Select(m => m.Trim().ToUpperInvariant()).Where(m => m.Length > 0).Distinct().ToArray(),
                    };
                }

            case QueueTriggerAttribute queue:
                {
                    var type = triggerParameter.ParameterType;
                    if (!IsQueueMessageType(type))
                    {
                        throw new InvalidOperationException(
                            $"{where}: the QueueTrigger parameter '{triggerParameter.Name}' is {type.Name}; the DevHost binds string, byte[], BinaryData, QueueMessage or a JSON class.");
                    }
                    if (string.IsNullOrWhiteSpace(queue.QueueName))
                    {
                        throw new InvalidOperationException($"{where}: the QueueTrigger has no queue name.");
                    }
                    RequireOnly(where, parameters, triggerParameter, "the QueueTrigger parameter and CancellationToken");
                    return new FunctionDescriptor(name, method, TriggerKind.Queue, triggerParameter)
                    {
                        QueueName = queue.QueueName,
                        Connection = string.IsNullOrWhiteSpace(queue.Connection) ? null : queue.Connection,
                    };
                }

            case TimerTriggerAttribute timer:
                {
                    if (triggerParameter.ParameterType != typeof(TimerInfo))
                    {
                        throw new InvalidOperationException(
                            $"{where}: the TimerTrigger parameter '{triggerParameter.Name}' is {triggerParameter.ParameterType.Name}; the DevHost binds TimerInfo.");
                    }
                    if (string.IsNullOrWhiteSpace(timer.Schedule))
                    {
                        throw new InvalidOperationException($"{where}: the TimerTrigger has no schedule.");
                    }
                    RequireOnly(where, parameters, triggerParameter, "TimerInfo and CancellationToken");
                    return new FunctionDescriptor(name, method, TriggerKind.Timer, triggerParameter)
                    {
                        Schedule = timer.Schedule,
                        RunOnStartup = timer.RunOnStartup,
                    };
                }

            default:
                throw new InvalidOperationException(
                    $"{where} uses trigger {trigger!.GetType().Name}; the DevHost supports HttpTrigger, QueueTrigger and TimerTrigger.");
        }
    }

    internal static bool IsQueueMessageType(Type type) =>
        type == typeof(string) || type == typeof(byte[]) || type == typeof(BinaryData) || type == typeof(QueueMessage)
        || (type.IsClass && !type.IsAbstract && type != typeof(object) && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type)
            && !typeof(Delegate).IsAssignableFrom(type) && type.Namespace?.StartsWith("System", StringComparison.Ordinal) != true)
        || (type.IsValueType && !type.IsPrimitive && !type.IsEnum && type.Namespace?.StartsWith("System", StringComparison.Ordinal) != true);

    internal static Type UnwrapTask(Type type)
    {
        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            if (definition == typeof(Task<>) || definition == typeof(ValueTask<>)) return type.GetGenericArguments()[0];
        }
        return type == typeof(Task) || type == typeof(ValueTask) ? typeof(void) : type;
    }

    private static void RequireOnly(string where, ParameterInfo[] parameters, ParameterInfo trigger, string allowed)
    {
        foreach (var parameter in parameters)
        {
            if (parameter != trigger && parameter.ParameterType != typeof(CancellationToken))
            {
                throw Unsupported(where, parameter, allowed);
            }
        }
    }

    private static InvalidOperationException Unsupported(string where, ParameterInfo parameter, string allowed) =>
        new($"{where}: parameter '{parameter.Name}' of type {parameter.ParameterType.FullName} is not supported; the DevHost binds {allowed}.");
}
