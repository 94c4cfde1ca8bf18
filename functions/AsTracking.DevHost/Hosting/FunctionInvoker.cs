using System.Reflection;
using AsTracking.DevHost.Discovery;
using Microsoft.Extensions.DependencyInjection;

namespace AsTracking.DevHost.Hosting;

/// <summary>
/// Creates the function class in the invocation's DI scope (as the worker does, with
/// <see cref="ActivatorUtilities"/>), calls the method with bound arguments and awaits its result.
/// </summary>
internal sealed class FunctionInvoker
{
    private readonly ObjectFactory? _factory;
    private readonly ParameterInfo[] _parameters;

    public FunctionInvoker(FunctionDescriptor function)
    {
        Function = function;
        _parameters = function.Method.GetParameters();
        _factory = function.Method.IsStatic ? null : ActivatorUtilities.CreateFactory(function.FunctionType, Type.EmptyTypes);
    }

    public FunctionDescriptor Function { get; }

    /// <summary>Invokes the function; returns what its Task/ValueTask (or plain return) produced, or null for void.</summary>
    public async Task<object?> InvokeAsync(IServiceProvider scopedServices, Func<ParameterInfo, object?> bind)
    {
        var instance = _factory?.Invoke(scopedServices, null);
        var arguments = new object?[_parameters.Length];
        for (var i = 0; i < _parameters.Length; i++)
        {
            arguments[i] = bind(_parameters[i]);
        }
        var returned = Function.Method.Invoke(instance, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
        return await UnwrapAsync(returned).ConfigureAwait(false);
    }

    private static async Task<object?> UnwrapAsync(object? returned)
    {
        switch (returned)
        {
            case null:
                return null;
            case Task task:
                await task.ConfigureAwait(false);
                return ResultOf(task);
            case ValueTask valueTask:
                await valueTask.ConfigureAwait(false);
                return null;
        }

        var type = returned.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var task = (Task)type.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(returned, null)!;
            await task.ConfigureAwait(false);
            return ResultOf(task);
        }
        return returned;
    }

    private static object? ResultOf(Task task)
    {
        var type = task.GetType();
        // Task<T> (including the runtime's internal subclasses); a plain Task has no meaningful Result.
        for (var t = type; t is not null && t != typeof(Task); t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Task<>))
            {
                var value = t.GetProperty(nameof(Task<int>.Result))!.GetValue(task);
                // async Task methods complete with Task<VoidTaskResult> internally.
                return value?.GetType().FullName == "System.Threading.Tasks.VoidTaskResult" ? null : value;
            }
        }
        return null;
    }
}
