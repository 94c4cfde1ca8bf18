using System.Reflection;

namespace AsTracking.DevHost.Discovery;

public enum TriggerKind
{
    Http,
    Queue,
    Timer,
}

/// <summary>One <c>[Function]</c> method and its trigger, as found by <see cref="FunctionDiscovery"/>.</summary>
public sealed class FunctionDescriptor
{
    internal FunctionDescriptor(string name, MethodInfo method, TriggerKind kind, ParameterInfo triggerParameter)
    {
        Name = name;
        Method = method;
        Kind = kind;
        TriggerParameter = triggerParameter;
    }

    /// <summary>The name in <c>[Function("...")]</c>.</summary>
    public string Name { get; }
    public MethodInfo Method { get; }
    public Type FunctionType => Method.DeclaringType!;
    public TriggerKind Kind { get; }
    public ParameterInfo TriggerParameter { get; }

    /// <summary>HTTP: upper-case verbs; empty means any verb.</summary>
    public IReadOnlyList<string> HttpMethods { get; internal init; } = [];
    /// <summary>HTTP: the route template without the <c>api/</c> prefix (the function name when the attribute has none).</summary>
    public string? Route { get; internal init; }
    /// <summary>Queue: the queue name as written (may contain <c>%setting%</c>).</summary>
    public string? QueueName { get; internal init; }
    /// <summary>Queue: the connection setting name, or null for <c>AzureWebJobsStorage</c>.</summary>
    public string? Connection { get; internal init; }
    /// <summary>Timer: the schedule as written (NCRONTAB, a TimeSpan, or <c>%setting%</c>).</summary>
    public string? Schedule { get; internal init; }
    public bool RunOnStartup { get; internal init; }

    public override string ToString() => Kind switch
    {
        TriggerKind.Http => $"{Name}: [{(HttpMethods.Count == 0 ? "*" : string.Join(',', HttpMethods))}] {Route}",
        TriggerKind.Queue => $"{Name}: queue {QueueName}",
        _ => $"{Name}: timer {Schedule}",
    };
}
